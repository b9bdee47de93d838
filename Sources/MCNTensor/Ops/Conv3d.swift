#if canImport(Glibc)
import Glibc
#endif

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
    /// `3x3x3.16-32.8x32x32.s222`: kernel, channels in and out, input size, strides (the
    /// benchmark's names and the profile's rows).
    public var label: String {
        let s = stride == (1, 1, 1) ? "s1" : "s\(stride.0)\(stride.1)\(stride.2)"
        return "\(kernel.0)x\(kernel.1)x\(kernel.2).\(c)-\(o).\(t)x\(h)x\(w).\(s)"
    }

    /// A 1×1×1 stride-1 unpadded convolution reads its input as the vol2col matrix directly.
    var isPointwise: Bool {
        kernel == (1, 1, 1) && stride == (1, 1, 1) && padding == (0, 0, 0)
    }

    /// Output planes per vol2col block when a sample is processed alone: the block (about 2 MB)
    /// stays in cache between being written and being read by the GEMM.
    var planesPerBlock: Int { max(1, min(to, (1 << 19) / max(1, k * ho * wo))) }

    /// Output columns a batched product aims for (MCN_CONV_COLUMNS overrides, for A/B runs).
    nonisolated(unsafe) static var columnsPerProduct = getenv("MCN_CONV_COLUMNS").flatMap { Int(String(cString: $0)) }.map { max(1, $0) } ?? 4096

    /// Samples per GEMM: enough columns to keep the product efficient, few enough to bound the
    /// vol2col buffer (16 M floats).
    /// A sample with 1024 columns or more whose kernel is taller than a row is taken alone, so it
    /// goes through the row-shift layout (see RowShift): for layer2 of the reference networks
    /// (4×16×16 outputs) that was faster than batching four samples through a vol2col. (The
    /// direct kernels, DirectConv, take one sample a unit with a plan of their own.)
    var chunk: Int {
        if l >= 1024 && RowShift.applies(to: self) { return 1 }
        let want = max(1, (Self.columnsPerProduct + l - 1) / l)
        let cap = max(1, (16 << 20) / max(1, k * l))
        return min(n, min(want, cap))
    }
}

/// Convolution forward: y = W ⊛ x through sgemm (see `ConvPlan` for how samples are grouped).
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw] -> y: [N, O, T', H', W']
/// With `moments` (sized [N, O]), the paths that compute one sample at a time also gather the
/// output's batch statistics into it (see ChannelMoments) and set `filled`.
public func conv3dForward(_ x: Tensor, _ w: Tensor, _ g: Conv3dGeometry, moments: ChannelMoments? = nil) -> Tensor {
    let y = Tensor(uninitialized: g.outputShape)
    conv3dForward(x, w, g, into: y.pointer, accumulate: false, moments: moments)
    return y
}

/// y = W ⊛ x, or y += W ⊛ x with `accumulate` (the input gradient by transposed convolution adds
/// straight into dx this way).
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], y: [N, O, T', H', W']
func conv3dForward(_ x: Tensor, _ w: Tensor, _ g: Conv3dGeometry, into y: UnsafeMutablePointer<Float>,
                   accumulate: Bool, transform: ConvInputTransform? = nil, moments: ChannelMoments? = nil) {
    precondition(moments.map { $0.samples == g.n && $0.channels == g.o } ?? true, "conv3d: moments sized for another output")
    if let live = LiveTemporalTaps(g) {
        conv3dForward(x, live.weights(w), live.g, into: y, accumulate: accumulate, transform: transform, moments: moments)
        return
    }
    // Sums of what was there before plus W ⊛ x are not the output's: none with `accumulate`.
    let m = accumulate ? nil : moments
    if let work = perSampleForwardWork(x, w, g, into: y, accumulate: accumulate, transform: transform, moments: m) {
        work.run()
        m?.filled = true
        return
    }
    // Only the per-sample paths take a transform (ConvInputTransform.fits: the caller checked).
    precondition(transform == nil, "conv3d \(g.label): no path applies an input transform")
    let plan = ConvPlan(g)
    let (K, L, O, cnMax, plane, pb) = (g.k, g.l, g.o, g.chunk, g.ho * g.wo, g.planesPerBlock)
    let beta: Float = accumulate ? 1 : 0
    let inside = plan.parallelInside
    // Pointwise convolutions one sample a GEMM read x itself; batched ones gather through tmp.
    let direct = g.isPointwise && cnMax == 1
    let rowShift = RowShift(g, blocked: plan.blocked)
    let colCount = direct ? 0 : rowShift.map { $0.rows * $0.rowLength } ?? (plan.blocked ? K * pb * plane : K * cnMax * L)
    let cols = plan.scratch(colCount)
    let tmps = plan.scratch(!plan.blocked && cnMax > 1 ? O * cnMax * L : 0)
    let arranged = rowShift?.arrangedWeights(w.pointer)
    let blocks = rowShift?.rowBlocks ?? []
    // Swift may end an object's life after its last use, not at the end of scope: keep the
    // scratch buffers alive while raw pointers into them are in use.
    defer { withExtendedLifetime(cols) {}; withExtendedLifetime(tmps) {}; withExtendedLifetime(arranged) {} }
    plan.run { worker, unit in
        let r = plan.samples(unit)
        if let rowShift, let arranged {
            // One sample, plane by plane, in the row-shift layout (see RowShift).
            let n = r.lowerBound, e = cols[worker]!.pointer
            for tt in 0..<g.to { for block in blocks {
                rowShift.fill(x.pointer, n: n, plane: tt, block: block, e: e, parallel: inside)
                rowShift.forward(wr: arranged.pointer, e: e, count: block.count,
                                 y: y + n * O * L + tt * plane + block.start * g.wo, ldc: L, accumulate: accumulate)
            } }
            return
        }
        if plan.blocked {
            // One sample in blocks of output planes: vol2col of a block, then its GEMM straight
            // into the output (the block stays in cache between the two).
            let n = r.lowerBound, col = cols[worker]!.pointer
            for t0 in stride(from: 0, to: g.to, by: pb) {
                let planes = t0..<min(g.to, t0 + pb)
                let nc = planes.count * plane
                vol2col(x.pointer, g, n0: n, cn: 1, col: col, planes: planes, parallel: inside)
                BLAS.gemm(m: O, n: nc, k: K, a: w.pointer, lda: K, b: col, ldb: nc,
                          beta: beta, c: y + n * O * L + t0 * plane, ldc: L)
            }
            return
        }
        let (n0, cn) = (r.lowerBound, r.count)
        let b: UnsafePointer<Float>
        if let col = cols[worker] {
            vol2col(x.pointer, g, n0: n0, cn: cn, col: col.pointer, parallel: inside)
            b = UnsafePointer(col.pointer)
        } else {
            b = UnsafePointer(x.pointer + n0 * g.c * L)
        }
        guard let t = tmps[worker]?.pointer else {
            BLAS.gemm(m: O, n: L, k: K, a: w.pointer, lda: K, b: b, ldb: L, beta: beta, c: y + n0 * O * L, ldc: L)
            return
        }
        BLAS.gemm(m: O, n: cn * L, k: K, a: w.pointer, lda: K, b: b, ldb: cn * L, c: t, ldc: cn * L)
        // [O, cn·L] -> [cn, O, L]
        for j in 0..<cn { for oc in 0..<O {
            let dst = y + ((n0 + j) * O + oc) * L, src = t + oc * cn * L + j * L
            if accumulate { for i in 0..<L { dst[i] += src[i] } } else { dst.update(from: src, count: L) }
        } }
    }
}

/// The work of the first of the paths that compute one sample at a time and serve g's forward (they
/// can gather the output's statistics and take an input transform), set up; nil when none does.
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], y: [N, O, T', H', W']
private func perSampleForwardWork(_ x: Tensor, _ w: Tensor, _ g: Conv3dGeometry, into y: UnsafeMutablePointer<Float>,
                                  accumulate: Bool, transform: ConvInputTransform?,
                                  moments: ChannelMoments?) -> SampleWork? {
    if transform == nil, let pointwise = StridedPointwise(g) {
        return pointwise.forwardWork(x, w, into: y, accumulate: accumulate, moments: moments)
    } else if let winograd = WinogradConv(g) {
        return winograd.forwardWork(x, w, into: y, accumulate: accumulate, transform: transform, moments: moments)
    } else if let temporal = TemporalWinograd(g) {
        return temporal.forwardWork(x, w, into: y, accumulate: accumulate, transform: transform, moments: moments)
    } else if let direct = DirectConv(g, weightGradient: false) {
        return directForwardWork(direct, x, w, into: y, accumulate: accumulate, transform: transform, moments: moments)
    }
    return nil
}

/// The work of y (+)= W ⊛ x by the direct kernels (see DirectConv), one sample per unit of its plan.
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], y: [N, O, T', H', W']
private func directForwardWork(_ direct: DirectConv, _ x: Tensor, _ w: Tensor, into y: UnsafeMutablePointer<Float>,
                               accumulate: Bool, transform: ConvInputTransform? = nil,
                               moments: ChannelMoments? = nil) -> SampleWork {
    if let inPlace = direct.inPlace {
        precondition(transform == nil, "conv3d \(direct.g.label): the in-place path takes no input transform")
        let wr = inPlace.arrangedWeights(w.pointer)
        return SampleWork(plan: direct.plan) { _, n in
            inPlace.forward(x.pointer, wr: wr.pointer, n: n, y: y, accumulate: accumulate, moments: moments)
        }
    }
    let xps = direct.plan.scratch(direct.paddedCount), planes = direct.plan.scratch(direct.planeCount)
    let wr = direct.arrangedWeights(w.pointer)
    return SampleWork(plan: direct.plan) { worker, n in
        let xp = xps[worker]!.pointer
        direct.pad(x.pointer, n: n, into: xp, transform: transform)
        direct.forward(xp: xp, wr: wr.pointer, n: n, y: y, accumulate: accumulate, plane: planes[worker]!.pointer,
                       moments: moments)
    }
}

/// dw += dy · xᵀ by the direct kernels, one sample per unit; units running in parallel sum apart,
/// added into dw in unit order (the same sum whichever worker ran which unit).
// x: [N, C, T, H, W], dy: [N, O, T', H', W'], dw: [O, C, kt, kh, kw]
/// `before(worker, n)`, when given, runs first in each sample's unit (see conv3dBackward).
private func directConvWeightGradient(_ direct: DirectConv, _ x: Tensor, _ dy: UnsafePointer<Float>,
                                      dw: UnsafeMutablePointer<Float>, transform: ConvInputTransform? = nil,
                                      before: ((Int, Int) -> Void)? = nil) {
    let plan = direct.plan
    let xps = plan.scratch(direct.paddedCount)
    let planes = plan.scratch(direct.outputRowsAsCopied ? 0 : direct.sampleGradientCount)
    defer { withExtendedLifetime(xps) {}; withExtendedLifetime(planes) {} }
    plan.runSummed(into: dw, count: direct.g.o * direct.g.k) { worker, n, sum in
        before?(worker, n)
        let xp = xps[worker]!.pointer
        direct.pad(x.pointer, n: n, into: xp, transform: transform)
        direct.weightGradient(xp: xp, dy: dy, n: n, dw: sum, dyp: planes[worker]?.pointer)
    }
}

/// Convolution backward: adds dW = dy · colᵀ into dw and, when dx is given, the input gradient.
/// For stride 1 the input gradient is itself a convolution of dy with the flipped, transposed
/// kernel (a GEMM with inner size O·kt·kh·kw); otherwise col2vol(Wᵀ · dy), whose GEMM has inner
/// size O only and is much slower for narrow layers.
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], dy: [N, O, T', H', W']
/// With `dxFresh`, dx holds no gradient yet (uninitialised) and is overwritten.
public func conv3dBackward(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                           dw: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?, dxFresh: Bool = false) {
    conv3dBackward(x, w, dy, g, dw: dw, dx: dx, dxFresh: dxFresh, transform: nil)
}

/// The same for a convolution of max(x·scale + shift, 0) (`transform`; the weight gradient's
/// copies of x apply it, the input gradient — with respect to the transformed input — does not
/// read x). Returns whether the input and weight gradients ran sample by sample together (see
/// `SampleWork.interleaved`).
@discardableResult
func conv3dBackward(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                    dw: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?, dxFresh: Bool,
                    transform: ConvInputTransform?) -> Bool {
    if let live = LiveTemporalTaps(g) {
        let dwr = dw.map { _ in Tensor.zeros([live.g.o * live.g.k]) }
        let together = conv3dBackward(x, live.weights(w), dy, live.g, dw: dwr?.pointer, dx: dx, dxFresh: dxFresh,
                                      transform: transform)
        if let dw, let dwr { live.addWeightGradient(dwr.pointer, into: dw) }
        return together
    }
    if transform == nil, let pointwise = StridedPointwise(g) {
        pointwise.backward(x, w, dy, dw: dw, dx: dx, dxFresh: dxFresh)
        return false
    }
    if let dw, let winograd = WinogradConv(g, weightGradient: true) {
        // The channels-last domain's weight gradient runs with the input gradient sample by sample;
        // the by-channel one does not: r3d's 3×3×3 layers read 0.93–1.02× (median 0.99) in process
        // that way (BENCHMARKS.md, session 9).
        return weightAndInputGradients(x, w, dy, g, dx: dx, dxFresh: dxFresh, plan: winograd.plan,
                                       together: winograd.channelsLast) { before in
            winograd.weightGradient(x, dy, dw: dw, transform: transform, before: before)
        }
    }
    if let direct = DirectConv(g, weightGradient: true) {
        return weightAndInputGradients(x, w, dy, g, dx: dx, dxFresh: dxFresh, plan: direct.plan,
                                       together: dw != nil) { before in
            if let dw { directConvWeightGradient(direct, x, dy, dw: dw, transform: transform, before: before) }
        }
    }
    // Only those two weight gradients take a transform (ConvInputTransform.fits: the caller checked);
    // the input gradient never reads x.
    precondition(transform == nil || dw == nil, "conv3d \(g.label): no weight-gradient path applies an input transform")
    // The input gradient goes its own way (a transposed convolution, or phase by phase) unless
    // only col2vol serves it: then one pass of vol2col serves dW and dX together.
    if let dx, g.stride == (1, 1, 1) ? !g.isPointwise : StridedInputGradient.applies(to: g) {
        if dw != nil { conv3dBackwardCore(x, w, dy, g, dw: dw, dx: nil) }
        conv3dInputGradient(x, w, dy, g, dx: dx, dxFresh: dxFresh)
        return false
    }
    if let dx, dxFresh { dx.update(repeating: 0, count: g.n * g.c * g.t * g.h * g.w) }
    conv3dBackwardCore(x, w, dy, g, dw: dw, dx: dx)
    return false
}

/// A weight gradient that runs one sample a unit of `plan` (`weightGradient(before)`), and the input
/// gradient when dx is given: sample by sample together where `together` allows it and a per-sample
/// path serves the input gradient (`before` then runs the input gradient's sample first in each
/// unit: the sample's dy is read from memory once), else one after the other (`before` nil).
/// Returns whether they ran together.
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], dy: [N, O, T', H', W'], dx: [N, C, T, H, W]
private func weightAndInputGradients(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                                     dx: UnsafeMutablePointer<Float>?, dxFresh: Bool, plan: ConvPlan, together: Bool,
                                     _ weightGradient: (((Int, Int) -> Void)?) -> Void) -> Bool {
    if together, SampleWork.interleaved, let dx, let input = inputGradientWork(w, dy, g, dx: dx, dxFresh: dxFresh) {
        precondition(input.plan.workers == plan.workers, "conv3d \(g.label): gradients planned apart")
        weightGradient(input.sample)
        return true
    }
    weightGradient(nil)
    if let dx { conv3dInputGradient(x, w, dy, g, dx: dx, dxFresh: dxFresh) }
    return false
}

/// The input gradient as work one sample at a time, where a per-sample path serves it: the
/// transposed convolution of a stride-1 convolution, or StridedInputGradient; nil elsewhere.
// w: [O, C, kt, kh, kw], dy: [N, O, T', H', W'], dx: [N, C, T, H, W]
private func inputGradientWork(_ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                               dx: UnsafeMutablePointer<Float>, dxFresh: Bool) -> SampleWork? {
    if g.stride == (1, 1, 1) {
        let (dyView, wt, gt) = transposedConvolution(w, dy, g)
        return perSampleForwardWork(dyView, wt, gt, into: dx, accumulate: !dxFresh, transform: nil, moments: nil)
    }
    return StridedInputGradient(g, weights: w.pointer)?.work(dy, dx: dx, fresh: dxFresh)
}

/// The input gradient alone (the weight gradient went another way): by a per-sample path where one
/// serves it, else for stride 1 a transposed convolution, else col2vol.
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], dy: [N, O, T', H', W'], dx: [N, C, T, H, W]
private func conv3dInputGradient(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                                 dx: UnsafeMutablePointer<Float>, dxFresh: Bool) {
    if let work = inputGradientWork(w, dy, g, dx: dx, dxFresh: dxFresh) {
        work.run()
    } else if g.stride == (1, 1, 1) {
        conv3dInputGradientByTransposedConv(w, dy, g, dx: dx, accumulate: !dxFresh)
    } else {
        if dxFresh { dx.update(repeating: 0, count: g.n * g.c * g.t * g.h * g.w) }
        conv3dBackwardCore(x, w, dy, g, dw: nil, dx: dx)
    }
}

/// dx += dy ⊛ flip(W)ᵀ (dx = … without `accumulate`) for a stride-1 convolution: a forward
/// convolution of dy (padded by k − 1 − p) with weights W'[c, o, a, b, d] = W[o, c, kt−1−a, kh−1−b, kw−1−d].
// w: [O, C, kt, kh, kw], dy: [N, O, T', H', W'], dx: [N, C, T, H, W]
func conv3dInputGradientByTransposedConv(_ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                                         dx: UnsafeMutablePointer<Float>, accumulate: Bool = true) {
    let (dyView, wt, gt) = transposedConvolution(w, dy, g)
    conv3dForward(dyView, wt, gt, into: dx, accumulate: accumulate)
}

/// The transposed convolution that gives a stride-1 convolution's input gradient: dy as its input
/// (a view), the flipped, transposed kernel, and its geometry.
// w: [O, C, kt, kh, kw], dy: [N, O, T', H', W'] -> ([N, O, T', H', W'], [C, O, kt, kh, kw], geometry)
private func transposedConvolution(_ w: Tensor, _ dy: UnsafePointer<Float>,
                                   _ g: Conv3dGeometry) -> (Tensor, Tensor, Conv3dGeometry) {
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
    return (dyView, wt, gt)
}

/// dW (accumulated) and, by col2vol, dx (accumulated), unit by unit as `ConvPlan` says. When the
/// units run in parallel, each sums its dW in its own buffer, added into dw in unit order at the end
/// (the same sum whichever worker ran which unit).
// x: [N, C, T, H, W], w: [O, C, kt, kh, kw], dy: [N, O, T', H', W']
func conv3dBackwardCore(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry,
                        dw: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?) {
    let plan = ConvPlan(g)
    let (K, L, O, cnMax, plane, pb) = (g.k, g.l, g.o, g.chunk, g.ho * g.wo, g.planesPerBlock)
    let inside = plan.parallelInside
    let direct = g.isPointwise && cnMax == 1
    // dW of a blocked convolution goes through the row-shift layout (see RowShift) when it applies,
    // summed in arranged buffers (one per unit when units run in parallel), added into dw at the end.
    let rowShift = dw == nil ? nil : RowShift(g, blocked: plan.blocked)
    let es = plan.scratch(rowShift.map { $0.rows * $0.rowLength } ?? 0)
    let arrangedDW = plan.sumBuffers(rowShift.map { $0.shifts * O * $0.rows } ?? 0)
    let blocks = rowShift?.rowBlocks ?? []
    let needCols = !direct && (rowShift == nil || dx != nil)
    let cols = plan.scratch(needCols ? (plan.blocked ? K * pb * plane : K * cnMax * L) : 0)
    let dyTs = plan.scratch(!plan.blocked && cnMax > 1 ? O * cnMax * L : 0)
    // Units running in parallel sum dW apart; in order, they add into dw directly.
    let privateDW = plan.sumBuffers(plan.workers > 1 && dw != nil && rowShift == nil ? O * K : 0)
    defer {
        withExtendedLifetime(cols) {}; withExtendedLifetime(dyTs) {}; withExtendedLifetime(privateDW) {}
        withExtendedLifetime(es) {}; withExtendedLifetime(arrangedDW) {}
    }
    plan.run { worker, unit in
        let r = plan.samples(unit)
        let slot = plan.partialSum(unit)
        var dwp = plan.workers == 1 ? dw : privateDW[slot]?.pointer
        if let rowShift, let dwr = arrangedDW[slot]?.pointer {
            let n = r.lowerBound, e = es[worker]!.pointer
            for tt in 0..<g.to { for block in blocks {
                rowShift.fill(x.pointer, n: n, plane: tt, block: block, e: e, parallel: inside)
                rowShift.weightGradient(dy: dy + n * O * L + tt * plane + block.start * g.wo, lda: L, e: e,
                                        count: block.count, dwArranged: dwr)
            } }
            dwp = nil
            if dx == nil { return }
        }
        if plan.blocked {
            let n = r.lowerBound, col = cols[worker]!.pointer
            for t0 in stride(from: 0, to: g.to, by: pb) {
                let planes = t0..<min(g.to, t0 + pb)
                let nc = planes.count * plane
                let d = dy + n * O * L + t0 * plane
                if let dwp {
                    vol2col(x.pointer, g, n0: n, cn: 1, col: col, planes: planes, parallel: inside)
                    BLAS.gemm(transB: true, m: O, n: K, k: nc, a: d, lda: L, b: col, ldb: nc,
                              beta: 1, c: dwp, ldc: K)
                }
                if let dx {
                    BLAS.gemm(transA: true, m: K, n: nc, k: O, a: w.pointer, lda: K, b: d, ldb: L,
                              c: col, ldc: nc)
                    col2vol(col, g, n0: n, cn: 1, dx: dx, planes: planes, parallel: inside)
                }
            }
            return
        }
        let (n0, cn) = (r.lowerBound, r.count)
        // dy of this chunk as [O, cn·L]
        let d: UnsafePointer<Float>
        if let dyT = dyTs[worker]?.pointer {
            for j in 0..<cn { for oc in 0..<O {
                (dyT + oc * cn * L + j * L).update(from: dy + ((n0 + j) * O + oc) * L, count: L)
            } }
            d = UnsafePointer(dyT)
        } else {
            d = dy + n0 * O * L
        }
        if let dwp {
            let b: UnsafePointer<Float>
            if let col = cols[worker] {
                vol2col(x.pointer, g, n0: n0, cn: cn, col: col.pointer, parallel: inside)
                b = UnsafePointer(col.pointer)
            } else {
                b = UnsafePointer(x.pointer + n0 * g.c * L)
            }
            BLAS.gemm(transB: true, m: O, n: K, k: cn * L, a: d, lda: cn * L, b: b, ldb: cn * L,
                      beta: 1, c: dwp, ldc: K)
        }
        if let dx {
            if let col = cols[worker]?.pointer {
                BLAS.gemm(transA: true, m: K, n: cn * L, k: O, a: w.pointer, lda: K, b: d, ldb: cn * L,
                          c: col, ldc: cn * L)
                col2vol(col, g, n0: n0, cn: cn, dx: dx, parallel: inside)
            } else {
                BLAS.gemm(transA: true, m: K, n: L, k: O, a: w.pointer, lda: K, b: d, ldb: L,
                          beta: 1, c: dx + n0 * g.c * L, ldc: L)
            }
        }
    }
    if let dw {
        for p in privateDW.compactMap({ $0 }) { BLAS.axpy(n: O * K, alpha: 1, x: p.pointer, y: dw) }
        if let rowShift, let first = arrangedDW.first??.pointer {
            // Units' sums in unit order, then one pass of the (index-heavy) rearrangement.
            for p in arrangedDW.dropFirst().compactMap({ $0 }) {
                BLAS.axpy(n: p.count, alpha: 1, x: p.pointer, y: first)
            }
            rowShift.addWeightGradient(first, into: dw)
        }
    }
}

extension Tape {
    /// 3D convolution without bias (the backbones follow each conv with BatchNorm). With
    /// `gatherMoments`, in training, the output's batch statistics are gathered as it is written
    /// where the path allows (see ChannelMoments) and kept on the output for the BatchNorm after it.
    // x: [N, C, T, H, W], w: [O, C, kt, kh, kw] -> [N, O, T', H', W']
    public func conv3d(_ x: Variable, _ w: Variable, stride: (Int, Int, Int) = (1, 1, 1),
                       padding: (Int, Int, Int) = (0, 0, 0), gatherMoments: Bool = false) -> Variable {
        let g = Conv3dGeometry(input: x.shape, weight: w.shape, stride: stride, padding: padding)
        onConv?(g)
        let moments = momentsBuffer(g, asked: gatherMoments)
        let y = conv3dForward(x.value, w.value, g, moments: moments)
        let out = output(.conv3d, y, inputs: [x, w], detail: convolutionDetail(g, x, w)) { out in
            {
                let (dx, fresh) = x.requiresGrad ? x.gradForWrite() : (nil, false)
                conv3dBackward(x.value, w.value, out.grad!.pointer, g,
                               dw: w.requiresGrad ? w.gradPointer() : nil, dx: dx, dxFresh: fresh)
            }
        }
        out.keep(moments)
        return out
    }

    /// Where a convolution's output statistics go, when asked for and BatchNorm will use them (in
    /// training, with the switch on).
    func momentsBuffer(_ g: Conv3dGeometry, asked: Bool) -> ChannelMoments? {
        asked && training && ChannelMoments.enabled ? ChannelMoments(samples: g.n, channels: g.o) : nil
    }

    /// A convolution's entry in the profile (only a profiled tape lists convolutions by shape).
    func convolutionDetail(_ g: Conv3dGeometry, _ x: Variable, _ w: Variable) -> OpDetail? {
        profile == nil ? nil : OpDetail(
            label: "conv." + g.label, forwardFlops: g.forwardFlops,
            backwardFlops: g.forwardFlops * Double((x.requiresGrad ? 1 : 0) + (w.requiresGrad ? 1 : 0)))
    }
}

extension Variable {
    /// Keeps the statistics the op that made this value gathered, if it filled them.
    func keep(_ moments: ChannelMoments?) {
        if moments?.filled == true { channelMoments = moments }
    }
}
