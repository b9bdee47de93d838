import CBLAS

/// OpenBLAS is not there (or not a CBLAS): the one-line message says which file and what to do.
public struct BLASUnavailable: Error, CustomStringConvertible {
    public let library: String
    public let reason: String
    public var description: String {
        "BLAS library \(library) cannot be used (\(reason)): install OpenBLAS "
            + "(Debian: apt-get install libopenblas0, or run scripts/install-deps.sh), or name a CBLAS library in MCN_BLAS_LIBRARY"
    }
}

/// OpenBLAS, as the tensor engine uses it: row-major single-precision products. The library is
/// opened at run time (see CBLAS.h), so its absence is an error a command reports, not a crash
/// of the dynamic loader.
public enum BLAS {
    /// Nil when BLAS is usable, else why not. Opening happens once, on first use.
    public static let unavailable: BLASUnavailable? = mcn_blas_load().map {
        BLASUnavailable(library: String(cString: mcn_blas_library()), reason: String(cString: $0))
    }

    /// Throws the one-line error when BLAS cannot be used; commands call it before any work.
    public static func requireAvailable() throws {
        if let unavailable { throw unavailable }
    }

    /// The last line of defence for a caller that did not check: stop, naming the op and shapes.
    @inline(never)
    static func stopUnavailable(_ op: String) -> Never {
        fatalError("\(op): \(unavailable?.description ?? "BLAS unavailable")")
    }

    /// Sets the OpenBLAS worker thread count.
    public static func setThreads(_ n: Int) { mcn_blas_set_threads(Int32(n)) }

    /// The OpenBLAS worker thread count.
    public static var threads: Int { Int(mcn_blas_threads()) }

    /// OpenBLAS's configuration string (version, core, threading).
    public static var configuration: String { String(cString: mcn_blas_config()) }

    /// The kernel set OpenBLAS runs ("SkylakeX", "Haswell", ...); empty for another CBLAS. Fixed
    /// once the library is open, so read once.
    public static let core = String(cString: mcn_blas_core())

    /// Set when OpenBLAS was reopened because the kernels it first chose were below the CPU's
    /// (an OpenBLAS older than the CPU); says what it chose and what it runs now.
    public static let coreNote: String? = {
        let note = String(cString: mcn_blas_core_note())
        return note.isEmpty ? nil : note
    }()

    /// The core the shim would reopen OpenBLAS with, for a chosen core and what the CPU has; nil
    /// keeps the chosen one.
    static func betterCore(than chosen: String, avx2FMA: Bool, avx512: Bool) -> String? {
        mcn_blas_better_core(chosen, avx2FMA ? 1 : 0, avx512 ? 1 : 0).map { String(cString: $0) }
    }

    /// "threads 2, core SkylakeX", for logs and report headers.
    public static var summary: String {
        core.isEmpty ? "threads \(threads)" : "threads \(threads), core \(core)"
    }

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
        if unavailable != nil { stopUnavailable("sgemm [\(m)×\(k)]·[\(k)×\(n)]") }
        mcn_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// y = alpha · x + y over n floats.
    @inline(__always)
    public static func axpy(n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        if unavailable != nil { stopUnavailable("saxpy [\(n)]") }
        mcn_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    /// Dot product of n floats.
    @inline(__always)
    public static func dot(n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        if unavailable != nil { stopUnavailable("sdot [\(n)]") }
        return mcn_sdot(Int32(n), x, 1, y, 1)
    }
}
