/// How fine a chart can draw: braille (2×4 dots a cell), half/quarter blocks (2×2) or ASCII (1×1).
public enum PlotResolution: String, Sendable, CaseIterable {
    case braille, block, ascii

    /// Dots per cell across and down.
    public var dotsPerCell: (x: Int, y: Int) {
        switch self {
        case .braille: return (2, 4)
        case .block: return (2, 2)
        case .ascii: return (1, 1)
        }
    }
}

/// The characters panels draw with, so one switch moves the whole screen to blocks or ASCII.
public struct GlyphSet: Sendable {
    public var plot: PlotResolution
    public var horizontal: Character, vertical: Character
    public var topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character
    public var barFull: Character
    /// Index 1...7: partial cells of a bar (index 0 unused).
    public var barEighths: [Character]
    public var barTrack: Character
    /// Sparkline levels from lowest to highest.
    public var spark: [Character]
    public var ellipsis: Character
    public var hit: Character, miss: Character
    public var selected: Character
    public var upArrow: Character, downArrow: Character
    /// Half-block thumbnails need a Unicode upper half block; ASCII thumbnails use shades.
    public var upperHalf: Character?

    public static let unicode = GlyphSet(
        plot: .braille, horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
        bottomLeft: "└", bottomRight: "┘", barFull: "█",
        barEighths: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"], barTrack: "·",
        spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], ellipsis: "…", hit: "✓", miss: "✗",
        selected: "▶", upArrow: "▲", downArrow: "▼", upperHalf: "▀")

    public static let block: GlyphSet = {
        var g = GlyphSet.unicode
        g.plot = .block
        return g
    }()

    public static let ascii = GlyphSet(
        plot: .ascii, horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
        bottomLeft: "+", bottomRight: "+", barFull: "#",
        barEighths: [" ", " ", " ", "-", "-", "=", "=", "="], barTrack: ".",
        spark: ["_", ".", "-", "~", "=", "+", "*", "#"], ellipsis: "~", hit: "+", miss: "x",
        selected: ">", upArrow: "^", downArrow: "v", upperHalf: nil)

    public static func forResolution(_ r: PlotResolution) -> GlyphSet {
        switch r {
        case .braille: return .unicode
        case .block: return .block
        case .ascii: return .ascii
        }
    }
}
