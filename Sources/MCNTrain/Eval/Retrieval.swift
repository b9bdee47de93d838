import Foundation
import MCNTensor

/// The outcome of `Retrieval.evaluate`.
public struct RetrievalResult: Sendable, Equatable {
    /// The k's asked for, ascending.
    public let ks: [Int]
    /// k → fraction of queries with a same-class gallery item among their k nearest.
    public let recall: [Int: Double]
    /// k → number of such queries.
    public let hits: [Int: Int]
    public let queryCount: Int
    public let galleryCount: Int
    /// Class → R@1 over that class's queries.
    public let perClassR1: [Int: Double]
    /// Queries whose class has no gallery item (each counts as a miss).
    public let queriesWithAbsentClass: Int
    /// Neighbours kept per query: min(max(ks), galleryCount).
    public let neighboursPerQuery: Int
    /// Rank (0-based) of each query's first same-class neighbour among the kept ones, or nil.
    public let firstHitRank: [Int?]
    // [queryCount, neighboursPerQuery], ranked best first.
    let neighbourIndices: [Int32]
    let neighbourSimilarities: [Float]

    /// A query's ranked neighbours: gallery index and cosine similarity, best first (ties by
    /// lower gallery index).
    public func neighbours(ofQuery q: Int) -> [(index: Int, similarity: Float)] {
        let base = q * neighboursPerQuery
        return (0..<neighboursPerQuery).map { (Int(neighbourIndices[base + $0]), neighbourSimilarities[base + $0]) }
    }
}

/// Retrieval as the VCOP line of papers measures it: queries (test split) against a gallery
/// (training split), cosine similarity, a hit at k when any of the k nearest shares the query's
/// class.
public enum Retrieval {
    public struct InputError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Evaluates R@k. Features are row-major `[count, dim]`. With `centre`, each set is first
    /// centred by its own mean (CoCLR's variant); then rows are L2-normalised, similarities come
    /// from one sgemm per block of queries, and each query's top max(ks) by partial selection.
    // queries: [q, dim], gallery: [g, dim]
    public static func evaluate(queries: [Float], gallery: [Float], dim: Int,
                                queryLabels: [Int], galleryLabels: [Int],
                                ks: [Int] = [1, 5, 10, 20, 50], centre: Bool = false,
                                threads: Int? = nil) throws -> RetrievalResult {
        let q = queryLabels.count, g = galleryLabels.count
        guard dim > 0, queries.count == q * dim, gallery.count == g * dim else {
            throw InputError(description: "retrieval: features are \(queries.count) and \(gallery.count) floats, expected \(q)×\(dim) and \(g)×\(dim)")
        }
        guard !ks.isEmpty, ks.allSatisfy({ $0 >= 1 }) else { throw InputError(description: "retrieval: ks must be positive") }
        let ks = Array(Set(ks)).sorted()
        var qf = queries, gf = gallery
        if centre {
            FeatureMath.centre(&qf, rows: q, dim: dim)
            FeatureMath.centre(&gf, rows: g, dim: dim)
        }
        FeatureMath.l2Normalise(&qf, rows: q, dim: dim)
        FeatureMath.l2Normalise(&gf, rows: g, dim: dim)

        let kept = min(ks.last!, g)
        var idx = [Int32](repeating: 0, count: q * kept)
        var sim = [Float](repeating: 0, count: q * kept)
        topK(queries: qf, gallery: gf, q: q, g: g, dim: dim, k: kept, threads: threads ?? max(1, BLAS.threads),
             outIndices: &idx, outSimilarities: &sim)

        var firstHit = [Int?](repeating: nil, count: q)
        for i in 0..<q {
            for r in 0..<kept where galleryLabels[Int(idx[i * kept + r])] == queryLabels[i] {
                firstHit[i] = r
                break
            }
        }
        var hits: [Int: Int] = [:], recall: [Int: Double] = [:]
        for k in ks {
            let h = firstHit.reduce(0) { $0 + (($1 ?? Int.max) < k ? 1 : 0) }
            hits[k] = h
            recall[k] = q == 0 ? 0 : Double(h) / Double(q)
        }
        var classCount: [Int: Int] = [:], classHit: [Int: Int] = [:]
        for i in 0..<q {
            classCount[queryLabels[i], default: 0] += 1
            if firstHit[i] == 0 { classHit[queryLabels[i], default: 0] += 1 }
        }
        let perClass = Dictionary(uniqueKeysWithValues: classCount.map {
            ($0.key, Double(classHit[$0.key] ?? 0) / Double($0.value))
        })
        let galleryClasses = Set(galleryLabels)
        let absent = queryLabels.filter { !galleryClasses.contains($0) }.count
        return RetrievalResult(ks: ks, recall: recall, hits: hits, queryCount: q, galleryCount: g,
                               perClassR1: perClass, queriesWithAbsentClass: absent, neighboursPerQuery: kept,
                               firstHitRank: firstHit, neighbourIndices: idx, neighbourSimilarities: sim)
    }

    /// Rows of queries per similarity block: about 16M floats (64 MB) a block, so memory stays
    /// bounded at any dataset size while each sgemm keeps a tall, efficient shape (both the
    /// product and the selection are compute-bound at this size; smaller blocks measured no
    /// better on the shared test machine).
    public static func blockRows(q: Int, g: Int) -> Int { max(1, min(q, (16 << 20) / max(g, 1))) }

    /// The k most similar gallery rows of each query row (inputs already normalised): one sgemm
    /// per block of queries, then top-k selection per row on `threads` threads.
    // queries: [q, dim], gallery: [g, dim] -> outIndices, outSimilarities: [q, k]
    static func topK(queries: [Float], gallery: [Float], q: Int, g: Int, dim: Int, k: Int, threads: Int,
                     outIndices: inout [Int32], outSimilarities: inout [Float]) {
        guard q > 0, g > 0, k > 0 else { return }
        let rowsPerBlock = blockRows(q: q, g: g)
        var block = [Float](repeating: 0, count: rowsPerBlock * g)
        queries.withUnsafeBufferPointer { qp in
            gallery.withUnsafeBufferPointer { gp in
                block.withUnsafeMutableBufferPointer { bp in
                    outIndices.withUnsafeMutableBufferPointer { ip in
                        outSimilarities.withUnsafeMutableBufferPointer { sp in
                            var start = 0
                            while start < q {
                                let rows = min(rowsPerBlock, q - start)
                                similarities(queries: qp.baseAddress! + start * dim, gallery: gp.baseAddress!,
                                             rows: rows, g: g, dim: dim, out: bp.baseAddress!)
                                selectTopK(bp.baseAddress!, rows: rows, g: g, k: k, threads: threads,
                                           outScores: sp.baseAddress! + start * k, outIndices: ip.baseAddress! + start * k)
                                start += rows
                            }
                        }
                    }
                }
            }
        }
    }

    /// out[r, j] = <queries[r], gallery[j]>: one sgemm (cosine similarity for normalised rows).
    // queries: [rows, dim], gallery: [g, dim] -> out: [rows, g]
    public static func similarities(queries: UnsafePointer<Float>, gallery: UnsafePointer<Float>,
                                    rows: Int, g: Int, dim: Int, out: UnsafeMutablePointer<Float>) {
        BLAS.gemm(transB: true, m: rows, n: g, k: dim, a: queries, lda: dim, b: gallery, ldb: dim, c: out, ldc: g)
    }

    /// The top min(k, g) of each row of `scores`, ranked (ties by lower index), split over
    /// `threads` threads. `chunkPrefilter: false` skips the vectorised scan for blocks of 16
    /// and offers one score at a time (the benchmark's reference; the results are the same).
    // scores: [rows, g] -> outScores, outIndices: [rows, min(k, g)]
    public static func selectTopK(_ scores: UnsafePointer<Float>, rows: Int, g: Int, k: Int, threads: Int,
                                  outScores: UnsafeMutablePointer<Float>, outIndices: UnsafeMutablePointer<Int32>,
                                  chunkPrefilter: Bool = true) {
        let k = min(k, g)
        guard rows > 0, k > 0 else { return }
        let parts = max(1, min(threads, rows))
        let s = UnsafeSendable(UnsafeMutablePointer(mutating: scores)), os = UnsafeSendable(outScores), oi = UnsafeSendable(outIndices)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var selector = TopKSelector(k: k)
            let lo = rows * part / parts, hi = rows * (part + 1) / parts
            for r in lo..<hi {
                selector.select(s.pointer + r * g, n: g, outScores: os.pointer + r * k, outIndices: oi.pointer + r * k,
                                chunkPrefilter: chunkPrefilter)
            }
        }
    }
}

/// A pointer handed to worker threads that write disjoint parts of it.
struct UnsafeSendable<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { pointer = p }
}
