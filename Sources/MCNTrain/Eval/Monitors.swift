import Foundation
import MCNTensor

/// Cheap checks of a representation during pre-training.
public enum Monitors {
    /// The collapse meter: the standard deviation of L2-normalised embeddings, per dimension over
    /// the samples and averaged over dimensions, next to 1/√dim (what well-spread embeddings on
    /// the unit sphere give). A value near 0 means the embeddings have collapsed to one point.
    public struct Collapse: Sendable, Equatable {
        public let std: Double
        public let reference: Double
        /// `std / reference`: about 1 when healthy, near 0 when collapsed.
        public var ratio: Double { reference > 0 ? std / reference : 0 }
    }

    // features: [rows, dim]
    public static func collapse(features: [Float], rows: Int, dim: Int) -> Collapse {
        precondition(features.count == rows * dim, "collapse: features are not rows × dim")
        guard rows > 1, dim > 0 else { return Collapse(std: 0, reference: dim > 0 ? 1 / Double(dim).squareRoot() : 0) }
        var x = features
        FeatureMath.l2Normalise(&x, rows: rows, dim: dim)
        var total = 0.0
        for c in 0..<dim {
            var s = 0.0, s2 = 0.0
            for r in 0..<rows { let v = Double(x[r * dim + c]); s += v; s2 += v * v }
            let mean = s / Double(rows)
            total += max(0, s2 / Double(rows) - mean * mean).squareRoot()
        }
        return Collapse(std: total / Double(dim), reference: 1 / Double(dim).squareRoot())
    }

    /// Leave-one-out kNN top-1 accuracy on a labelled set: each item is classified by a majority
    /// vote of its k nearest others by cosine similarity (ties between classes go to the class
    /// with the larger summed similarity, then the lower label).
    // features: [labels.count, dim]
    public static func knnTop1(features: [Float], labels: [Int], dim: Int, k: Int = 5) -> Double {
        let n = labels.count
        precondition(features.count == n * dim, "knnTop1: features are not labels.count × dim")
        guard n > 1, dim > 0, k >= 1 else { return 0 }
        var x = features
        FeatureMath.l2Normalise(&x, rows: n, dim: dim)
        var sims = [Float](repeating: 0, count: n * n)
        x.withUnsafeBufferPointer { p in
            sims.withUnsafeMutableBufferPointer { s in
                BLAS.gemm(transB: true, m: n, n: n, k: dim, a: p.baseAddress!, lda: dim, b: p.baseAddress!, ldb: dim,
                          c: s.baseAddress!, ldc: n)
                for i in 0..<n { s[i * n + i] = -.infinity }  // leave the item itself out
            }
        }
        let kk = min(k, n - 1)
        var selector = TopKSelector(k: kk)
        var topS = [Float](repeating: 0, count: kk), topI = [Int32](repeating: 0, count: kk)
        var correct = 0
        sims.withUnsafeBufferPointer { s in
            for i in 0..<n {
                topS.withUnsafeMutableBufferPointer { ts in
                    topI.withUnsafeMutableBufferPointer { ti in
                        selector.select(s.baseAddress! + i * n, n: n, outScores: ts.baseAddress!, outIndices: ti.baseAddress!)
                    }
                }
                var votes: [Int: (count: Int, sum: Float)] = [:]
                for j in 0..<kk {
                    let l = labels[Int(topI[j])]
                    let v = votes[l] ?? (0, 0)
                    votes[l] = (v.count + 1, v.sum + topS[j])
                }
                let best = votes.max { a, b in
                    (a.value.count, a.value.sum, -a.key) < (b.value.count, b.value.sum, -b.key)
                }!.key
                if best == labels[i] { correct += 1 }
            }
        }
        return Double(correct) / Double(n)
    }
}
