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
        let k = Double(w - 1) / Double(Swift.max(1, x1 - x0))
        var si = steps.startIndex, vi = values.startIndex
        while si < steps.endIndex && vi < values.endIndex {
            let st = steps[si], v = values[vi]
            si += 1; vi += 1
            guard st >= x0, st <= x1 else { continue }
            guard v.isFinite, !log || v > 0 else { unplottable += 1; continue }
            let c = log ? Foundation.log10(v) : v
            let col = Swift.min(w - 1, Int(Double(st - x0) * k + 0.5))
            if count[col] == 0 { first[col] = c }
            last[col] = c
            if c < min[col] { min[col] = c }
            if c > max[col] { max[col] = c }
            sum[col] += c; count[col] += 1
        }
    }

    /// Points above `hi` / below `lo` (a pass over the data; callers only ask when the axis cuts).
    public static func countOutside(values: ArraySlice<Double>, steps: ArraySlice<Int>, x0: Int, x1: Int, scale: AxisScale) -> (above: Int, below: Int) {
        var above = 0, below = 0
        var si = steps.startIndex, vi = values.startIndex
        while si < steps.endIndex && vi < values.endIndex {
            let st = steps[si], v = values[vi]
            si += 1; vi += 1
            guard st >= x0, st <= x1, let c = scale.coordinate(v) else { continue }
            if c > scale.hi { above += 1 } else if c < scale.lo { below += 1 }
        }
        return (above, below)
    }
}

import Foundation
