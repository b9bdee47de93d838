import CTensorKernels

/// Scans x[start..<n] in blocks of 16 for a value above `threshold` (vectorised C; a top-k
/// selection's scan for scores that beat its current worst): the start of the first such block,
/// or the start of the first block that would pass n, whose < 16 values the caller checks itself.
// x: [n]
@inline(__always)
public func firstBlockAbove(_ x: UnsafePointer<Float>, from start: Int, count n: Int, threshold: Float) -> Int {
    Int(mcn_first_block_above(x, start, n, threshold))
}
