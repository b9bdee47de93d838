/// A rectangle of cells: origin (x, y) at the top left, width and height.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var description: String { "(\(x),\(y) \(width)x\(height))" }

    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// Shrunk by `d` cells on every side.
    public func inset(_ d: Int) -> Rect { inset(dx: d, dy: d) }
    public func inset(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }

    public func intersection(_ o: Rect) -> Rect {
        let x0 = max(x, o.x), y0 = max(y, o.y)
        return Rect(x: x0, y: y0, width: min(maxX, o.maxX) - x0, height: min(maxY, o.maxY) - y0)
    }

    /// The top `rows` rows and the rest.
    public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }

    /// The bottom `rows` rows and the rest.
    public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: height - r), Rect(x: x, y: maxY - r, width: width, height: r))
    }

    /// The left `cols` columns and the rest.
    public func splitLeft(_ cols: Int) -> (left: Rect, rest: Rect) {
        let c = min(max(0, cols), width)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }

    /// Side by side columns with widths in proportion to `weights` (the last takes the rounding).
    public func columns(_ weights: [Double]) -> [Rect] {
        let total = weights.reduce(0, +)
        var out: [Rect] = [], cx = x
        for (i, w) in weights.enumerated() {
            let cw = i == weights.count - 1 ? maxX - cx : Int((Double(width) * w / total).rounded())
            out.append(Rect(x: cx, y: y, width: cw, height: height)); cx += cw
        }
        return out
    }

    /// Stacked rows with heights in proportion to `weights`.
    public func rows(_ weights: [Double]) -> [Rect] {
        let total = weights.reduce(0, +)
        var out: [Rect] = [], cy = y
        for (i, w) in weights.enumerated() {
            let ch = i == weights.count - 1 ? maxY - cy : Int((Double(height) * w / total).rounded())
            out.append(Rect(x: x, y: cy, width: width, height: ch)); cy += ch
        }
        return out
    }

    /// A `w`×`h` rectangle centred in this one (clipped to it).
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), chh = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - chh) / 2, width: cw, height: chh)
    }
}
