import MCNTensor

/// Exact top-k of a row of scores by a bounded min-heap (no full sort): O(n + k·log k·log(n/k))
/// on typical data, the O(n) part a vectorised scan for blocks of 16 scores holding one above
/// the heap's worst. Ranking: higher score first; equal scores by lower index first, so results
/// are deterministic.
struct TopKSelector {
    let k: Int
    private(set) var scores: [Float]
    private(set) var indices: [Int32]

    init(k: Int) {
        self.k = k
        scores = [Float](repeating: 0, count: k)
        indices = [Int32](repeating: 0, count: k)
    }

    /// True when (s1, i1) ranks after (s2, i2).
    @inline(__always)
    static func worse(_ s1: Float, _ i1: Int32, _ s2: Float, _ i2: Int32) -> Bool {
        s1 < s2 || (s1 == s2 && i1 > i2)
    }

    /// Selects the top min(k, n) of `row[0..<n]` and writes them, ranked, to `outScores` /
    /// `outIndices` (which hold at least min(k, n) elements).
    // row: [n]
    mutating func select(_ row: UnsafePointer<Float>, n: Int,
                         outScores: UnsafeMutablePointer<Float>, outIndices: UnsafeMutablePointer<Int32>,
                         chunkPrefilter: Bool = true) {
        let m = min(k, n)
        if m == 0 { return }
        scores.withUnsafeMutableBufferPointer { hs in
            indices.withUnsafeMutableBufferPointer { hi in
                let s = hs.baseAddress!, ix = hi.baseAddress!
                // Heap of the m best so far, worst at the root.
                for j in 0..<m {
                    s[j] = row[j]; ix[j] = Int32(j)
                    Self.siftUp(s, ix, j)
                }
                var rootScore = s[0]
                // Later indices lose ties, so only a strictly greater score enters.
                @inline(__always) func offer(_ j: Int) {
                    let v = row[j]
                    if v > rootScore {
                        s[0] = v; ix[0] = Int32(j)
                        Self.siftDown(s, ix, 0, m)
                        rootScore = s[0]
                    }
                }
                // Once the heap is full almost no score beats its root: a vectorised scan finds
                // the next block of 16 holding one that does, and only that block is offered.
                var j = m
                while chunkPrefilter && j + 16 <= n {
                    j = firstBlockAbove(row, from: j, count: n, threshold: rootScore)
                    if j + 16 > n { break }
                    for q in j..<(j + 16) { offer(q) }
                    j += 16
                }
                while j < n { offer(j); j += 1 }
                // Pop the heap from the back: worst first, leaving the best at position 0.
                var count = m
                while count > 1 {
                    count -= 1
                    Self.swapAt(s, ix, 0, count)
                    Self.siftDown(s, ix, 0, count)
                }
                for j in 0..<m { outScores[j] = s[j]; outIndices[j] = ix[j] }
            }
        }
    }

    @inline(__always)
    private static func swapAt(_ s: UnsafeMutablePointer<Float>, _ ix: UnsafeMutablePointer<Int32>, _ a: Int, _ b: Int) {
        let ts = s[a]; s[a] = s[b]; s[b] = ts
        let ti = ix[a]; ix[a] = ix[b]; ix[b] = ti
    }

    @inline(__always)
    private static func siftUp(_ s: UnsafeMutablePointer<Float>, _ ix: UnsafeMutablePointer<Int32>, _ start: Int) {
        var c = start
        while c > 0 {
            let p = (c - 1) / 2
            guard TopKSelector.worse(s[c], ix[c], s[p], ix[p]) else { return }
            swapAt(s, ix, c, p)
            c = p
        }
    }

    @inline(__always)
    private static func siftDown(_ s: UnsafeMutablePointer<Float>, _ ix: UnsafeMutablePointer<Int32>, _ start: Int, _ n: Int) {
        var p = start
        while true {
            let l = 2 * p + 1
            if l >= n { return }
            var w = l
            let r = l + 1
            if r < n, TopKSelector.worse(s[r], ix[r], s[l], ix[l]) { w = r }
            guard TopKSelector.worse(s[w], ix[w], s[p], ix[p]) else { return }
            swapAt(s, ix, p, w)
            p = w
        }
    }
}
