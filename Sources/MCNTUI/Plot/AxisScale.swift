import Foundation

/// The y range of a chart: linear or log10, chosen from the points it must show. Outliers far beyond
/// the bulk of the data are clipped to keep the rest readable, and counted so the chart can say so.
public struct AxisScale: Sendable, Equatable {
    public var lo: Double
    public var hi: Double
    public var log: Bool
    /// Points above `hi` / below `lo` that the chart cannot show.
    public var clippedAbove = 0
    public var clippedBelow = 0
    /// Points that are NaN/inf, or ≤ 0 on a log axis.
    public var unplottable = 0

    /// Fits a range to `values`. `log` maps through log10 and leaves out values ≤ 0.
    public static func fit(_ values: [Double], log: Bool) -> AxisScale {
        var ys: [Double] = []; ys.reserveCapacity(values.count)
        var bad = 0
        for v in values {
            if !v.isFinite || (log && v <= 0) { bad += 1; continue }
            ys.append(log ? Foundation.log10(v) : v)
        }
        var s = fit(mins: ys, maxs: ys, typical: ys, log: log, unplottable: bad)
        s.clippedAbove = ys.reduce(0) { $0 + ($1 > s.hi ? 1 : 0) }
        s.clippedBelow = ys.reduce(0) { $0 + ($1 < s.lo ? 1 : 0) }
        return s
    }

    /// Fits a range in axis coordinates from per-column extremes and typical values (e.g. column
    /// means): the range covers every extreme unless one lies far beyond the bulk of the typical
    /// values (3× their 1st–99th percentile spread), then it is cut there. The caller counts the
    /// points beyond the cut.
    public static func fit(mins: [Double], maxs: [Double], typical: [Double], log: Bool, unplottable: Int) -> AxisScale {
        guard let mn = mins.min(), let mx = maxs.max(), !typical.isEmpty else {
            return AxisScale(lo: 0, hi: 1, log: log, unplottable: unplottable)
        }
        let step = max(1, typical.count / 2000)
        var sample = stride(from: 0, to: typical.count, by: step).map { typical[$0] }
        // The two order statistics of the sorted sample, by selection (this runs every frame).
        let lowRank = sample.count / 100, highRank = sample.count - 1 - sample.count / 100
        let p99 = select(&sample, rank: highRank, in: 0..<sample.count)
        let p1 = select(&sample, rank: lowRank, in: 0..<(highRank + 1))
        let spread = max(p99 - p1, 1e-12 * max(1, abs(p99)))
        var lo = mn, hi = mx
        if mx > p99 + 3 * spread { hi = p99 + 0.5 * spread }
        if mn < p1 - 3 * spread { lo = p1 - 0.5 * spread }
        if hi - lo < 1e-12 { let pad = max(abs(hi) * 0.05, 0.5); lo -= pad; hi += pad }
        return AxisScale(lo: lo, hi: hi, log: log, unplottable: unplottable)
    }

    /// The value of rank `rank` (0-based, ascending) among `a[range]`, as `sorted()[rank]` gives it;
    /// reorders `a[range]` so that smaller values come before it (quickselect, median of three).
    static func select(_ a: inout [Double], rank: Int, in range: Range<Int>) -> Double {
        var lo = range.lowerBound, hi = range.upperBound - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if rank <= j { hi = j } else if rank >= i { lo = i } else { return a[rank] }
        }
        return a[rank]
    }

    /// The axis coordinate of a value (log10 on a log axis), or nil when it cannot be shown.
    @inline(__always)
    public func coordinate(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        if log { return v > 0 ? Foundation.log10(v) : nil }
        return v
    }

    /// Dot row for a value: 0 at the top (hi), `dots - 1` at the bottom (lo); clipped values sit on
    /// the edge.
    @inline(__always)
    public func dotRow(_ v: Double, dots: Int) -> Int? {
        coordinate(v).map { dotRow(coordinate: $0, dots: dots) }
    }

    @inline(__always)
    public func dotRow(coordinate c: Double, dots: Int) -> Int {
        let f = (c - lo) / (hi - lo)
        let r = Int((1 - f) * Double(dots - 1) + 0.5)
        return min(max(r, 0), dots - 1)
    }

    /// The value at fraction `f` (0 bottom, 1 top) of the axis.
    public func value(atFraction f: Double) -> Double {
        let c = lo + f * (hi - lo)
        return log ? pow(10, c) : c
    }
}
