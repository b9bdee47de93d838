/// One-row charts of a series: each column is the mean of its share of the values.
public enum Sparkline {
    /// Levels scaled between the minimum and maximum of the (finite) values; at most `width` columns.
    public static func render(_ values: ArraySlice<Double>, width: Int, glyphs: GlyphSet) -> String {
        let finite = values.filter(\.isFinite)
        guard width > 0, !finite.isEmpty else { return "" }
        let cols = min(width, finite.count)
        var buckets = [Double](repeating: 0, count: cols)
        for c in 0..<cols {
            let a = c * finite.count / cols, b = max(a + 1, (c + 1) * finite.count / cols)
            buckets[c] = finite[a..<b].reduce(0, +) / Double(b - a)
        }
        let lo = buckets.min()!, hi = buckets.max()!
        let levels = glyphs.spark.count
        return String(buckets.map { v in
            let f = hi > lo ? (v - lo) / (hi - lo) : 0.5
            return glyphs.spark[min(levels - 1, max(0, Int(f * Double(levels - 1) + 0.5)))]
        })
    }
}
