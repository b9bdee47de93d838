import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A pointer handed to worker threads; the caller guarantees it outlives their use.
private struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
}

/// Runs body(i) for i in 0..<n on all cores when the work is large enough to pay for the
/// threads; element-wise loops are memory-bound and two cores give nearly twice the bandwidth.
/// Callers pass bodies whose iterations write disjoint memory.
@inline(__always)
func parallelFor(_ n: Int, work: Int, _ body: (Int) -> Void) {
    guard n > 1 && work >= 1 << 16 && !serialOnly else {
        for i in 0..<n { body(i) }
        return
    }
    // The workers see the body only through a pointer to it. They may release the block given to
    // concurrentPerform a moment after it returns; that block must then hold no reference to
    // this (non-escaping, stack-allocated) closure, or the late release corrupts memory.
    withoutActuallyEscaping(body) { b in
        withUnsafePointer(to: b) { p in
            let shared = SendablePointer(pointer: p)
            DispatchQueue.concurrentPerform(iterations: n) { i in shared.pointer.pointee(i) }
        }
    }
}

/// MCN_SERIAL=1 runs every parallel section on the calling thread (for measurements).
let serialOnly = getenv("MCN_SERIAL") != nil

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
