import CTensorKernels
#if canImport(Glibc)
import Glibc
#endif

/// Strided 1×1×1 convolutions (the shortcuts of the downsampling blocks) by the direct kernels,
/// one sample a unit. vol2col of a strided pointwise convolution only picks the sampled positions:
/// xs: [C, L'] per sample, whose rows are the kernel's taps, so the direct forward writes y's
/// sample [O, L'] straight from it; the input gradient is the same kernel over dy with the weights
/// transposed, added back into the sampled positions of dx by col2vol; the weight gradient sums
/// dy · xsᵀ. Through vol2col + sgemm these layers ran at 6–12 GFLOP/s in a training pass: a GEMM
/// with an inner size of C (16–64) batched over four samples, then a transposing copy of the
/// output, and for dx an sgemm with inner size O into a matrix col2vol scatters.
struct StridedPointwise {
    let g: Conv3dGeometry
    let plan: ConvPlan

    /// Whether g is a strided pointwise convolution the kernels take: channels in and out
    /// multiples of 4 (each is the output of one of the two kernels), planes of whole tiles.
    static func fits(_ g: Conv3dGeometry) -> Bool {
        g.kernel == (1, 1, 1) && g.padding == (0, 0, 0) && g.stride != (1, 1, 1)
            && g.o % 4 == 0 && g.c % 4 == 0 && g.l % Int(MCN_DIRECT_TILE) == 0
    }

    /// The strided kernels (this and StridedInputGradient) are on by default; off with the other
    /// direct kernels (MCN_CONV_DIRECT=0) or alone (MCN_CONV_STRIDED=0, `ConvolutionPaths.strided`:
    /// for A/B runs).
    nonisolated(unsafe) static var stridedKernelsEnabled = getenv("MCN_CONV_STRIDED").map { String(cString: $0) != "0" } ?? true

    init?(_ g: Conv3dGeometry) {
        guard DirectConv.enabled, Self.stridedKernelsEnabled, Self.fits(g), let plan = ConvPlan.samplesOnCores(g) else {
            return nil
        }
        self.g = g
        self.plan = plan
    }

    /// Taps per pass of the forward kernel: rows of L' floats a multiple of 4 KB apart all fall on
    /// the same L1 sets, so those go 8 at a time (the sets' ways); else all at once.
    private var chunk: Int { DirectConv.planeStride(rows: 1, width: g.l) == g.l ? DirectConv.tapChunk : 8 }

    /// Offsets of the rows of a [rows, L'] matrix: the taps.
    private func rowOffsets(_ rows: Int) -> [Int] { (0..<rows).map { $0 * g.l } }

    /// The work of y (+)= W ⊛ x, sample by sample.
    // x: [N, C, T, H, W], w: [O, C, 1, 1, 1], y: [N, O, T', H', W']
    func forwardWork(_ x: Tensor, _ w: Tensor, into y: UnsafeMutablePointer<Float>, accumulate: Bool,
                     moments: ChannelMoments? = nil) -> SampleWork {
        let cols = plan.scratch(g.c * g.l), offsets = rowOffsets(g.c)
        let wr = DirectConv.arrange(w.pointer, g, column: { $0 })
        return SampleWork(plan: plan) { worker, n in
            let xs = cols[worker]!.pointer
            vol2col(x.pointer, g, n0: n, cn: 1, col: xs, parallel: false)
            offsets.withUnsafeBufferPointer { off in
                mcn_direct_conv_forward(xs, off.baseAddress, g.c, 0, g.c, wr.pointer, g.o, y + n * g.o * g.l, g.l, g.l,
                                        accumulate ? 1 : 0, chunk)
            }
            let plane = g.ho * g.wo
            for tt in 0..<g.to { moments?.addRows(y, n: n, l: g.l, offset: tt * plane, count: plane) }
        }
    }

    /// dw += dy · xsᵀ (one sum per sample when they run in parallel, added in sample order) and
    /// dx (+)= the sampled positions' Wᵀ · dy (dx overwritten, zeros elsewhere, with `dxFresh`).
    // x: [N, C, T, H, W], w: [O, C, 1, 1, 1], dy: [N, O, T', H', W']
    func backward(_ x: Tensor, _ w: Tensor, _ dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>?,
                  dx: UnsafeMutablePointer<Float>?, dxFresh: Bool) {
        let cols = plan.scratch(g.c * g.l)
        defer { withExtendedLifetime(cols) {} }
        if let dw {
            var planes = mcn_direct_planes(planes: 1, q: g.l, inPlane: 0, dyPlane: 0, ldd: g.l)
            rowOffsets(g.c).withUnsafeBufferPointer { off in
                plan.runSummed(into: dw, count: g.o * g.c) { worker, n, sum in
                    let xs = cols[worker]!.pointer
                    vol2col(x.pointer, g, n0: n, cn: 1, col: xs, parallel: false)
                    mcn_direct_conv_weight_gradient(&planes, xs, off.baseAddress, g.c, dy + n * g.o * g.l, g.o, sum)
                }
            }
        }
        guard let dx else { return }
        // Wᵀ: C output channels over O taps.
        let wr = DirectConv.arrange(rows: g.c, taps: g.o) { c, o in w.pointer[o * g.c + c] }, off = rowOffsets(g.o)
        let sample = g.c * g.t * g.h * g.w
        defer { withExtendedLifetime(wr) {} }
        off.withUnsafeBufferPointer { off in
            plan.run { worker, n in
                let col = cols[worker]!.pointer
                mcn_direct_conv_forward(dy + n * g.o * g.l, off.baseAddress, g.o, 0, g.o, wr.pointer, g.c, col, g.l, g.l, 0,
                                        chunk)
                if dxFresh { (dx + n * sample).update(repeating: 0, count: sample) }
                col2vol(col, g, n0: n, cn: 1, dx: dx, parallel: false)
            }
        }
    }
}
