/// The quit confirmation shown when the last checkpoint is older than the limit: quitting stops
/// training (the engine finishes its step and writes a checkpoint), which a stray `q` should not do
/// to a long run unasked.
public enum ConfirmDialog {
    public static func render(_ s: Snapshot, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let t = ctx.theme
        let age = s.step - s.lastCheckpointStep
        let lines = [
            "Training stops after this step and writes a checkpoint",
            s.hasCheckpoint ? "(the last checkpoint is \(age) step\(age == 1 ? "" : "s") old)." : "(there is no checkpoint yet).",
            "--resume continues from it.",
            "",
        ]
        let hints = KeyTable.footerHints(UIState.dialogState).map { "\($0.keys) \($0.hint)" }.joined(separator: "   ")
        let w = max(hints.count, lines.map(\.count).max() ?? 0) + 6
        let box = rect.centered(width: w, height: lines.count + 3)
        b.fill(box, style: t[.dialog])
        b.box(box, title: "Stop training?", style: t[.dialog], titleStyle: t[.dialog], glyphs: ctx.glyphs)
        for (i, l) in (lines + [hints]).enumerated() {
            b.text(l, x: box.x + 3, y: box.y + 1 + i, style: t[.dialog], clip: box.inset(1))
        }
    }
}

extension UIState {
    static var dialogState: UIState { var u = UIState(); u.confirmQuit = true; return u }
}
