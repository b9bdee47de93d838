import CTensorKernels

/// The input gradient of a strided convolution by the direct kernels, one sample a unit, phase by
/// phase: the positions of dx with t ≡ φt (mod st), h ≡ φh, w ≡ φw receive dy only through the
/// kernel taps a ≡ φt + pt (mod st) (and so for b, d), from dy[t'] with t' = i + (φt + pt − a) / st
/// for dx plane t = i·st + φt. So each phase is a stride-1 convolution of dy (copied once with
/// padding) by a sub-kernel of W transposed, which the direct forward computes plane by plane; a
/// plane of dx gets its sh × sw phases computed and then interleaved into it row by row (see
/// `work`). Instead, col2vol
/// of Wᵀ · dy ran an sgemm with inner size O (16–128) into a matrix of K·L' floats a sample, and
/// scattered that back by adding.
struct StridedInputGradient {
    /// One phase's sizes in one dimension: first position, count, and its taps with their offsets
    /// into dy (t' − i).
    struct Axis {
        let first, count: Int
        let taps: [(tap: Int, shift: Int)]
    }

    /// One phase in h and w of a phase in time: its taps' offsets into the padded copy, weights
    /// arranged for the kernel, positions per plane.
    struct Phase {
        let offsets: [Int]
        let weights: Tensor
        let q: Int
    }

    /// A phase in time: its axis, and its sh × sw phases in (h, w), h-major (nil where no tap
    /// reaches: zeros; or no position is there).
    struct TimePhase {
        let t: Axis
        let planes: [Phase?]
    }

    let g: Conv3dGeometry
    let plan: ConvPlan
    /// Padding of dy's copy in each dimension, its padded sizes and plane stride.
    let pad: (Int, Int, Int)
    let tp, hp, wp, planeSize: Int
    let phases: [TimePhase]
    /// Floats between the channels of a phase's plane (its largest positions per plane).
    let q: Int

    /// Strided, not pointwise (StridedPointwise), input channels a multiple of 4 (the kernel's
    /// output here), at most 64 channels in and out. In training passes (`bench --only profile`, three
    /// alternations, backward of the layer by median, against col2vol): 3×3×3 16→32 s222 1.26×,
    /// 32→64 1.17×; 1×3×3 16→32 s122 1.23×, 32→64 1.04×; 3×1×1 32→32 s211 1.30×, 64→64 1.21×;
    /// but the 128-channel layers (64→128, 128→128) 0.74–0.85×: few positions, many taps.
    static func fits(_ g: Conv3dGeometry) -> Bool {
        g.stride != (1, 1, 1) && g.kernel != (1, 1, 1) && g.c % 4 == 0 && g.c <= 64 && g.o <= 64
    }

    /// The phases of one dimension: input size x, output size xo, kernel k, stride s, padding p.
    static func axes(x: Int, xo: Int, k: Int, s: Int, p: Int) -> [Axis] {
        (0..<s).map { phi in
            let taps = (0..<k).filter { a in ((phi + p - a) % s + s) % s == 0 }.map { a in (a, (phi + p - a) / s) }
            return Axis(first: phi, count: phi < x ? (x - phi + s - 1) / s : 0, taps: taps)
        }
    }

    /// Padding on both sides that keeps every read of a phase's valid outputs inside the copy.
    static func padding(_ axes: [Axis], xo: Int) -> Int {
        var p = 0
        for axis in axes where axis.count > 0 {
            for (_, e) in axis.taps { p = max(p, -e, axis.count - 1 + e - (xo - 1)) }
        }
        return p
    }

    /// Whether the path serves g: switched with StridedPointwise (`stridedKernelsEnabled`), and
    /// only where the samples can have their own cores.
    static func applies(to g: Conv3dGeometry) -> Bool {
        DirectConv.enabled && StridedPointwise.stridedKernelsEnabled && fits(g) && ConvPlan.samplesOnCores(g) != nil
    }

    init?(_ g: Conv3dGeometry, weights w: UnsafePointer<Float>) {
        guard Self.applies(to: g), let plan = ConvPlan.samplesOnCores(g) else { return nil }
        self.g = g
        self.plan = plan
        let at = Self.axes(x: g.t, xo: g.to, k: g.kernel.0, s: g.stride.0, p: g.padding.0)
        let ah = Self.axes(x: g.h, xo: g.ho, k: g.kernel.1, s: g.stride.1, p: g.padding.1)
        let aw = Self.axes(x: g.w, xo: g.wo, k: g.kernel.2, s: g.stride.2, p: g.padding.2)
        pad = (Self.padding(at, xo: g.to), Self.padding(ah, xo: g.ho), Self.padding(aw, xo: g.wo))
        (tp, hp, wp) = (g.to + 2 * pad.0, g.ho + 2 * pad.1, g.wo + 2 * pad.2)
        let planeSize = DirectConv.planeStride(rows: hp, width: wp)
        self.planeSize = planeSize
        let (kt, kh, kw) = g.kernel
        var phases: [TimePhase] = []
        for t in at where t.count > 0 {
            var planes: [Phase?] = []
            for h in ah { for ww in aw {
                var offsets: [Int] = [], index: [Int] = []
                for o in 0..<g.o { for (a, ea) in t.taps { for (b, eb) in h.taps { for (d, ed) in ww.taps {
                    offsets.append(o * tp * planeSize + (pad.0 + ea) * planeSize + (pad.1 + eb) * wp + pad.2 + ed)
                    index.append(((o * g.c * kt + a) * kh + b) * kw + d)
                } } } }
                guard h.count > 0, ww.count > 0, !offsets.isEmpty else { planes.append(nil); continue }
                let weights = DirectConv.arrange(rows: g.c, taps: offsets.count) { c, k in w[index[k] + c * kt * kh * kw] }
                let q = (h.count * wp + Int(MCN_DIRECT_TILE) - 1) / Int(MCN_DIRECT_TILE) * Int(MCN_DIRECT_TILE)
                planes.append(Phase(offsets: offsets, weights: weights, q: q))
            } }
            phases.append(TimePhase(t: t, planes: planes))
        }
        q = phases.flatMap { $0.planes.compactMap { $0?.q } }.max() ?? 0
        self.phases = phases
    }

    /// Floats after the copy that a plane's last tile may read past its last row.
    private var slack: Int { q + wp + Int(MCN_DIRECT_TILE) }

    /// The work of dx (+)= the input gradient, sample by sample; with `fresh` dx holds nothing yet and
    /// is overwritten. Plane by plane of dx: its sh × sw phases are computed (in cache) and then
    /// interleaved into it row by row, each line of dx written once.
    // dy: [N, O, T', H', W'], dx: [N, C, T, H, W]
    func work(_ dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, fresh: Bool) -> SampleWork {
        let (sh, sw) = (g.stride.1, g.stride.2)
        let copies = plan.scratch(g.o * tp * planeSize + slack)
        let planes = plan.scratch(sh * sw * g.c * q)
        let (sample, hw) = (g.c * g.t * g.h * g.w, g.h * g.w)
        return SampleWork(plan: plan) { worker, n in
            let dyp = copies[worker]!.pointer, buf = planes[worker]!.pointer
            mcn_pad_sample(dy + n * g.o * g.l, g.o, g.to, g.ho, g.wo, pad.0, pad.1, pad.2, 1, 1, planeSize, dyp, slack, nil, nil)
            let dxn = dx + n * sample
            var sources = [UnsafePointer<Float>?](repeating: nil, count: sh * sw)
            for phase in phases {
                for i in 0..<phase.t.count {
                    for (k, p) in phase.planes.enumerated() {
                        guard let p else { sources[k] = nil; continue }
                        let out = buf + k * g.c * q
                        p.offsets.withUnsafeBufferPointer { off in
                            mcn_direct_conv_forward(dyp + i * planeSize, off.baseAddress, off.count, 0, off.count,
                                                    p.weights.pointer, g.c, out, q, p.q, 0, DirectConv.tapChunk)
                        }
                        sources[k] = UnsafePointer(out)
                    }
                    let t = i * g.stride.0 + phase.t.first
                    mcn_phases_to_plane(sources, sh, sw, q, g.c, g.h, g.w, wp, dxn + t * hw, g.t * hw, fresh ? 0 : 1)
                }
            }
        }
    }
}
