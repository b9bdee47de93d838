/// A series reduced to the dot columns of a chart: per column the first, last, lowest and highest
/// value and the mean, in axis coordinates (log10 on a log axis). Plotting and axis fitting then
/// work on a few hundred columns instead of every step.
public struct ColumnAggregate {
    public var first: [Double], last: [Double], min: [Double], max: [Double], sum: [Double]
    public var count: [Int32]
    /// Points that cannot be placed (NaN/inf, or ≤ 0 on a log axis).
    public var unplottable = 0

    /// Points with steps in [x0, x1] spread over `columns` dot columns.
    public init(steps: ArraySlice<Int>, values: ArraySlice<Double>, x0: Int, x1: Int, columns w: Int, log: Bool) {
        first = Array(repeating: 0, count: w); last = first; min = Array(repeating: .infinity, count: w)
        max = Array(repeating: -.infinity, count: w); sum = first; count = Array(repeating: 0, count: w)
        guard w > 0 else { return }
        let n = Swift.min(steps.count, values.count)
        let bad = steps.withUnsafeBufferPointer { st in
            values.withUnsafeBufferPointer { vs in
                Self.fill(&self, steps: UnsafeBufferPointer(rebasing: st[0..<n]), values: UnsafeBufferPointer(rebasing: vs[0..<n]),
                          x0: x0, x1: x1, columns: w, log: log)
            }
        }
        unplottable = bad
    }

    /// The first step past column `col`'s run, which starts at step `start`: the run of points in a
    /// column ends at the first step of the next column (x1 + 1 for the last column). k = (w − 1) / (x1 − x0).
    @inline(__always)
    static func columnEnd(_ col: Int, from start: Int, x0: Int, x1: Int, columns w: Int, k: Double) -> Int {
        guard col < w - 1 else { return x1 + 1 }
        @inline(__always) func column(_ step: Int) -> Int { Swift.min(w - 1, Int(Double(step - x0) * k + 0.5)) }
        var end = x0 + Int(((Double(col) + 0.5) / k).rounded(.up))
        while end > start + 1 && column(end - 1) > col { end -= 1 }
        while column(end) == col { end += 1 }
        return end
    }

    /// Steps are increasing, so each column is a run of consecutive points: walk the runs and reduce
    /// each with a tight loop (this runs over every visible step of every series each frame).
    private static func fill(_ a: inout ColumnAggregate, steps st: UnsafeBufferPointer<Int>, values vs: UnsafeBufferPointer<Double>,
                             x0: Int, x1: Int, columns w: Int, log: Bool) -> Int {
        let k = Double(w - 1) / Double(Swift.max(1, x1 - x0))
        var bad = 0
        var i = 0
        while i < st.count && st[i] < x0 { i += 1 }
        while i < st.count && st[i] <= x1 {
            @inline(__always) func column(_ step: Int) -> Int { Swift.min(w - 1, Int(Double(step - x0) * k + 0.5)) }
            let col = column(st[i])
            let end = Self.columnEnd(col, from: st[i], x0: x0, x1: x1, columns: w, k: k)
            var j = i + 1
            while j < st.count && st[j] < end && st[j] <= x1 { j += 1 }
            var first = Double.nan, last = 0.0, mn = Double.infinity, mx = -Double.infinity, sum = 0.0
            var count: Int32 = 0
            for q in i..<j {
                let v = vs[q]
                if !v.isFinite || (log && v <= 0) { bad += 1; continue }
                let c = log ? Foundation.log10(v) : v
                if count == 0 { first = c }
                last = c; mn = Swift.min(mn, c); mx = Swift.max(mx, c); sum += c; count += 1
            }
            if count > 0 {
                if a.count[col] == 0 { a.first[col] = first }
                a.last[col] = last
                a.min[col] = Swift.min(a.min[col], mn); a.max[col] = Swift.max(a.max[col], mx)
                a.sum[col] += sum; a.count[col] += count
            }
            i = j
        }
        return bad
    }

    /// The same reduction read from a track's summaries: each column's run of points is found by a
    /// binary search and reduced in O(log n), so a frame costs O(columns · log n), not O(points).
    public init(steps: [Int], track: ChartTrack, x0: Int, x1: Int, columns w: Int, log: Bool) {
        first = Array(repeating: 0, count: w); last = first; min = Array(repeating: .infinity, count: w)
        max = Array(repeating: -.infinity, count: w); sum = first; count = Array(repeating: 0, count: w)
        guard w > 0 else { return }
        let n = Swift.min(steps.count, track.values.count)
        let k = Double(w - 1) / Double(Swift.max(1, x1 - x0))
        @inline(__always) func column(_ step: Int) -> Int { Swift.min(w - 1, Int(Double(step - x0) * k + 0.5)) }
        @inline(__always) func plottable(_ v: Double) -> Bool { v.isFinite && (!log || v > 0) }
        var bad = 0
        steps.withUnsafeBufferPointer { st in
            track.values.withUnsafeBufferPointer { vs in
                var i = Self.lowerBound(st, x0, 0, n)
                let stop = Self.lowerBound(st, x1 + 1, i, n)
                while i < stop {
                    let col = column(st[i])
                    let end = Self.columnEnd(col, from: st[i], x0: x0, x1: x1, columns: w, k: k)
                    // Steps strictly increase, so the step `end` lies at most end − st[i] points on.
                    let j = Self.lowerBound(st, end, i + 1, Swift.min(stop, i + Swift.max(1, end - st[i])))
                    let r = track.summary.reduce(vs, i, j, log: log).plotted(log: log)
                    bad += (j - i) - r.count
                    if r.count > 0 {
                        var a = i; while !plottable(vs[a]) { a += 1 }
                        var z = j - 1; while !plottable(vs[z]) { z -= 1 }
                        let fc = log ? Foundation.log10(vs[a]) : vs[a], lc = log ? Foundation.log10(vs[z]) : vs[z]
                        if count[col] == 0 { first[col] = fc }
                        last[col] = lc
                        min[col] = Swift.min(min[col], r.lo); max[col] = Swift.max(max[col], r.hi)
                        sum[col] += r.sum; count[col] += Int32(r.count)
                    }
                    i = j
                }
            }
        }
        unplottable = bad
    }

    /// The first index in [lo, hi) whose step is ≥ x (hi when none).
    @inline(__always)
    static func lowerBound(_ a: UnsafeBufferPointer<Int>, _ x: Int, _ lo: Int, _ hi: Int) -> Int {
        var lo = lo, hi = hi
        while lo < hi { let m = (lo + hi) >> 1; if a[m] < x { lo = m + 1 } else { hi = m } }
        return lo
    }

    static func lowerBound(_ a: [Int], _ x: Int, _ lo: Int, _ hi: Int) -> Int {
        a.withUnsafeBufferPointer { lowerBound($0, x, lo, hi) }
    }
}

import Foundation
