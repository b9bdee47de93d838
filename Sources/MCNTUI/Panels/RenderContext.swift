/// What every panel's render needs besides the snapshot and UI state.
public struct RenderContext: Sendable {
    public var theme: Theme
    public var glyphs: GlyphSet
    /// False under NO_COLOR or a monochrome theme: thumbnails fall back to shades.
    public var colour: Bool

    public init(theme: Theme, glyphs: GlyphSet, colour: Bool = true) {
        self.theme = theme; self.glyphs = glyphs; self.colour = colour
    }

    /// Draws a panel frame, focused or not, and returns the inside.
    public func frame(_ buffer: inout ScreenBuffer, _ rect: Rect, title: String, focused: Bool, key: Int? = nil) -> Rect {
        buffer.fill(rect, style: theme[.normal])
        let t = key.map { "\($0) \(title)" } ?? title
        buffer.box(rect, title: t, style: theme[focused ? .borderFocused : .border],
                   titleStyle: theme[focused ? .titleFocused : .title], glyphs: glyphs)
        return rect.inset(1)
    }
}
