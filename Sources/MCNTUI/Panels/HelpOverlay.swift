/// The `?` screen: every binding of the key table for the key set in use, by scope.
public enum HelpOverlay {
    public static func lines(vimKeys: Bool, canSteer: Bool = true) -> [(keys: String, text: String, section: Bool)] {
        var out: [(String, String, Bool)] = []
        for (scope, rows) in KeyTable.helpSections(vimKeys: vimKeys, canSteer: canSteer) {
            if !out.isEmpty { out.append(("", "", false)) }
            out.append((scope.rawValue, "", true))
            for r in rows { out.append((r.label, r.help, false)) }
        }
        return out
    }

    public static func render(_ ui: UIState, canSteer: Bool, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let t = ctx.theme, g = ctx.glyphs
        let all = lines(vimKeys: ui.vimKeys, canSteer: canSteer)
        let keyW = (all.filter { !$0.section }.map(\.keys.count).max() ?? 8) + 2
        let textW = all.map(\.text.count).max() ?? 40
        // Two columns when the list is taller than the screen.
        let columns = all.count + 4 > rect.height ? 2 : 1
        let perCol = (all.count + columns - 1) / columns
        // Columns share the width; help text is cut with an ellipsis where it does not fit.
        let colW = min(keyW + textW + 2, (rect.width - 4) / columns)
        let box = rect.centered(width: columns * colW + 4, height: perCol + 4)
        b.fill(box, style: t[.helpText])
        b.box(box, title: "Keys (? or Esc closes)", style: t[.borderFocused], titleStyle: t[.titleFocused], glyphs: g)
        let inner = box.inset(dx: 2, dy: 1)
        for (i, l) in all.enumerated() {
            let col = i / perCol, row = i % perCol
            let x = inner.x + col * colW, y = inner.y + 1 + row
            let cell = Rect(x: x, y: y, width: min(colW, inner.maxX - x), height: 1).intersection(inner)
            if l.section { b.text(l.keys, x: x, y: y, style: t[.helpSection], clip: cell); continue }
            b.text(l.keys, x: x, y: y, style: t[.helpKey], clip: cell)
            b.text(ScreenBuffer.truncate(l.text, to: colW - keyW - 2, ellipsis: g.ellipsis), x: x + keyW, y: y, style: t[.helpText], clip: cell)
        }
    }
}
