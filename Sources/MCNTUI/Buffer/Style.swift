/// Text attributes of a cell.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let reverse = TextAttributes(rawValue: 4)
    public static let underline = TextAttributes(rawValue: 8)

    /// `b`, `d`, `r`, `u` letters, or empty.
    public var letters: String {
        var s = ""
        if contains(.bold) { s += "b" }
        if contains(.dim) { s += "d" }
        if contains(.reverse) { s += "r" }
        if contains(.underline) { s += "u" }
        return s
    }
}

/// Foreground, background and attributes of a cell.
public struct Style: Hashable, Sendable {
    public var fg: TermColor
    public var bg: TermColor
    public var attrs: TextAttributes

    public init(fg: TermColor = .none, bg: TermColor = .none, attrs: TextAttributes = []) {
        self.fg = fg; self.bg = bg; self.attrs = attrs
    }

    public static let plain = Style()

    public func with(fg: TermColor) -> Style { var s = self; s.fg = fg; return s }
    public func with(bg: TermColor) -> Style { var s = self; s.bg = bg; return s }
    public func adding(_ a: TextAttributes) -> Style { var s = self; s.attrs.formUnion(a); return s }

    /// `fg=red bg=default +b` style description used by attribute dumps.
    public var dumpDescription: String {
        var s = "fg=\(fg.name) bg=\(bg.name)"
        if !attrs.isEmpty { s += " +" + attrs.letters }
        return s
    }
}

/// One character cell of the screen. The character is one Unicode scalar (panels draw single-scalar
/// characters; text drawing drops combining marks), so a cell is plain data: cheap to copy and compare.
public struct Cell: Hashable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: Style
    public init(_ scalar: Unicode.Scalar = " ", _ style: Style = .plain) { self.scalar = scalar; self.style = style }
    public init(_ ch: Character, _ style: Style = .plain) { self.init(ch.unicodeScalars.first ?? " ", style) }
    public var ch: Character { Character(scalar) }
    public static let blank = Cell()
}
