import Foundation

/// Summaries of an append-only array of values over index ranges, so a chart reduces a 20k-point
/// series to a few hundred columns in O(columns · log n) instead of a pass over every point each
/// frame: a pyramid of blocks of 8, 64, 512, … points, each holding the extremes, sum and count of
/// its finite values, and the same for the log10 of its positive values (for a log axis).
/// Only complete blocks are stored; the points of an unfinished block are read from the array.
public struct RangeSummary: Sendable {
    /// The reduction of a run of points.
    public struct Node: Sendable, Equatable {
        public var min = Double.infinity, max = -Double.infinity, sum = 0.0
        /// Over the values > 0: the smallest, and the sum of their log10.
        public var minPositive = Double.infinity, sumLog = 0.0
        public var count: Int32 = 0, countPositive: Int32 = 0

        public init() {}

        @inline(__always)
        mutating func add(_ v: Double) {
            guard v.isFinite else { return }
            min = Swift.min(min, v); max = Swift.max(max, v); sum += v; count += 1
            if v > 0 { minPositive = Swift.min(minPositive, v); sumLog += log10(v); countPositive += 1 }
        }

        /// Adds one point to the linear or the log half only (a query needs one of them).
        @inline(__always)
        mutating func add(_ v: Double, log: Bool) {
            guard v.isFinite else { return }
            if log {
                guard v > 0 else { return }
                minPositive = Swift.min(minPositive, v); max = Swift.max(max, v); sumLog += log10(v); countPositive += 1
            } else {
                min = Swift.min(min, v); max = Swift.max(max, v); sum += v; count += 1
            }
        }

        @inline(__always)
        mutating func merge(_ o: Node) {
            min = Swift.min(min, o.min); max = Swift.max(max, o.max); sum += o.sum; count += o.count
            minPositive = Swift.min(minPositive, o.minPositive); sumLog += o.sumLog; countPositive += o.countPositive
        }

        /// Points that can be placed, their extremes and sum in axis coordinates (log10 on a log axis).
        @inline(__always)
        func plotted(log: Bool) -> (count: Int, lo: Double, hi: Double, sum: Double) {
            log ? (Int(countPositive), countPositive > 0 ? log10(minPositive) : .infinity,
                   countPositive > 0 ? log10(max) : -.infinity, sumLog)
                : (Int(count), min, max, sum)
        }
    }

    static let fanout = 8
    /// levels[L][b] reduces points [b·8^(L+1), (b+1)·8^(L+1)).
    private var levels: [[Node]] = []
    /// The number of points summarised (the array's count).
    public private(set) var count = 0

    public init() {}

    /// Summarises `values` from scratch.
    public init(_ values: [Double]) {
        for i in values.indices { appended(values, upTo: i + 1) }
    }

    /// Call after appending a value: `values.count == count + 1`.
    public mutating func append(_ values: [Double]) { appended(values, upTo: values.count) }

    private mutating func appended(_ values: [Double], upTo n: Int) {
        count = n
        let f = Self.fanout
        guard n % f == 0 else { return }
        var node = Node()
        for q in (n - f)..<n { node.add(values[q]) }
        var level = 0
        while true {
            if levels.count == level { levels.append([]) }
            levels[level].append(node)
            let m = levels[level].count
            guard m % f == 0 else { return }
            node = Node()
            for q in (m - f)..<m { node.merge(levels[level][q]) }
            level += 1
        }
    }

    /// Forgets the points from `n` on (the array was cut to `n` values).
    public mutating func truncate(to n: Int) {
        guard n < count else { return }
        count = n
        var size = Self.fanout
        for l in levels.indices {
            let keep = n / size
            if levels[l].count > keep { levels[l].removeLast(levels[l].count - keep) }
            size *= Self.fanout
        }
        while let last = levels.last, last.isEmpty { levels.removeLast() }
    }

    /// Visits [i, j) as a few points at its ends and complete blocks in between, largest last.
    @inline(__always)
    private func decompose(_ i: Int, _ j: Int, point: (Int) -> Void, node: (Int, Int) -> Void) {
        let f = Self.fanout
        var lo = i, hi = Swift.min(j, count)
        while lo < hi && lo % f != 0 { point(lo); lo += 1 }
        while hi > lo && hi % f != 0 { hi -= 1; point(hi) }
        lo /= f; hi /= f
        var level = 0
        while lo < hi {
            while lo < hi && lo % f != 0 { node(level, lo); lo += 1 }
            while hi > lo && hi % f != 0 { hi -= 1; node(level, hi) }
            lo /= f; hi /= f; level += 1
        }
    }

    /// The reduction of points [i, j) of `values` (the array this summarises), linear or log half.
    public func reduce(_ values: UnsafeBufferPointer<Double>, _ i: Int, _ j: Int, log: Bool) -> Node {
        var acc = Node()
        decompose(i, j, point: { acc.add(values[$0], log: log) }, node: { acc.merge(levels[$0][$1]) })
        return acc
    }

    /// Points of [i, j) whose axis coordinate lies above `hi` / below `lo`: blocks wholly inside are
    /// skipped, so the cost follows the outliers, not the length.
    public func countOutside(_ values: UnsafeBufferPointer<Double>, _ i: Int, _ j: Int, lo: Double, hi: Double, log: Bool) -> (above: Int, below: Int) {
        var above = 0, below = 0
        func point(_ q: Int) {
            let v = values[q]
            guard v.isFinite, !log || v > 0 else { return }
            let c = log ? log10(v) : v
            if c > hi { above += 1 } else if c < lo { below += 1 }
        }
        func node(_ level: Int, _ b: Int) {
            let p = levels[level][b].plotted(log: log)
            guard p.count > 0, p.hi > hi || p.lo < lo else { return }
            let f = Self.fanout
            if level == 0 {
                for q in (b * f)..<((b + 1) * f) { point(q) }
            } else {
                for c in (b * f)..<((b + 1) * f) { node(level - 1, c) }
            }
        }
        decompose(i, j, point: point, node: node)
        return (above, below)
    }
}
