import Dispatch

/// Runs body(i) for i in 0..<n on all cores when the work is large enough to pay for the
/// threads; element-wise loops are memory-bound and two cores give nearly twice the bandwidth.
/// Callers pass bodies whose iterations write disjoint memory.
@inline(__always)
func parallelFor(_ n: Int, work: Int, _ body: (Int) -> Void) {
    if n > 1 && work >= 1 << 16 {
        withoutActuallyEscaping(body) { b in
            // The iterations touch disjoint memory by contract; the closure never outlives the call.
            nonisolated(unsafe) let run = b
            DispatchQueue.concurrentPerform(iterations: n) { i in run(i) }
        }
    } else {
        for i in 0..<n { body(i) }
    }
}

/// Splits 0..<count into two contiguous halves run in parallel when large.
@inline(__always)
func parallelRanges(_ count: Int, _ body: (Range<Int>) -> Void) {
    if count < 1 << 16 { body(0..<count); return }
    let half = (count + 1) / 2
    parallelFor(2, work: count) { p in
        let lo = p * half, hi = min(count, lo + half)
        if lo < hi { body(lo..<hi) }
    }
}
