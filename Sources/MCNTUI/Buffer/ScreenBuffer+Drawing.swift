/// Drawing helpers: text clipped to a rectangle, fills, boxes with titles.
extension ScreenBuffer {
    /// Draws `text` from (x, y), clipped to `clip` (default: the whole buffer); returns the column
    /// after the last character drawn. Characters wider than one column become `?`.
    @discardableResult
    public mutating func text(_ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
        let c = clip ?? bounds
        guard y >= c.y, y < c.maxY else { return x + text.count }
        var cx = x
        for u in text.unicodeScalars {
            if cx >= c.maxX { break }
            // Combining marks would take a cell of their own: drop them.
            if u.value >= 0x300, u.properties.generalCategory == .nonspacingMark { continue }
            if cx >= c.x { set(cx, y, scalar: Self.narrow(u), style) }
            cx += 1
        }
        return cx
    }

    /// Text cut to `width` columns with an ellipsis where it does not fit.
    public static func truncate(_ s: String, to width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        if s.count <= width { return s }
        return String(s.prefix(width - 1)) + String(ellipsis)
    }

    /// Control characters and (likely) double-width characters would break the grid.
    static func narrow(_ u: Unicode.Scalar) -> Unicode.Scalar {
        if u.value < 0x20 || u.value == 0x7f { return " " }
        if u.value >= 0x1100 && (u.value <= 0x115f || (0x2e80...0xa4cf).contains(u.value)
            || (0xac00...0xd7a3).contains(u.value) || (0xf900...0xfaff).contains(u.value)
            || (0xfe30...0xfe4f).contains(u.value) || (0xff00...0xff60).contains(u.value)
            || (0xffe0...0xffe6).contains(u.value) || (0x1f300...0x1faff).contains(u.value)
            || (0x20000...0x3fffd).contains(u.value)) { return "?" }
        return u
    }

    public mutating func fill(_ rect: Rect, _ ch: Character = " ", style: Style) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        let cell = Cell(ch, style)
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { cells[y * width + x] = cell } }
    }

    /// A box around `rect` with an optional title in its top edge.
    public mutating func box(_ rect: Rect, title: String? = nil, style: Style, titleStyle: Style,
                             glyphs: GlyphSet) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let g = glyphs
        for x in rect.x + 1..<rect.maxX - 1 {
            set(x, rect.y, g.horizontal, style); set(x, rect.maxY - 1, g.horizontal, style)
        }
        for y in rect.y + 1..<rect.maxY - 1 {
            set(rect.x, y, g.vertical, style); set(rect.maxX - 1, y, g.vertical, style)
        }
        set(rect.x, rect.y, g.topLeft, style); set(rect.maxX - 1, rect.y, g.topRight, style)
        set(rect.x, rect.maxY - 1, g.bottomLeft, style); set(rect.maxX - 1, rect.maxY - 1, g.bottomRight, style)
        if let title, !title.isEmpty, rect.width > 4 {
            let t = " " + Self.truncate(title, to: rect.width - 4, ellipsis: g.ellipsis) + " "
            text(t, x: rect.x + 1, y: rect.y, style: titleStyle, clip: rect)
        }
    }

    /// A horizontal bar `fraction` (0...1) of `width` cells, with eighth blocks where available.
    public mutating func bar(x: Int, y: Int, width: Int, fraction: Double, style: Style, track: Style?,
                             glyphs: GlyphSet, clip: Rect? = nil) {
        guard width > 0 else { return }
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let eighths = Int((f * Double(width * 8)).rounded())
        for i in 0..<width {
            let e = min(8, max(0, eighths - i * 8))
            if e == 8 { set(x + i, y, glyphs.barFull, style, clip: clip) }
            else if e > 0 { set(x + i, y, glyphs.barEighths[e], style, clip: clip) }
            else if let track { set(x + i, y, glyphs.barTrack, track, clip: clip) }
        }
    }
}
