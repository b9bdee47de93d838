/// The sizes of one 3D convolution: input [N, C, T, H, W], weight [O, C, kt, kh, kw].
public struct Conv3dGeometry: Sendable, Equatable {
    public let n, c, t, h, w: Int
    public let o: Int
    public let kernel: (Int, Int, Int)
    public let stride: (Int, Int, Int)
    public let padding: (Int, Int, Int)

    public init(input: [Int], weight: [Int], stride: (Int, Int, Int), padding: (Int, Int, Int)) {
        precondition(input.count == 5 && weight.count == 5 && input[1] == weight[1],
                     "conv3d: input \(input) and weight \(weight) do not match ([N, C, T, H, W] and [O, C, kt, kh, kw])")
        (n, c, t, h, w) = (input[0], input[1], input[2], input[3], input[4])
        o = weight[0]
        kernel = (weight[2], weight[3], weight[4])
        self.stride = stride
        self.padding = padding
        precondition(to > 0 && ho > 0 && wo > 0, "conv3d: input \(input) too small for kernel \(weight) with padding \(padding)")
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.n == b.n && a.c == b.c && a.t == b.t && a.h == b.h && a.w == b.w && a.o == b.o
            && a.kernel == b.kernel && a.stride == b.stride && a.padding == b.padding
    }

    public var to: Int { (t + 2 * padding.0 - kernel.0) / stride.0 + 1 }
    public var ho: Int { (h + 2 * padding.1 - kernel.1) / stride.1 + 1 }
    public var wo: Int { (w + 2 * padding.2 - kernel.2) / stride.2 + 1 }
    /// Rows of the vol2col matrix: C·kt·kh·kw.
    public var k: Int { c * kernel.0 * kernel.1 * kernel.2 }
    /// Output positions per sample: T'·H'·W'.
    public var l: Int { to * ho * wo }
    public var outputShape: [Int] { [n, o, to, ho, wo] }
    /// Multiply-adds ×2 of the forward pass.
    public var forwardFlops: Double { 2 * Double(n) * Double(o) * Double(k) * Double(l) }
    /// A 1×1×1 stride-1 unpadded convolution reads its input as the vol2col matrix directly.
    var isPointwise: Bool {
        kernel == (1, 1, 1) && stride == (1, 1, 1) && padding == (0, 0, 0)
    }

    /// Output planes per vol2col block when a sample is processed alone: the block (about 2 MB)
    /// stays in cache between being written and being read by the GEMM.
    var planesPerBlock: Int { max(1, min(to, (1 << 19) / max(1, k * ho * wo))) }

    /// Samples per GEMM: enough columns to keep the product efficient, few enough to bound the
    /// vol2col buffer (16 M floats).
    var chunk: Int {
        let want = max(1, (4096 + l - 1) / l)
        let cap = max(1, (16 << 20) / max(1, k * l))
        return min(n, min(want, cap))
    }
}

/// Lays samples [n0, n0+cn) of x out as the vol2col matrix col: [K, cn·L], row (c, a, b, d),
/// column j·L + (t'·H' + h')·W' + w'. Zero where the kernel reads padding. With `planes`, only
/// output planes t' in that range (L then counts those planes' positions only).
// x: [N, C, T, H, W]
func vol2col(_ x: UnsafePointer<Float>, _ g: Conv3dGeometry, n0: Int, cn: Int, col: UnsafeMutablePointer<Float>,
             planes: Range<Int>? = nil) {
    let (kt, kh, kw) = g.kernel, (st, sh, sw) = g.stride, (pt, ph, pw) = g.padding
    let tRange = planes ?? 0..<g.to
    let (ho, wo) = (g.ho, g.wo)
    let L = tRange.count * ho * wo
    let thw = g.t * g.h * g.w, hw = g.h * g.w, W = g.w
    // Every row of col is written by one iteration, so rows run in parallel safely.
    parallelFor(g.k, work: g.k * cn * L) { row in
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
             planes: Range<Int>? = nil) {
    let (kt, kh, kw) = g.kernel, (st, sh, sw) = g.stride, (pt, ph, pw) = g.padding
    let tRange = planes ?? 0..<g.to
    let (ho, wo) = (g.ho, g.wo)
    let L = tRange.count * ho * wo
    let thw = g.t * g.h * g.w, hw = g.h * g.w, W = g.w
    // Each input channel is written by its own rows only, so channels run in parallel safely.
    parallelFor(g.c, work: g.k * cn * L) { ci in
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

/// Convolution forward: y = W ⊛ x through one sgemm per chunk of samples.
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw] -> y: [N, O, T', H', W']
public func conv3dForward(_ x: Tensor, _ w: Tensor, _ g: Conv3dGeometry) -> Tensor {
    if g.chunk == 1 && !g.isPointwise { return conv3dForwardBlocked(x, w, g) }
    let y = Tensor(uninitialized: g.outputShape)
    let (K, L, O, cnMax) = (g.k, g.l, g.o, g.chunk)
    let col = (g.isPointwise && cnMax == 1) ? nil : Tensor(uninitialized: [K * cnMax * L])
    let tmp = cnMax > 1 ? Tensor(uninitialized: [O * cnMax * L]) : nil
    // Swift may end an object's life after its last use, not at the end of scope: keep the
    // scratch buffers alive while raw pointers into them are in use.
    defer { withExtendedLifetime(col) {}; withExtendedLifetime(tmp) {} }
    var n0 = 0
    while n0 < g.n {
        let cn = min(cnMax, g.n - n0)
        let b: UnsafePointer<Float>
        if let col { vol2col(x.pointer, g, n0: n0, cn: cn, col: col.pointer); b = UnsafePointer(col.pointer) }
        else { b = UnsafePointer(x.pointer + n0 * g.c * L) }
        if tmp == nil {
            BLAS.gemm(m: O, n: L, k: K, a: w.pointer, lda: K, b: b, ldb: L, c: y.pointer + n0 * O * L, ldc: L)
        } else {
            let t = tmp!.pointer
            BLAS.gemm(m: O, n: cn * L, k: K, a: w.pointer, lda: K, b: b, ldb: cn * L, c: t, ldc: cn * L)
            // [O, cn·L] -> [cn, O, L]
            for j in 0..<cn { for oc in 0..<O {
                (y.pointer + ((n0 + j) * O + oc) * L).update(from: t + oc * cn * L + j * L, count: L)
            } }
        }
        n0 += cn
    }
    return y
}

/// Forward one sample at a time, in blocks of output planes: vol2col of a block, then its GEMM
/// straight into the output.
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw] -> y: [N, O, T', H', W']
func conv3dForwardBlocked(_ x: Tensor, _ w: Tensor, _ g: Conv3dGeometry) -> Tensor {
    let y = Tensor(uninitialized: g.outputShape)
    let (K, L, O, plane, pb) = (g.k, g.l, g.o, g.ho * g.wo, g.planesPerBlock)
    let col = Tensor(uninitialized: [K * pb * plane])
    defer { withExtendedLifetime(col) {} }
    for n in 0..<g.n {
        for t0 in stride(from: 0, to: g.to, by: pb) {
            let planes = t0..<min(g.to, t0 + pb)
            let cols = planes.count * plane
            vol2col(x.pointer, g, n0: n, cn: 1, col: col.pointer, planes: planes)
            BLAS.gemm(m: O, n: cols, k: K, a: w.pointer, lda: K, b: col.pointer, ldb: cols,
                      c: y.pointer + n * O * L + t0 * plane, ldc: L)
        }
    }
    return y
}

/// Backward one sample at a time in blocks of output planes (see `conv3dForwardBlocked`).
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], dy: [N, O, T', H', W']
func conv3dBackwardBlocked(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                           dw: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?) {
    let (K, L, O, plane, pb) = (g.k, g.l, g.o, g.ho * g.wo, g.planesPerBlock)
    let col = Tensor(uninitialized: [K * pb * plane])
    defer { withExtendedLifetime(col) {} }
    for n in 0..<g.n {
        for t0 in stride(from: 0, to: g.to, by: pb) {
            let planes = t0..<min(g.to, t0 + pb)
            let cols = planes.count * plane
            let d = dy + n * O * L + t0 * plane
            if let dw {
                vol2col(x.pointer, g, n0: n, cn: 1, col: col.pointer, planes: planes)
                BLAS.gemm(transB: true, m: O, n: K, k: cols, a: d, lda: L, b: col.pointer, ldb: cols,
                          beta: 1, c: dw, ldc: K)
            }
            if let dx {
                BLAS.gemm(transA: true, m: K, n: cols, k: O, a: w.pointer, lda: K, b: d, ldb: L,
                          c: col.pointer, ldc: cols)
                col2vol(col.pointer, g, n0: n, cn: 1, dx: dx, planes: planes)
            }
        }
    }
}

/// Convolution backward: adds dW = dy · colᵀ into dw and, when dx is given, the input gradient.
/// For stride 1 the input gradient is itself a convolution of dy with the flipped, transposed
/// kernel (a GEMM with inner size O·kt·kh·kw); otherwise col2vol(Wᵀ · dy), whose GEMM has inner
/// size O only and is much slower for narrow layers.
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], dy: [N, O, T', H', W']
public func conv3dBackward(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                           dw: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?) {
    if let dx, g.stride == (1, 1, 1) && !g.isPointwise {
        conv3dBackwardCore(x, w, dy, g, dw: dw, dx: nil)
        conv3dInputGradientByTransposedConv(w, dy, g, dx: dx)
        return
    }
    conv3dBackwardCore(x, w, dy, g, dw: dw, dx: dx)
}

/// dx += dy ⊛ flip(W)ᵀ for a stride-1 convolution: a forward convolution of dy (padded by k − 1 − p)
/// with weights W'[c, o, a, b, d] = W[o, c, kt−1−a, kh−1−b, kw−1−d].
// w: [O, C, kt, kh, kw], dy: [N, O, T', H', W'], dx: [N, C, T, H, W]
func conv3dInputGradientByTransposedConv(_ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                                         dx: UnsafeMutablePointer<Float>) {
    let (kt, kh, kw) = g.kernel
    let taps = kt * kh * kw
    let wt = Tensor(uninitialized: [g.c, g.o, kt, kh, kw])
    for o in 0..<g.o { for c in 0..<g.c {
        let src = w.pointer + (o * g.c + c) * taps, dst = wt.pointer + (c * g.o + o) * taps
        for i in 0..<taps { dst[i] = src[taps - 1 - i] }
    } }
    let gt = Conv3dGeometry(input: [g.n, g.o, g.to, g.ho, g.wo], weight: wt.shape, stride: (1, 1, 1),
                            padding: (kt - 1 - g.padding.0, kh - 1 - g.padding.1, kw - 1 - g.padding.2))
    // dy is borrowed, not owned: wrap it as a view for the forward kernel.
    let dyView = Tensor(shape: [g.n, g.o, g.to, g.ho, g.wo],
                        storage: Storage(view: UnsafeMutablePointer(mutating: dy), count: g.n * g.o * g.l, owner: wt.storage))
    let d = conv3dForward(dyView, wt, gt)
    let count = d.count
    let dp = d.pointer
    parallelRanges(count) { r in for i in r { dx[i] += dp[i] } }
    withExtendedLifetime(d) {}
}

func conv3dBackwardCore(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                        dw: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?) {
    if g.chunk == 1 && !g.isPointwise { return conv3dBackwardBlocked(x, w, dy, g, dw: dw, dx: dx) }
    let (K, L, O, cnMax) = (g.k, g.l, g.o, g.chunk)
    let direct = g.isPointwise && cnMax == 1
    let col = direct ? nil : Tensor(uninitialized: [K * cnMax * L])
    let dyT = cnMax > 1 ? Tensor(uninitialized: [O * cnMax * L]) : nil
    defer { withExtendedLifetime(col) {}; withExtendedLifetime(dyT) {} }
    var n0 = 0
    while n0 < g.n {
        let cn = min(cnMax, g.n - n0)
        // dy of this chunk as [O, cn·L]
        let d: UnsafePointer<Float>
        if let dyT {
            for j in 0..<cn { for oc in 0..<O {
                (dyT.pointer + oc * cn * L + j * L).update(from: dy + ((n0 + j) * O + oc) * L, count: L)
            } }
            d = UnsafePointer(dyT.pointer)
        } else {
            d = dy + n0 * O * L
        }
        if let dw {
            let b: UnsafePointer<Float>
            if let col { vol2col(x.pointer, g, n0: n0, cn: cn, col: col.pointer); b = UnsafePointer(col.pointer) }
            else { b = UnsafePointer(x.pointer + n0 * g.c * L) }
            BLAS.gemm(transB: true, m: O, n: K, k: cn * L, a: d, lda: cn * L, b: b, ldb: cn * L,
                      beta: 1, c: dw, ldc: K)
        }
        if let dx {
            if direct {
                BLAS.gemm(transA: true, m: K, n: L, k: O, a: w.pointer, lda: K, b: d, ldb: L,
                          beta: 1, c: dx + n0 * g.c * L, ldc: L)
            } else {
                let c = col!.pointer
                BLAS.gemm(transA: true, m: K, n: cn * L, k: O, a: w.pointer, lda: K, b: d, ldb: cn * L,
                          c: c, ldc: cn * L)
                col2vol(c, g, n0: n0, cn: cn, dx: dx)
            }
        }
        n0 += cn
    }
}

extension Tape {
    /// 3D convolution without bias (the backbones follow each conv with BatchNorm).
    // x: [N, C, T, H, W], w: [O, C, kt, kh, kw] -> [N, O, T', H', W']
    public func conv3d(_ x: Variable, _ w: Variable, stride: (Int, Int, Int) = (1, 1, 1),
                       padding: (Int, Int, Int) = (0, 0, 0)) -> Variable {
        let g = Conv3dGeometry(input: x.shape, weight: w.shape, stride: stride, padding: padding)
        onConv?(g)
        let y = conv3dForward(x.value, w.value, g)
        return output(.conv3d, y, inputs: [x, w]) { out in
            { conv3dBackward(x.value, w.value, out.grad!.pointer, g,
                             dw: w.requiresGrad ? w.gradPointer() : nil,
                             dx: x.requiresGrad ? x.gradPointer() : nil) }
        }
    }
}
