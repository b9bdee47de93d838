import CTensorKernels

extension Conv3dGeometry {
    /// The sizes as the C kernels take them.
    var cShape: mcn_conv_shape {
        mcn_conv_shape(c: c, t: t, h: h, w: w, to: to, ho: ho, wo: wo,
                       kt: kernel.0, kh: kernel.1, kw: kernel.2, st: stride.0, sh: stride.1, sw: stride.2,
                       pt: padding.0, ph: padding.1, pw: padding.2)
    }
}

/// Runs body(lo..<hi) over `pieces` contiguous parts of 0..<count, on all cores when `work` is
/// large enough (parallelFor's rule).
@inline(__always)
func parallelPieces(_ count: Int, pieces: Int, work: Int, _ body: (Int, Int) -> Void) {
    let p = max(1, min(count, pieces))
    parallelFor(p, work: work) { i in body(i * count / p, (i + 1) * count / p) }
}

/// Lays samples [n0, n0+cn) of x out as the vol2col matrix col: [K, cn·L], row (c, a, b, d),
/// column j·L + (t'·H' + h')·W' + w'. Zero where the kernel reads padding. With `planes`, only
/// output planes t' in that range (L then counts those planes' positions only). `parallel: false`
/// when the caller already runs one worker per core.
// x: [N, C, T, H, W]
func vol2col(_ x: UnsafePointer<Float>, _ g: Conv3dGeometry, n0: Int, cn: Int, col: UnsafeMutablePointer<Float>,
             planes: Range<Int>? = nil, parallel: Bool = true) {
    let tRange = planes ?? 0..<g.to
    let work = g.k * cn * tRange.count * g.ho * g.wo
    withUnsafePointer(to: g.cShape) { shape in
        // Every row of col is written by one piece, so pieces run in parallel safely.
        parallelPieces(g.k, pieces: 8, work: parallel ? work : 0) { lo, hi in
            mcn_vol2col(x, shape, n0, cn, tRange.lowerBound, tRange.upperBound, col, lo, hi)
        }
    }
}

/// The adjoint of vol2col: adds col: [K, cn·L] back into dx for samples [n0, n0+cn) (and, with
/// `planes`, those output planes only).
// dx: [N, C, T, H, W]
func col2vol(_ col: UnsafePointer<Float>, _ g: Conv3dGeometry, n0: Int, cn: Int, dx: UnsafeMutablePointer<Float>,
             planes: Range<Int>? = nil, parallel: Bool = true) {
    let tRange = planes ?? 0..<g.to
    let work = g.k * cn * tRange.count * g.ho * g.wo
    withUnsafePointer(to: g.cShape) { shape in
        // Each input channel is written by its own rows only, so channel pieces run in parallel safely.
        parallelPieces(g.c, pieces: 8, work: parallel ? work : 0) { lo, hi in
            mcn_col2vol(col, shape, n0, cn, tRange.lowerBound, tRange.upperBound, dx, lo, hi)
        }
    }
}
