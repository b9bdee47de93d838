import MCNTrain

/// The current query set's tasks, hardest (highest meta loss) first: a bar of the meta loss and the
/// pair accuracy per anchor video, and a sparkline of the inner-step drop L(Q;θ) − L(Q;θ').
public enum TasksPanel {
    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let title = PanelID.tasks.title + (s.tasksStep.map { " @\($0)" } ?? "")
        let inner = ctx.frame(&b, rect, title: title, focused: ui.focus == .tasks, key: 2)
        let t = ctx.theme, g = ctx.glyphs
        guard inner.height >= 3, inner.width >= 24 else { return }
        // Bottom two rows: inner drop sparkline.
        let (listArea, sparkArea) = inner.splitBottom(2)
        if let drop = s.series["inner_drop"], !drop.isEmpty {
            let last = drop.last.map(Format.number) ?? "--"
            // The label shortens, never the number.
            let head = ["inner drop L(Q;θ)−L(Q;θ') ", "inner drop ", "drop ", ""].map { $0 + last }.first { $0.count <= sparkArea.width } ?? last
            b.text(head, x: sparkArea.x, y: sparkArea.y, style: t[.dim], clip: sparkArea)
            let spark = Sparkline.render(drop.values.suffix(sparkArea.width * 8), width: sparkArea.width, glyphs: g)
            b.text(spark, x: sparkArea.x, y: sparkArea.y + 1, style: t[.barAccuracy], clip: sparkArea)
        } else {
            b.text("inner drop: not reported", x: sparkArea.x, y: sparkArea.y + 1, style: t[.dim], clip: sparkArea)
        }
        guard !s.tasks.isEmpty else {
            // The contrastive baseline has no meta branch: it will never have tasks to show.
            let why = s.run?.method == "contrastive" ? "none: the contrastive baseline has no meta branch" : "no tasks yet"
            for (i, row) in TextFit.wrap(why, width: max(1, listArea.width - 1)).prefix(max(0, listArea.height - 1)).enumerated() {
                b.text(row, x: listArea.x + 1, y: listArea.y + 1 + i, style: t[.dim], clip: listArea)
            }
            return
        }
        let tasks = s.tasks.sorted { $0.metaLoss == $1.metaLoss ? $0.video < $1.video : $0.metaLoss > $1.metaLoss }
        let maxLoss = max(tasks.map(\.metaLoss).filter(\.isFinite).max() ?? 1, 1e-9)
        // Columns: name | loss bar, value (7) | accuracy bar, value (5: " 100%").
        let header = listArea.splitTop(1)
        let nameW = max(8, min(24, listArea.width * 2 / 5))
        let barW = max(1, (listArea.width - nameW - 1 - 7 - 1 - 5) / 2)
        let lossX = listArea.x + nameW + 1
        let accX = lossX + barW + 7 + 1
        // Headings in whole words, each within its column.
        for (words, x, w) in [(["video (hardest first)", "hardest first", "video"], listArea.x, nameW), (["meta loss", "loss"], lossX, barW + 7),
                              (["pair acc", "acc"], accX, barW + 5)] {
            if let h = words.first(where: { $0.count <= w }) { b.text(h, x: x, y: header.top.y, style: t[.dim], clip: listArea) }
        }
        // When not every task fits, the last row says how many are not shown.
        let rows = header.rest.height
        let shown = tasks.count > rows ? max(0, rows - 1) : tasks.count
        for (i, task) in tasks.prefix(shown).enumerated() {
            let y = header.rest.y + i
            b.text(VideoName.fit(task.video, width: nameW, ellipsis: g.ellipsis), x: listArea.x, y: y, style: t[.normal], clip: listArea)
            b.bar(x: lossX, y: y, width: barW, fraction: task.metaLoss / maxLoss, style: t[.barLoss], track: nil, glyphs: g, clip: listArea)
            b.text(Format.number(task.metaLoss).leftPadded(to: 7), x: lossX + barW, y: y, style: t[.normal], clip: listArea)
            b.bar(x: accX, y: y, width: barW, fraction: task.pairAccuracy, style: t[.barAccuracy], track: nil, glyphs: g, clip: listArea)
            b.text(Format.percent(task.pairAccuracy).leftPadded(to: 5), x: accX + barW, y: y, style: t[.normal], clip: listArea)
        }
        if shown < tasks.count, rows > 0 {
            b.text("+\(tasks.count - shown) more", x: listArea.x, y: header.rest.y + shown, style: t[.note], clip: listArea)
        }
    }
}
