/// Maps theme colours to the colour numbers a terminal has: direct RGB, 256, 16 or 8 colours.
public struct ColorMapper: Sendable {
    public enum Depth: Sendable, Equatable { case none, ansi8, ansi16, palette256, direct }
    public let depth: Depth

    public init(depth: Depth) { self.depth = depth }

    public init(colors: Int, direct: Bool) {
        if colors <= 0 { depth = .none }
        else if direct { depth = .direct }
        else if colors >= 256 { depth = .palette256 }
        else if colors >= 16 { depth = .ansi16 }
        else { depth = .ansi8 }
    }

    /// The terminal colour number, or -1 for the terminal's default.
    public func number(_ c: TermColor) -> Int {
        switch (depth, c) {
        case (.none, _), (_, .none): return -1
        case (.ansi8, .ansi(let i)): return Int(i % 8)
        case (_, .ansi(let i)): return Int(i)
        case (.direct, .indexed(let i)): return i < 16 ? Int(i) : Self.pack(Self.paletteRGB(Int(i)))
        case (.direct, .rgb(let r, let g, let b)): return Self.pack((r, g, b))
        case (.palette256, .indexed(let i)): return Int(i)
        case (.palette256, .rgb(let r, let g, let b)): return Self.nearest256(r, g, b)
        case (.ansi16, .indexed(let i)): return Self.nearestANSI(Self.paletteRGB(Int(i)), count: 16)
        case (.ansi16, .rgb(let r, let g, let b)): return Self.nearestANSI((r, g, b), count: 16)
        case (.ansi8, .indexed(let i)): return Self.nearestANSI(Self.paletteRGB(Int(i)), count: 8)
        case (.ansi8, .rgb(let r, let g, let b)): return Self.nearestANSI((r, g, b), count: 8)
        }
    }

    static func pack(_ c: (UInt8, UInt8, UInt8)) -> Int { Int(c.0) << 16 | Int(c.1) << 8 | Int(c.2) }

    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// xterm's 256-colour palette as RGB.
    static func paletteRGB(_ i: Int) -> (UInt8, UInt8, UInt8) {
        if i < 16 { let c = ansiRGB[i]; return (c.0, c.1, c.2) }
        if i >= 232 { let v = UInt8(8 + 10 * (i - 232)); return (v, v, v) }
        let n = i - 16
        return (UInt8(cubeLevels[n / 36]), UInt8(cubeLevels[n / 6 % 6]), UInt8(cubeLevels[n % 6]))
    }

    static let ansiRGB: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }

    /// The nearest of the 6×6×6 cube and the grey ramp.
    public static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { cubeLevels.indices.min { abs(cubeLevels[$0] - Int(v)) < abs(cubeLevels[$1] - Int(v)) }! }
        let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
        let grey = 232 + min(23, max(0, (Int(r) + Int(g) + Int(b)) / 3 - 3) / 10)
        return distance(paletteRGB(cube), (r, g, b)) <= distance(paletteRGB(grey), (r, g, b)) ? cube : grey
    }

    static func nearestANSI(_ c: (UInt8, UInt8, UInt8), count: Int) -> Int {
        (0..<count).min { distance(ansiRGB[$0], c) < distance(ansiRGB[$1], c) }!
    }
}
