/// A canvas of dots over a grid of cells: 2×4 dots a cell in braille, 2×2 in quarter blocks, 1×1 in
/// ASCII. Dot (0, 0) is the top left. Each cell takes the style of the highest-priority layer drawn
/// into it, so a smoothed line drawn over its dim raw data keeps its colour.
public struct DotCanvas {
    public let cols: Int, rows: Int
    public let resolution: PlotResolution
    public let dotsX: Int, dotsY: Int
    private(set) var masks: [UInt8]
    /// Per cell: the pen of the highest-priority dot, and that priority.
    private var cellPens: [UInt8]
    private var priorities: [Int8]
    /// Styles and ASCII marks by pen number (cells hold small numbers, not Styles: this is hot).
    private var pens: [(style: Style, mark: Character)] = [(.plain, "*")]

    public init(cols: Int, rows: Int, resolution: PlotResolution) {
        self.cols = max(0, cols); self.rows = max(0, rows); self.resolution = resolution
        let d = resolution.dotsPerCell
        dotsX = self.cols * d.x; dotsY = self.rows * d.y
        masks = Array(repeating: 0, count: self.cols * self.rows)
        cellPens = Array(repeating: 0, count: self.cols * self.rows)
        priorities = Array(repeating: -1, count: self.cols * self.rows)
    }

    /// A pen for `style` (and the ASCII `mark`), to draw many dots with.
    public mutating func pen(_ style: Style, mark: Character = "*") -> UInt8 {
        if let i = pens.firstIndex(where: { $0.style == style && $0.mark == mark }) { return UInt8(i) }
        precondition(pens.count < 255, "too many pens")
        pens.append((style, mark))
        return UInt8(pens.count - 1)
    }

    /// Braille bit of dot (column, row) inside a cell.
    static let brailleBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
    static let quadrants: [Character] = [" ", "▘", "▝", "▀", "▖", "▌", "▞", "▛", "▗", "▚", "▐", "▜", "▄", "▙", "▟", "█"]

    /// Sets one dot. `mark` is the character used in ASCII mode.
    public mutating func set(_ x: Int, _ y: Int, style: Style, priority: Int8 = 0, mark: Character = "*") {
        let p = pen(style, mark: mark)
        set(x, y, pen: p, priority: priority)
    }

    @inline(__always)
    public mutating func set(_ x: Int, _ y: Int, pen: UInt8, priority: Int8 = 0) {
        guard x >= 0, y >= 0, x < dotsX, y < dotsY else { return }
        let cx: Int, cy: Int, bit: UInt8
        switch resolution {
        case .braille: cx = x >> 1; cy = y >> 2; bit = Self.brailleBits[x & 1][y & 3]
        case .block: cx = x >> 1; cy = y >> 1; bit = UInt8(1) << UInt8((y & 1) * 2 + (x & 1))
        case .ascii: cx = x; cy = y; bit = 1
        }
        let i = cy * cols + cx
        masks[i] |= bit
        if priority >= priorities[i] { priorities[i] = priority; cellPens[i] = pen }
    }

    /// A straight line of dots between two dots (Bresenham).
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, style: Style, priority: Int8 = 0, mark: Character = "*") {
        line(x0, y0, x1, y1, pen: pen(style, mark: mark), priority: priority)
    }

    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, pen: UInt8, priority: Int8 = 0) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, pen: pen, priority: priority)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// The character a cell shows, or nil when it has no dots.
    public func character(col: Int, row: Int) -> Character? {
        let m = masks[row * cols + col]
        guard m != 0 else { return nil }
        switch resolution {
        case .braille: return Character(Unicode.Scalar(0x2800 + UInt32(m))!)
        case .block: return Self.quadrants[Int(m & 15)]
        case .ascii: return pens[Int(cellPens[row * cols + col])].mark
        }
    }

    /// Copies the drawn cells into `buffer` with the top left at (x, y); empty cells are left alone.
    public func draw(into buffer: inout ScreenBuffer, x: Int, y: Int) {
        for r in 0..<rows {
            for c in 0..<cols {
                let i = r * cols + c, m = masks[i]
                guard m != 0 else { continue }
                let style = pens[Int(cellPens[i])].style
                switch resolution {
                case .braille: buffer.set(x + c, y + r, scalar: Unicode.Scalar(0x2800 + UInt32(m))!, style)
                default: buffer.set(x + c, y + r, character(col: c, row: r)!, style)
                }
            }
        }
    }
}
