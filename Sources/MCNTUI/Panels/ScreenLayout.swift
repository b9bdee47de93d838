/// Where each visible panel goes for a screen size: header on top, footer at the bottom; the curves
/// and tasks side by side above, retrieval and a system-over-log column below. Hidden panels give
/// their room to the others.
public struct ScreenLayout: Equatable, Sendable {
    public static let minWidth = 80, minHeight = 24

    public var header: Rect
    public var footer: Rect
    public var body: Rect
    public var panels: [PanelID: Rect]

    public init(width: Int, height: Int, visible: Set<PanelID>) {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (h, rest) = screen.splitTop(HeaderPanel.height)
        let (body, f) = rest.splitBottom(1)
        header = h; footer = f; self.body = body
        panels = [:]
        let top = [PanelID.curves, .tasks].filter(visible.contains)
        let rightColumn = [PanelID.system, .log].filter(visible.contains)
        let hasBottom = visible.contains(.retrieval) || !rightColumn.isEmpty
        let rowsSplit: [Rect]
        switch (top.isEmpty, hasBottom) {
        case (false, true): rowsSplit = body.rows([0.52, 0.48])
        case (false, false): rowsSplit = [body, Rect(x: 0, y: body.maxY, width: width, height: 0)]
        default: rowsSplit = [Rect(x: 0, y: body.y, width: width, height: 0), body]
        }
        // Top row.
        if top.count == 2 {
            let c = rowsSplit[0].columns([0.6, 0.4]); panels[.curves] = c[0]; panels[.tasks] = c[1]
        } else if let p = top.first { panels[p] = rowsSplit[0] }
        // Bottom row.
        let bottom = rowsSplit[1]
        var column = bottom
        if visible.contains(.retrieval) {
            if rightColumn.isEmpty { panels[.retrieval] = bottom; return }
            let c = bottom.columns([0.6, 0.4]); panels[.retrieval] = c[0]; column = c[1]
        }
        if rightColumn.count == 2 {
            let sysRows = min(8, max(4, column.height / 2))
            let (s, l) = column.splitTop(sysRows)
            panels[.system] = s; panels[.log] = l
        } else if let p = rightColumn.first { panels[p] = column }
    }
}
