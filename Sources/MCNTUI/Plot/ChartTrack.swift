/// One line of values over a series' steps (raw or smoothed) with the summaries a chart reduces it
/// by, kept up to date as values are appended.
public struct ChartTrack: Sendable {
    public private(set) var values: [Double] = []
    public private(set) var summary = RangeSummary()

    public init() {}

    public init(_ values: [Double]) {
        self.values = values; summary = RangeSummary(values)
    }

    public var last: Double? { values.last }

    mutating func append(_ v: Double) {
        values.append(v); summary.append(values)
    }

    mutating func truncate(to n: Int) {
        guard n < values.count else { return }
        values.removeSubrange(n...); summary.truncate(to: n)
    }

    mutating func reserveCapacity(_ n: Int) { values.reserveCapacity(n) }

    /// The points with steps in [x0, x1] reduced to `columns` dot columns (`steps` are the series'
    /// steps, one per value).
    public func columns(steps: [Int], x0: Int, x1: Int, columns w: Int, log: Bool) -> ColumnAggregate {
        ColumnAggregate(steps: steps, track: self, x0: x0, x1: x1, columns: w, log: log)
    }

    /// Points with steps in [x0, x1] above / below the scale's range.
    public func countOutside(steps: [Int], x0: Int, x1: Int, scale: AxisScale) -> (above: Int, below: Int) {
        let i = ColumnAggregate.lowerBound(steps, x0, 0, steps.count)
        let j = ColumnAggregate.lowerBound(steps, x1 + 1, i, steps.count)
        return values.withUnsafeBufferPointer { summary.countOutside($0, i, j, lo: scale.lo, hi: scale.hi, log: scale.log) }
    }
}
