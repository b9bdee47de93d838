import MCNTrain

/// CPU, memory, BLAS threads, decode vs compute per step, cache hits, and the monitors.
public enum SystemPanel {
    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let inner = ctx.frame(&b, rect, title: PanelID.system.title, focused: ui.focus == .system, key: 4)
        let t = ctx.theme, g = ctx.glyphs
        guard inner.height >= 1, inner.width >= 20 else { return }
        // The system rows' labels are short; the monitors' (embedding_std_ref) get a column of
        // their own, so they do not push the system figures off a narrow panel.
        var rows: [(String, String)] = []
        if let sys = s.system {
            rows.append(("CPU", String(format: "%.2f cores", sys.cpuCores) + (sys.machineCores > 0 ? " of \(sys.machineCores)" : "")))
            // "BLAS 2 thr", or with the kernel set named "BLAS SkylakeX ×2" (fits the panel at 120 columns).
            rows.append(("RSS", Format.bytes(sys.residentBytes) + "   BLAS "
                         + (sys.blasCore.map { "\($0) ×\(sys.blasThreads)" } ?? "\(sys.blasThreads) thr")))
            let total = sys.decodeSeconds + sys.computeSeconds
            rows.append(("step", "decode \(Format.milliseconds(sys.decodeSeconds)) / compute \(Format.milliseconds(sys.computeSeconds))"
                         + (total > 0 ? " (\(Format.percent(sys.decodeSeconds / total)) decode)" : "")))
            let lookups = sys.cacheHits + sys.cacheMisses
            rows.append(("cache", "\(sys.cacheHits) hits / \(lookups)" + (lookups > 0 ? " (\(Format.percent(Double(sys.cacheHits) / Double(lookups))))" : "")
                         + (sys.skippedVideos > 0 ? "  skipped \(sys.skippedVideos)" : "")))
        }
        let systemRows = rows.count
        // Without figures, a line that says why, where the others' messages go; the monitors under it.
        let top = s.system == nil ? 1 : 0
        if s.system == nil {
            // The trainer does not write its system figures to the run's files: `view` never has them.
            let why = ui.readOnly ? "system figures are only shown live" : "no system figures yet"
            b.text(ScreenBuffer.truncate(why, to: inner.width - 1, ellipsis: g.ellipsis), x: inner.x + 1, y: inner.y, style: t[.dim], clip: inner)
        }
        let monitorLabels = s.monitors.keys.sorted().map { String($0.prefix(18)) }
        for (key, label) in zip(s.monitors.keys.sorted(), monitorLabels) { rows.append((label, Format.number(s.monitors[key]!))) }
        let systemW = 6, monitorW = min(18, max(6, monitorLabels.map(\.count).max() ?? 6)) + 1
        for (i, row) in rows.prefix(inner.height - top).enumerated() {
            let y = inner.y + top + i, labelW = i < systemRows ? systemW : monitorW
            b.text(row.0, x: inner.x, y: y, style: t[.dim], clip: inner)
            b.text(ScreenBuffer.truncate(row.1, to: inner.width - labelW, ellipsis: g.ellipsis), x: inner.x + labelW, y: y, style: t[.normal], clip: inner)
        }
        // CPU bar where there is room to the right of the first row's text.
        if let sys = s.system, let cpu = rows.first, inner.width >= 40 {
            // Scale to the machine's cores; when unknown, to the cores in use, at least 2.
            let cores = sys.machineCores > 0 ? Double(sys.machineCores) : max(2, sys.cpuCores.rounded(.up))
            let w = min(16, inner.width - systemW - cpu.1.count - 2)
            if w >= 4 { b.bar(x: inner.maxX - w, y: inner.y, width: w, fraction: sys.cpuCores / cores, style: t[.barAccuracy], track: t[.dim], glyphs: g, clip: inner) }
        }
    }
}

