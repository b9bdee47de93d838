/// Lays samples [n0, n0+cn) of x out as the vol2col matrix col: [K, cn·L], row (c, a, b, d),
/// column j·L + (t'·H' + h')·W' + w'. Zero where the kernel reads padding. With `planes`, only
/// output planes t' in that range (L then counts those planes' positions only). `parallel: false`
/// when the caller already runs one worker per core.
// x: [N, C, T, H, W]
func vol2col(_ x: UnsafePointer<Float>, _ g: Conv3dGeometry, n0: Int, cn: Int, col: UnsafeMutablePointer<Float>,
             planes: Range<Int>? = nil, parallel: Bool = true) {
    let (kt, kh, kw) = g.kernel, (st, sh, sw) = g.stride, (pt, ph, pw) = g.padding
    let tRange = planes ?? 0..<g.to
    let (ho, wo) = (g.ho, g.wo)
    let L = tRange.count * ho * wo
    let thw = g.t * g.h * g.w, hw = g.h * g.w, W = g.w
    // Every row of col is written by one iteration, so rows run in parallel safely.
    parallelFor(g.k, work: parallel ? g.k * cn * L : 0) { row in
        let d = row % kw, b = (row / kw) % kh, a = (row / (kw * kh)) % kt, ci = row / (kw * kh * kt)
        do {
            // Valid output columns for this kernel column: 0 <= w'·sw − pw + d < W.
            let wLo = max(0, (pw - d + sw - 1) / sw)
            let wHi = min(wo, (W - 1 + pw - d) / sw + 1)
            for j in 0..<cn {
                let xs = x + ((n0 + j) * g.c + ci) * thw
                var dst = col + row * cn * L + j * L
                for tt in tRange {
                    let ti = tt * st - pt + a
                    if ti < 0 || ti >= g.t { dst.update(repeating: 0, count: ho * wo); dst += ho * wo; continue }
                    for hh in 0..<ho {
                        let hi = hh * sh - ph + b
                        if hi < 0 || hi >= g.h || wHi <= wLo { dst.update(repeating: 0, count: wo); dst += wo; continue }
                        let src = xs + ti * hw + hi * W - pw + d
                        if wLo > 0 { dst.update(repeating: 0, count: wLo) }
                        if sw == 1 {
                            (dst + wLo).update(from: src + wLo, count: wHi - wLo)
                        } else {
                            for ww in wLo..<wHi { dst[ww] = src[ww * sw] }
                        }
                        if wHi < wo { (dst + wHi).update(repeating: 0, count: wo - wHi) }
                        dst += wo
                    }
                }
            }
        }
    }
}

/// The adjoint of vol2col: adds col: [K, cn·L] back into dx for samples [n0, n0+cn) (and, with
/// `planes`, those output planes only).
// dx: [N, C, T, H, W]
func col2vol(_ col: UnsafePointer<Float>, _ g: Conv3dGeometry, n0: Int, cn: Int, dx: UnsafeMutablePointer<Float>,
             planes: Range<Int>? = nil, parallel: Bool = true) {
    let (kt, kh, kw) = g.kernel, (st, sh, sw) = g.stride, (pt, ph, pw) = g.padding
    let tRange = planes ?? 0..<g.to
    let (ho, wo) = (g.ho, g.wo)
    let L = tRange.count * ho * wo
    let thw = g.t * g.h * g.w, hw = g.h * g.w, W = g.w
    // Each input channel is written by its own rows only, so channels run in parallel safely.
    parallelFor(g.c, work: parallel ? g.k * cn * L : 0) { ci in
        for a in 0..<kt { for b in 0..<kh { for d in 0..<kw {
            let row = ((ci * kt + a) * kh + b) * kw + d
            let wLo = max(0, (pw - d + sw - 1) / sw)
            let wHi = min(wo, (W - 1 + pw - d) / sw + 1)
            if wHi <= wLo { continue }
            for j in 0..<cn {
                let xs = dx + ((n0 + j) * g.c + ci) * thw
                var src = UnsafePointer(col + row * cn * L + j * L)
                for tt in tRange {
                    let ti = tt * st - pt + a
                    if ti < 0 || ti >= g.t { src += ho * wo; continue }
                    for hh in 0..<ho {
                        let hi = hh * sh - ph + b
                        if hi < 0 || hi >= g.h { src += wo; continue }
                        let dst = xs + ti * hw + hi * W - pw + d
                        if sw == 1 {
                            for ww in wLo..<wHi { dst[ww] += src[ww] }
                        } else {
                            for ww in wLo..<wHi { dst[ww * sw] += src[ww] }
                        }
                        src += wo
                    }
                }
            }
        } } }
    }
}
