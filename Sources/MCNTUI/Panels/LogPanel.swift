import MCNTrain

/// The engine's log lines, newest at the bottom; warnings and errors stand out. A long entry wraps
/// onto the rows below its start, so its end (often the file it is about) stays readable.
public enum LogPanel {
    /// The step column and the space after it.
    static let stepColumn = 7

    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let title = PanelID.log.title + (ui.logScroll > 0 ? " (scrolled back \(ui.logScroll))" : "")
        let inner = ctx.frame(&b, rect, title: title, focused: ui.focus == .log, key: 5)
        let t = ctx.theme
        guard inner.height >= 1, inner.width >= 10 else { return }
        // From the newest entry shown back, until the pane is full.
        var rows: [(String, ThemeRole)] = []
        var i = max(0, s.logs.count - ui.logScroll)
        while i > 0, rows.count < inner.height {
            i -= 1
            let line = s.logs[i]
            let role: ThemeRole = line.level == .error ? .logError : line.level == .warning ? .logWarning : .logInfo
            rows.insert(contentsOf: Self.rows(line, width: inner.width, maxRows: inner.height, ellipsis: ctx.glyphs.ellipsis).map { ($0, role) }, at: 0)
        }
        for (r, (text, role)) in rows.suffix(inner.height).enumerated() {
            b.text(text, x: inner.x, y: inner.y + r, style: t[role], clip: inner)
        }
    }

    /// One entry's rows: the step, then the text wrapped at spaces, under its first row (indented 2
    /// in a narrow pane). An entry longer than `maxRows` rows is cut into full rows instead (a
    /// path stays whole, to be copied); if that is too long still, its paths are shortened to their
    /// last two parts, then to file names, and at last the middle is elided. In a pane too narrow
    /// to wrap usefully, one row cut with an ellipsis.
    static func rows(_ line: LogLine, width: Int, maxRows: Int, ellipsis: Character) -> [String] {
        let prefix = line.level == .info ? "" : line.level == .warning ? "warn: " : "error: "
        let step = (line.step?.description ?? "").leftPadded(to: stepColumn - 1) + " "
        let text = prefix + line.text
        let indent = width >= 50 ? stepColumn : 2
        // A step wider than its column (a million and more) pushes the text along, never off the row.
        let firstW = width - step.count, restW = width - indent
        guard firstW >= 12, maxRows > 1 else { return [ScreenBuffer.truncate(step + text, to: width, ellipsis: ellipsis)] }
        let shorter = [text, TextFit.shortenPaths(text, keep: 2, ellipsis: ellipsis), TextFit.shortenPaths(text, keep: 1, ellipsis: ellipsis)]
        let room = firstW + (maxRows - 1) * restW
        let layouts = shorter.lazy.flatMap { t in
            [TextFit.wrap(t, width: restW, firstWidth: firstW)] + (t.count <= room ? [TextFit.chunk(t, width: restW, firstWidth: firstW)] : [])
        }
        let wrapped = layouts.first { $0.count <= maxRows }
            ?? TextFit.chunk(TextFit.middle(shorter[2], width: room, tail: room / 2, ellipsis: ellipsis), width: restW, firstWidth: firstW)
        let pad = String(repeating: " ", count: indent)
        return wrapped.enumerated().map { ($0.offset == 0 ? step : pad) + $0.element }
    }
}
