import Foundation
import MCNTensor
import MCNTrain

/// `retrieval.similarity` and `retrieval.topk`: UCF101-sized retrieval, 10,000 gallery × 4,000
/// queries of 512-d features, top-50 per query, done as `Retrieval.evaluate` does it (blocks of
/// queries: one sgemm, then partial selection per row).
let retrievalSuites: [BenchSuite] = [BenchSuite(prefix: "retrieval") { report, options in
    let q = 4000, g = 10_000, d = 512, k = 50
    var rng = RNG(seed: 11)
    var queries = (0..<(q * d)).map { _ in rng.uniform(-1, 1) }
    var gallery = (0..<(g * d)).map { _ in rng.uniform(-1, 1) }
    normaliseRows(&queries, dim: d)
    normaliseRows(&gallery, dim: d)
    let rowsPerBlock = Retrieval.blockRows(q: q, g: g)
    var block = [Float](repeating: 0, count: rowsPerBlock * g)
    var topS = [Float](repeating: 0, count: q * k)
    var topI = [Int32](repeating: 0, count: q * k)
    let threads = BLAS.threads
    var bestSim = Double.infinity, bestSel = Double.infinity
    var sortSeconds = 0.0, selectOneThread = 0.0
    // One thread, in this thread's CPU time (little moved by other work on the machine): the
    // selection with and without the 16-score pre-filter, on rows fresh from memory (a block is
    // far larger than the caches) and on rows already in cache.
    var cpuSIMD = Double.infinity, cpuScalar = Double.infinity, cpuSIMDCached = Double.infinity, cpuScalarCached = Double.infinity
    queries.withUnsafeBufferPointer { qp in
        gallery.withUnsafeBufferPointer { gp in
            block.withUnsafeMutableBufferPointer { bp in
                topS.withUnsafeMutableBufferPointer { sp in
                    topI.withUnsafeMutableBufferPointer { ip in
                        // Warm-up block, then whole passes; each figure is the best pass.
                        Retrieval.similarities(queries: qp.baseAddress!, gallery: gp.baseAddress!, rows: rowsPerBlock, g: g, dim: d, out: bp.baseAddress!)
                        for _ in 0..<(options.quick ? 1 : 3) {
                            var sim = 0.0, sel = 0.0
                            var start = 0
                            while start < q {
                                let rows = min(rowsPerBlock, q - start)
                                let t0 = DispatchTime.now().uptimeNanoseconds
                                Retrieval.similarities(queries: qp.baseAddress! + start * d, gallery: gp.baseAddress!,
                                                       rows: rows, g: g, dim: d, out: bp.baseAddress!)
                                let t1 = DispatchTime.now().uptimeNanoseconds
                                Retrieval.selectTopK(bp.baseAddress!, rows: rows, g: g, k: k, threads: threads,
                                                     outScores: sp.baseAddress! + start * k, outIndices: ip.baseAddress! + start * k)
                                let t2 = DispatchTime.now().uptimeNanoseconds
                                sim += Double(t1 - t0) / 1e9
                                sel += Double(t2 - t1) / 1e9
                                start += rows
                            }
                            bestSim = min(bestSim, sim)
                            bestSel = min(bestSel, sel)
                        }
                        // A full sort per row against the selection, both on one thread, on a
                        // sample of rows of the last block.
                        let sample = min(200, rowsPerBlock)
                        let cachedRows = max(1, min(sample, (256 << 10) / (g * 4)))
                        func cpuTime(rows: Int, from first: Int, simd: Bool) -> Double {
                            let t0 = benchThreadCPUSeconds()
                            Retrieval.selectTopK(bp.baseAddress! + first * g, rows: rows, g: g, k: k, threads: 1,
                                                 outScores: sp.baseAddress!, outIndices: ip.baseAddress!, chunkPrefilter: simd)
                            return (benchThreadCPUSeconds() - t0) / Double(rows)
                        }
                        for pass in 0..<(options.quick ? 2 : 4) {
                            // Rows not touched since the product wrote them: alternate halves of the block.
                            let first = (pass % 2) * (rowsPerBlock / 2)
                            let rows = min(sample, rowsPerBlock / 2)
                            if pass < 2 { cpuSIMD = min(cpuSIMD, cpuTime(rows: rows, from: first, simd: true)) }
                            else { cpuScalar = min(cpuScalar, cpuTime(rows: rows, from: first + rows, simd: false)) }
                            _ = cpuTime(rows: cachedRows, from: 0, simd: true)
                            cpuSIMDCached = min(cpuSIMDCached, cpuTime(rows: cachedRows, from: 0, simd: true))
                            cpuScalarCached = min(cpuScalarCached, cpuTime(rows: cachedRows, from: 0, simd: false))
                        }
                        selectOneThread = benchTime(warmup: 0, minSeconds: 0, maxIters: options.quick ? 1 : 3) {
                            Retrieval.selectTopK(bp.baseAddress!, rows: sample, g: g, k: k, threads: 1,
                                                 outScores: sp.baseAddress!, outIndices: ip.baseAddress!)
                        }
                        sortSeconds = benchTime(warmup: 0, minSeconds: 0, maxIters: 1) {
                            var keep = 0
                            for r in 0..<sample {
                                let row = bp.baseAddress! + r * g
                                let order = (0..<g).sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
                                keep &+= order[k - 1]
                            }
                            if keep == -1 { print(keep) }
                        }
                    }
                }
            }
        }
    }
    let flops = 2.0 * Double(q) * Double(g) * Double(d)
    report.record("retrieval.similarity", flops / bestSim / 1e9, unit: "GFLOP/s", vs: "sgemm",
                  extra: ["seconds": bestSim],
                  note: "\(g) gallery x \(q) queries x \(d)-d, blocks of \(rowsPerBlock) queries")
    report.record("retrieval.topk", bestSel / bestSim * 100, unit: "% of sim",
                  extra: ["seconds": bestSel, "full_sort_x": sortSeconds / max(selectOneThread, 1e-9)],
                  note: "top-\(k) by bounded heap, \(threads) thread(s); full_sort_x = full sort time / selection time")
    report.record("retrieval.topk.row", cpuSIMD * 1e6, unit: "us CPU/row",
                  extra: ["scalar_us": cpuScalar * 1e6, "prefilter_speedup": cpuScalar / cpuSIMD,
                          "cached_us": cpuSIMDCached * 1e6, "cached_scalar_us": cpuScalarCached * 1e6,
                          "cached_prefilter_speedup": cpuScalarCached / cpuSIMDCached],
                  note: "one thread, thread CPU time per row of \(g): 16-score pre-filter vs one score at a time, rows from memory and from cache")
}]

/// Scales each row to unit length (the retrieval inputs are normalised before the product).
// x: [rows, dim]
private func normaliseRows(_ x: inout [Float], dim: Int) {
    let rows = x.count / dim
    for r in 0..<rows {
        var s: Float = 0
        for c in 0..<dim { s += x[r * dim + c] * x[r * dim + c] }
        let inv = 1 / max(s.squareRoot(), 1e-12)
        for c in 0..<dim { x[r * dim + c] *= inv }
    }
}

private func benchThreadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
