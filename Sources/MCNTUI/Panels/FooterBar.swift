/// The bottom row: key hints for the current state from the key table, or a notice.
public enum FooterBar {
    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        guard rect.height >= 1 else { return }
        let t = ctx.theme
        b.fill(rect.splitTop(1).top, style: t[.footerText])
        var x = rect.x
        if let m = ui.message {
            x = b.text(" \(m) ", x: x, y: rect.y, style: t[.note].adding(.bold), clip: rect) + 1
        }
        for hint in KeyTable.footerHints(ui, width: rect.maxX - x, facts: KeyFacts(s, ui)) {
            let keyText = " \(hint.keys) ", hintText = "\(hint.hint) "
            if x + KeyTable.footerWidth(hint.keys, hint.hint) > rect.maxX { break }
            x = b.text(keyText, x: x, y: rect.y, style: t[.footerKey], clip: rect)
            x = b.text(hintText, x: x, y: rect.y, style: t[.footerText], clip: rect)
        }
    }
}
