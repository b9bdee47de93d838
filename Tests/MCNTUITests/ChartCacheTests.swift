import XCTest
import MCNTensor
@testable import MCNTUI

/// The summaries and smoothed tracks a history keeps must give exactly what a pass over the points
/// gives (sums up to rounding, since they add in another order).
final class ChartCacheTests: XCTestCase {
    /// Values with NaN, infinities, zeros and negatives mixed in.
    func awkwardValues(_ n: Int, seed: UInt64) -> [Double] {
        var rng = RNG(seed: seed)
        return (0..<n).map { _ in
            let u = rng.uniform()
            if u < 0.03 { return .nan }
            if u < 0.04 { return .infinity }
            if u < 0.06 { return 0 }
            if u < 0.1 { return -Double(rng.uniform()) }
            return Double(rng.uniform(0.01, 10))
        }
    }

    func testRangeSummaryMatchesAPassOverThePoints() {
        let values = awkwardValues(3000, seed: 1)
        var summary = RangeSummary()
        var grown: [Double] = []
        for v in values { grown.append(v); summary.append(grown) }
        var rng = RNG(seed: 2)
        values.withUnsafeBufferPointer { vs in
            for _ in 0..<300 {
                let i = rng.int(below: values.count), j = i + rng.int(below: values.count - i + 1)
                for log in [false, true] {
                    var expected = RangeSummary.Node()
                    for q in i..<j { expected.add(vs[q], log: log) }
                    let got = summary.reduce(vs, i, j, log: log)
                    let e = expected.plotted(log: log), g = got.plotted(log: log)
                    XCTAssertEqual(g.count, e.count)
                    XCTAssertEqual(g.lo, e.lo); XCTAssertEqual(g.hi, e.hi)
                    XCTAssertEqual(g.sum, e.sum, accuracy: 1e-9 * max(1, abs(e.sum)))
                    let lo = 1.0, hi = 5.0
                    var above = 0, below = 0
                    for q in i..<j where vs[q].isFinite && (!log || vs[q] > 0) {
                        let c = log ? log10(vs[q]) : vs[q]
                        if c > hi { above += 1 } else if c < lo { below += 1 }
                    }
                    let o = summary.countOutside(vs, i, j, lo: lo, hi: hi, log: log)
                    XCTAssertEqual(o.above, above); XCTAssertEqual(o.below, below)
                }
            }
        }
        // Cutting the array keeps the summary of what is left.
        var cut = summary
        cut.truncate(to: 1234)
        let rebuilt = RangeSummary(Array(values.prefix(1234)))
        values.withUnsafeBufferPointer { vs in
            XCTAssertEqual(cut.reduce(vs, 5, 1234, log: false), rebuilt.reduce(vs, 5, 1234, log: false))
        }
    }

    func testTrackColumnsMatchTheColumnsOfAPass() {
        var h = SeriesHistory(capacity: 2000)
        let values = awkwardValues(3500, seed: 3)
        var step = 10
        for v in values { h.append(step: step, value: v); step += 1 + (step % 3 == 0 ? 2 : 0) }
        var rng = RNG(seed: 4)
        for _ in 0..<60 {
            let first = h.steps.first!, last = h.steps.last!
            let x0 = first + rng.int(below: last - first), x1 = x0 + 1 + rng.int(below: last - x0 + 50)
            let w = 1 + rng.int(below: 400)
            for log in [false, true] {
                for beta in Smoothing.levels {
                    let track = h.smoothed(beta: beta)
                    let fast = track.columns(steps: h.steps, x0: x0, x1: x1, columns: w, log: log)
                    let pass = ColumnAggregate(steps: h.steps[...], values: track.values[...], x0: x0, x1: x1, columns: w, log: log)
                    XCTAssertEqual(fast.count, pass.count); XCTAssertEqual(fast.unplottable, pass.unplottable)
                    XCTAssertEqual(fast.min, pass.min); XCTAssertEqual(fast.max, pass.max)
                    XCTAssertEqual(fast.first, pass.first); XCTAssertEqual(fast.last, pass.last)
                    for c in 0..<w { XCTAssertEqual(fast.sum[c], pass.sum[c], accuracy: 1e-9 * max(1, abs(pass.sum[c]))) }
                }
            }
        }
    }

    func testKeptSmoothingEqualsSmoothingTheHistory() {
        var h = SeriesHistory(capacity: 300)
        let values = awkwardValues(1000, seed: 5)
        for (s, v) in values.enumerated() {
            h.append(step: s, value: v)
            if s == 700 { h.append(step: 650, value: 1.5) }  // a resumed run cuts the tail
        }
        XCTAssertGreaterThan(h.coarsePrefix, 0, "the history was compacted")
        for beta in Smoothing.levels {
            let kept = h.smoothed(beta: beta).values, fresh = Smoothing.debiasedEMA(h.values, beta: beta)
            XCTAssertEqual(kept.count, fresh.count)
            for (a, b) in zip(kept, fresh) { XCTAssertTrue(a == b || (a.isNaN && b.isNaN), "β \(beta): \(a) vs \(b)") }
        }
        // A factor that is not kept is computed on the spot.
        XCTAssertEqual(h.smoothed(beta: 0.5).values.count, h.count)
    }

    func testSelectionGivesTheSortedRank() {
        var rng = RNG(seed: 6)
        for n in [1, 2, 3, 10, 101, 1000] {
            let a = (0..<n).map { _ in Double(rng.int(below: 20)) }
            let sorted = a.sorted()
            for rank in Set([0, n / 100, n / 2, n - 1 - n / 100, n - 1]) {
                var b = a
                XCTAssertEqual(AxisScale.select(&b, rank: rank, in: 0..<n), sorted[rank])
            }
        }
    }
}
