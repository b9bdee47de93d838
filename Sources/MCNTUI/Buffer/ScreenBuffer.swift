/// A grid of styled cells: what every panel draws into and what the backend copies to the terminal.
/// Each cell holds one grapheme drawn one column wide (panels only use narrow characters; wider
/// ones in names are replaced when drawn).
public struct ScreenBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public internal(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width); self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, x < width, y >= 0, y < height { cells[y * width + x] = newValue } }
    }

    /// Sets one cell when it lies inside both the buffer and `clip`.
    @inline(__always)
    public mutating func set(_ x: Int, _ y: Int, _ ch: Character, _ style: Style, clip: Rect? = nil) {
        set(x, y, scalar: ch.unicodeScalars.first ?? " ", style, clip: clip)
    }

    @inline(__always)
    public mutating func set(_ x: Int, _ y: Int, scalar: Unicode.Scalar, _ style: Style, clip: Rect? = nil) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        if let c = clip, !c.contains(x: x, y: y) { return }
        cells[y * width + x] = Cell(scalar, style)
    }

    /// Changes only the style of one cell.
    public mutating func restyle(_ x: Int, _ y: Int, _ style: Style) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        cells[y * width + x].style = style
    }

    /// One row of characters as a String.
    public func rowText(_ y: Int) -> String {
        var v = String.UnicodeScalarView()
        for c in cells[(y * width)..<(y * width + width)] { v.append(c.scalar) }
        return String(v)
    }
}
