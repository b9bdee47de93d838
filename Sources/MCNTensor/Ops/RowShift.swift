import CTensorKernels
#if canImport(Glibc)
import Glibc
#endif

/// The row-shift layout of a one-sample ("blocked") convolution plane: instead of the vol2col
/// matrix, whose kh rows per (c, a, d) are copies of the same input rows shifted by one output
/// row, write each (c, a, d) row once over ho + kh − 1 output rows and let the GEMM read it at
/// kh offsets. Kernel rows split as b = sh·b' + p; phase p's rows (p, c, a, d) are one matrix
/// e: [rows, rowLength], and the vol2col rows (c, a, sh·b' + p, d) of the plane are e's rows
/// shifted by b'·wo. So the plane's product is `shifts` GEMMs, one per b', each over the phases
/// that shift uses, and vol2col writes about kh/sh times fewer floats (3× for 3×3×3, 3.2× for
/// the 3×7×7 stride-2 stem). The GEMMs still pack every column they read, as before.
struct RowShift {
    let g: Conv3dGeometry
    /// Phases p of the kernel rows: min(sh, kh).
    let phases: Int
    /// Shifts b' per phase: ceil(kh / sh).
    let shifts: Int
    /// Rows per phase: C·kt·kw.
    let perPhase: Int
    /// Rows of e: phases·C·kt·kw.
    var rows: Int { phases * perPhase }
    /// Output rows per block: with `blockFloats` > 0 a plane is cut into blocks of about equal
    /// height so that e stays near that size (e and OpenBLAS's packed copy of it could then share a
    /// core's L2); by default a block is the whole plane.
    let blockRows: Int
    /// Floats per row of e: (blockRows + shifts − 1)·wo.
    var rowLength: Int { (blockRows + shifts - 1) * g.wo }

    /// Target floats of e per block; 0 = whole planes. Under load, 64 K floats measured 15–20% faster
    /// on the stem in two of three alternations and up to 7% slower on layer1 (BENCHMARKS.md), so
    /// whole planes stay the default; MCN_ROWSHIFT_FLOATS=N sets it for a quiet-machine A/B.
    nonisolated(unsafe) static var blockFloats = getenv("MCN_ROWSHIFT_FLOATS").flatMap { Int(String(cString: $0)) } ?? 0

    /// Output positions a plane needs for the layout (each plane is its own GEMMs).
    static let minimumPlane = 256

    /// On by default; MCN_CONV_ROWSHIFT=0 turns it off (tests set it directly).
    nonisolated(unsafe) static var enabled = getenv("MCN_CONV_ROWSHIFT").map { String(cString: $0) != "0" } ?? true

    /// Whether the layout pays for g: a kernel taller than one row over planes big enough to keep
    /// the GEMMs efficient (and the layout not switched off).
    static func applies(to g: Conv3dGeometry) -> Bool {
        enabled && g.kernel.1 > 1 && g.ho * g.wo >= minimumPlane
    }

    /// The layout for a convolution run one sample at a time, when it pays (`applies(to:)`).
    init?(_ g: Conv3dGeometry, blocked: Bool) {
        guard blocked, Self.applies(to: g) else { return nil }
        self.g = g
        phases = min(g.stride.1, g.kernel.1)
        shifts = (g.kernel.1 + g.stride.1 - 1) / g.stride.1
        perPhase = g.c * g.kernel.0 * g.kernel.2
        let most = Self.blockFloats <= 0 ? g.ho
            : max(1, min(g.ho, Self.blockFloats / (phases * perPhase * g.wo) - (shifts - 1)))
        let blocks = (g.ho + most - 1) / most
        blockRows = (g.ho + blocks - 1) / blocks
    }

    /// The output row blocks of a plane: start row and height.
    var rowBlocks: [(start: Int, count: Int)] {
        stride(from: 0, to: g.ho, by: blockRows).map { ($0, min(blockRows, g.ho - $0)) }
    }

    /// Rows of e the GEMM of shift b' reads: the phases p with sh·b' + p < kh (a prefix of e).
    func rows(shift b: Int) -> Int { min(phases, g.kernel.1 - g.stride.1 * b) * perPhase }

    /// Index in w: [O, C, kt, kh, kw] of row `r` of e for output channel o and shift b
    /// (nil where sh·b + p ≥ kh).
    @inline(__always)
    private func weightIndex(o: Int, shift b: Int, row r: Int) -> Int? {
        let (kt, kh, kw) = g.kernel
        let p = r / perPhase, rest = r % perPhase
        let d = rest % kw, a = (rest / kw) % kt, c = rest / (kw * kt)
        let kb = g.stride.1 * b + p
        guard kb < kh else { return nil }
        return (((o * g.c + c) * kt + a) * kh + kb) * kw + d
    }

    /// The weights as `shifts` matrices [O, rows] (zero where a shift has no such row).
    // w: [O, C, kt, kh, kw] -> [shifts, O, rows]
    func arrangedWeights(_ w: UnsafePointer<Float>) -> Tensor {
        let out = Tensor(uninitialized: [shifts, g.o, rows])
        let p = out.pointer
        for b in 0..<shifts { for o in 0..<g.o { for r in 0..<rows {
            p[(b * g.o + o) * rows + r] = weightIndex(o: o, shift: b, row: r).map { w[$0] } ?? 0
        } } }
        return out
    }

    /// Adds a gradient in the arranged layout back into dw.
    // dwArranged: [shifts, O, rows] -> dw: [O, C, kt, kh, kw]
    func addWeightGradient(_ dwArranged: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        for b in 0..<shifts { for o in 0..<g.o { for r in 0..<rows(shift: b) {
            if let i = weightIndex(o: o, shift: b, row: r) { dw[i] += dwArranged[(b * g.o + o) * rows + r] }
        } } }
    }

    /// Writes e for sample n, output plane tt, output rows block.start ..< start + count.
    // x: [N, C, T, H, W] -> e: [rows, rowLength]
    func fill(_ x: UnsafePointer<Float>, n: Int, plane tt: Int, block: (start: Int, count: Int),
              e: UnsafeMutablePointer<Float>, parallel: Bool) {
        withUnsafePointer(to: g.cShape) { shape in
            parallelPieces(rows, pieces: 8, work: parallel ? rows * rowLength : 0) { lo, hi in
                mcn_vol2rows(x, shape, n, tt, block.start, block.count, e, rowLength, lo, hi)
            }
        }
    }

    /// y_block (+)= W ⊛ x for `count` output rows of a plane (filled into e), written at y with row
    /// stride ldc.
    // wr: [shifts, O, rows] (arrangedWeights), e: [rows, rowLength] (fill), y: [O, ldc]
    func forward(wr: UnsafePointer<Float>, e: UnsafePointer<Float>, count: Int, y: UnsafeMutablePointer<Float>,
                 ldc: Int, accumulate: Bool) {
        for b in 0..<shifts {
            BLAS.gemm(m: g.o, n: count * g.wo, k: rows(shift: b), a: wr + b * g.o * rows, lda: rows,
                      b: e + b * g.wo, ldb: rowLength, beta: accumulate || b > 0 ? 1 : 0, c: y, ldc: ldc)
        }
    }

    /// dwArranged += dy_block · eᵀ at each shift, for `count` output rows.
    // dy: [O, lda] (one block of rows), e: [rows, rowLength], dwArranged: [shifts, O, rows]
    func weightGradient(dy: UnsafePointer<Float>, lda: Int, e: UnsafePointer<Float>, count: Int,
                        dwArranged: UnsafeMutablePointer<Float>) {
        for b in 0..<shifts {
            BLAS.gemm(transB: true, m: g.o, n: rows(shift: b), k: count * g.wo, a: dy, lda: lda,
                      b: e + b * g.wo, ldb: rowLength, beta: 1, c: dwArranged + b * g.o * rows, ldc: rows)
        }
    }
}
