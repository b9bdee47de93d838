import Foundation
import MCNTensor

/// `sgemm`: OpenBLAS single-precision product at 1024³, the reference every ratio is taken against.
let sgemmSuite = BenchSuite(prefix: "sgemm") { report, options in
    let n = 1024
    let a = [Float](repeating: 0.5, count: n * n)
    let b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    let seconds = a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                benchTime(warmup: 2, minSeconds: options.quick ? 0.3 : 1.0) {
                    BLAS.gemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                              c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
    report.reference("sgemm", 2.0 * Double(n * n * n) / seconds / 1e9, unit: "GFLOP/s",
                     note: "1024^3, \(BLAS.threads) thread(s)")
}

let tensorSuites: [BenchSuite] = []
