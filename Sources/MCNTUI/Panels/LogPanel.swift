import MCNTrain

/// The engine's log lines, newest at the bottom; warnings and errors stand out.
public enum LogPanel {
    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let title = PanelID.log.title + (ui.logScroll > 0 ? " (scrolled back \(ui.logScroll))" : "")
        let inner = ctx.frame(&b, rect, title: title, focused: ui.focus == .log, key: 5)
        let t = ctx.theme, g = ctx.glyphs
        guard inner.height >= 1, inner.width >= 10 else { return }
        let end = max(0, s.logs.count - ui.logScroll)
        let lines = s.logs[max(0, end - inner.height)..<end]
        for (i, line) in lines.enumerated() {
            let role: ThemeRole = line.level == .error ? .logError : line.level == .warning ? .logWarning : .logInfo
            let prefix = line.level == .info ? "" : line.level == .warning ? "warn: " : "error: "
            let text = ScreenBuffer.truncate("\((line.step?.description ?? "").leftPadded(to: 6)) \(prefix)\(line.text)", to: inner.width, ellipsis: g.ellipsis)
            b.text(text, x: inner.x, y: inner.y + i, style: t[role], clip: inner)
        }
    }
}
