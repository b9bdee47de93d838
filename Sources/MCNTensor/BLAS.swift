import CBLAS

/// OpenBLAS, as the tensor engine uses it: row-major single-precision products.
public enum BLAS {
    /// Sets the OpenBLAS worker thread count.
    public static func setThreads(_ n: Int) { mcn_blas_set_threads(Int32(n)) }

    /// The OpenBLAS worker thread count.
    public static var threads: Int { Int(mcn_blas_threads()) }

    /// OpenBLAS's configuration string (version, core, threading).
    public static var configuration: String { String(cString: mcn_blas_config()) }

    /// C[m, n] = alpha · op(A) · op(B) + beta · C, all row-major.
    /// A is [m, k] (or [k, m] when `transA`), B is [k, n] (or [n, k] when `transB`).
    @inline(__always)
    public static func gemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// y = alpha · x + y over n floats.
    @inline(__always)
    public static func axpy(n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    /// Dot product of n floats.
    @inline(__always)
    public static func dot(n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(n), x, 1, y, 1)
    }
}
