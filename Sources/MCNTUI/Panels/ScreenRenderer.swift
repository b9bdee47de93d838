/// Renders the whole screen for a snapshot and UI state: a pure function, so the screen is tested
/// as text without a terminal.
public enum ScreenRenderer {
    public static func render(_ s: Snapshot, _ ui: UIState, width: Int, height: Int, _ ctx: RenderContext) -> ScreenBuffer {
        var b = ScreenBuffer(width: width, height: height, fill: Cell(Unicode.Scalar(" "), ctx.theme[.normal]))
        guard width >= ScreenLayout.minWidth, height >= ScreenLayout.minHeight else {
            tooSmall(into: &b, ctx)
            if ctx.glyphs.plot == .ascii { b.foldToASCII() }
            return b
        }
        let layout = ScreenLayout(width: width, height: height, visible: ui.visible)
        HeaderPanel.render(s, ui, into: &b, rect: layout.header, ctx)
        if ui.detailOpen {
            DetailView.render(s, ui, into: &b, rect: layout.body, ctx)
        } else {
            for (id, rect) in layout.panels.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                renderPanel(id, s, ui, into: &b, rect: rect, ctx)
            }
        }
        FooterBar.render(s, ui, into: &b, rect: layout.footer, ctx)
        if ui.helpOpen { HelpOverlay.render(ui, facts: KeyFacts(s, ui), into: &b, rect: layout.body, ctx) }
        if ui.confirmQuit { ConfirmDialog.render(s, into: &b, rect: layout.body, ctx) }
        if ctx.glyphs.plot == .ascii { b.foldToASCII() }
        return b
    }

    public static func renderPanel(_ id: PanelID, _ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        switch id {
        case .curves: CurvesPanel.render(s, ui, into: &b, rect: rect, ctx)
        case .tasks: TasksPanel.render(s, ui, into: &b, rect: rect, ctx)
        case .retrieval: RetrievalPanel.render(s, ui, into: &b, rect: rect, ctx)
        case .system: SystemPanel.render(s, ui, into: &b, rect: rect, ctx)
        case .log: LogPanel.render(s, ui, into: &b, rect: rect, ctx)
        }
    }

    /// The help's layout on this screen (for its scrolling keys).
    public static func helpLayout(_ s: Snapshot, _ ui: UIState, width: Int, height: Int) -> HelpOverlay.Layout {
        let body = ScreenLayout(width: width, height: height, visible: ui.visible).body
        return HelpOverlay.layout(ui, facts: KeyFacts(s, ui), rect: body)
    }

    /// The rows of the retrieval query list on screen (for paging keys).
    public static func queryPageRows(width: Int, height: Int, ui: UIState) -> Int {
        let l = ScreenLayout(width: width, height: height, visible: ui.visible)
        if ui.focus == .log { return max(1, (l.panels[.log]?.height ?? 12) - 2) }
        return max(1, (l.panels[.retrieval]?.height ?? 12) - 4)
    }

    static func tooSmall(into b: inout ScreenBuffer, _ ctx: RenderContext) {
        let lines = ["Terminal too small: \(b.width)×\(b.height).",
                     "mcn-tui needs at least \(ScreenLayout.minWidth)×\(ScreenLayout.minHeight).",
                     "Enlarge the window, or press q to quit."]
        for (i, l) in lines.enumerated() {
            let y = b.height / 2 - 1 + i
            b.text(l, x: max(0, (b.width - l.count) / 2), y: y, style: ctx.theme[i == 0 ? .warn : .normal])
        }
    }
}
