import MCNTrain

/// The two header rows: what runs, where it is, how fast, and the engine's state.
public enum HeaderPanel {
    public static let height = 2

    public static func methodLabel(_ run: RunInfo?) -> String {
        guard let run else { return "waiting for the engine" }
        let m = run.method.lowercased() == "mcn" ? "MCN" : run.method.lowercased() == "contrastive" ? "Contrastive baseline" : run.method
        return run.mode.isEmpty ? m : "\(m) \(run.mode)"
    }

    /// What runs, most important first: method, backbone, clip shape, batch, dataset.
    static func runFacts(_ run: RunInfo?) -> [String] {
        var facts = [methodLabel(run)]
        guard let run else { return facts }
        if !run.backbone.isEmpty { facts.append(run.backbone) }
        if run.clipShape.count == 3 { facts.append(run.clipShape.map(String.init).joined(separator: "×")) }
        if run.batchVideos > 0 { facts.append("batch \(run.batchVideos)") }
        if !run.datasetSummary.isEmpty { facts.append(run.datasetSummary) }
        return facts
    }

    /// `facts` joined by ` · ` in `width` columns: the first that does not fit is cut at a clause or
    /// word boundary with an ellipsis (a lone ellipsis when no word of it fits) and the rest dropped,
    /// so a number is never cut short into another number.
    static func fitFacts(_ facts: [String], width: Int, ellipsis: Character) -> String {
        var line = ""
        for f in facts {
            let sep = line.isEmpty ? "" : " · "
            let room = width - line.count - sep.count
            if f.count <= room { line += sep + f; continue }
            if let cut = TextFit.atBoundary(f, width: room, ellipsis: ellipsis) { line += sep + cut }
            else if room >= 1 { line += sep + String(ellipsis) }
            break
        }
        return line
    }

    static func stateBadge(_ s: Snapshot) -> (String, ThemeRole) {
        switch s.state {
        case .starting: return ("STARTING", .stateBusy)
        case .running: return ("RUNNING", .stateRunning)
        case .paused: return ("PAUSED", .statePaused)
        case .evaluating: return ("EVALUATING", .stateBusy)
        case .checkpointing: return ("CHECKPOINTING", .stateBusy)
        case .finished: return ("FINISHED", .stateFinished)
        case .error: return ("ERROR", .stateError)
        case .interrupted: return ("INTERRUPTED", .statePaused)
        }
    }

    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        guard rect.height >= 1, rect.width >= 20 else { return }
        let t = ctx.theme
        b.fill(rect.splitTop(min(2, rect.height)).top, style: t[.headerBar])
        // Row 0: name, method, backbone ... state badges at the right.
        var badges: [(String, ThemeRole)] = [stateBadge(s)]
        if ui.frozen { badges.insert(("FROZEN", .statePaused), at: 0) }
        if ui.readOnly { badges.insert(("VIEW", .stateFinished), at: 0) }
        let badgeWidth = badges.reduce(0) { $0 + $1.0.count + 3 }
        let leftClip = Rect(x: rect.x, y: rect.y, width: rect.width - badgeWidth, height: 1)
        var x = b.text(" ", x: rect.x, y: rect.y, style: t[.headerBar], clip: leftClip)
        x = b.text(s.run?.name ?? "mcn-tui", x: x, y: rect.y, style: t[.headerName], clip: leftClip)
        let facts = fitFacts(runFacts(s.run), width: leftClip.maxX - x - 2, ellipsis: ctx.glyphs.ellipsis)
        b.text("  " + facts, x: x, y: rect.y, style: t[.headerBar], clip: leftClip)
        // Each badge: a column of gap, then ` LABEL `; the last ends at the right edge.
        var bx = rect.maxX - badgeWidth
        for (label, role) in badges {
            bx = b.text(" \(label) ", x: bx + 1, y: rect.y, style: t[role], clip: rect)
        }
        guard rect.height >= 2 else { return }
        // Row 1: step, epoch, progress bar, elapsed/ETA, clips/s, data wait.
        let y = rect.y + 1
        let total = s.totalSteps
        var left = " step \(s.step)"
        if let total { left += "/\(total)" }
        left += "  ep \(s.displayEpoch)"
        if let epochs = s.totalEpochs { left += "/\(epochs)" }
        left += "  "
        // Narrow screens get the short forms, so the progress bar keeps at least 10 cells.
        let pct = total.map { Format.percent(Double(s.step) / Double($0), digits: 1) + "  " } ?? ""
        let long = "  " + pct + "elapsed \(Format.duration(s.trainSeconds))  ETA \(Format.duration(s.etaSeconds))"
            + "  \(Format.number(s.clipsPerSecond)) clips/s  data wait \(Format.percent(s.dataWaitShare)) "
        let short = " " + pct + "\(Format.duration(s.trainSeconds)) ETA \(Format.duration(s.etaSeconds))"
            + " \(Format.short(s.clipsPerSecond))c/s wait \(Format.percent(s.dataWaitShare)) "
        let right = rect.width - left.count - long.count >= 10 ? long : short
        let barWidth = rect.width - left.count - right.count
        var cx = b.text(left, x: rect.x, y: y, style: t[.headerBar], clip: rect)
        if barWidth >= 6 {
            let f = total.map { Double(s.step) / Double($0) } ?? 0
            b.bar(x: cx, y: y, width: barWidth, fraction: f, style: t[.progressDone], track: t[.progressTodo], glyphs: ctx.glyphs, clip: rect)
            cx += barWidth
        }
        b.text(right, x: cx, y: y, style: t[.headerBar], clip: rect)
    }
}
