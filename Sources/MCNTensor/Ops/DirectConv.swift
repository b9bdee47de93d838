import CTensorKernels
#if canImport(Glibc)
import Glibc
#endif

/// Direct convolution of the narrow layers with wide outputs, without vol2col or sgemm: the stems,
/// first two stages and layer3 forwards of both tiny networks, and the transposed convolutions
/// that give the stride-1 ones' input gradients (which shapes exactly: `fits`).
///
/// Each sample is copied once with its padding and split by phase of the spatial strides,
/// xp: [C, sh, sw, tp, hs, ws] (tp = T + 2pt, hs = ⌈(H + 2ph) / sh⌉, ws = ⌈(W + 2pw) / sw⌉; with
/// stride 1 simply the padded sample). An output plane is then one run of positions q = i·ws + j at
/// the copy's row width (the columns j ≥ wo are computed and thrown away: 2 of 34 for layer1), and
/// kernel tap (c, a, b, d) reads xp at q + offset: padded row i·sh + b is row i + b / sh of phase
/// b % sh, and so for columns, so every tap is a fixed offset. The C kernels (DirectConv.c) keep a
/// tile of outputs in registers and stream the taps past it, reading the copy in place: no vol2col
/// matrix is written, and no GEMM packs one.
struct DirectConv {
    let g: Conv3dGeometry
    /// Sizes of the copy: padded planes, and rows and row width of one phase of a plane.
    let tp, hs, ws: Int
    /// Positions computed per output plane: ho·ws rounded up to a tile (16).
    let q: Int
    /// Offset in xp of each kernel tap (c, a, b, d): w's own order, so tap k is column k of w: [O, K].
    let offsets: [Int]
    /// For a forward that reads x in place instead of the copy (see InPlaceTaps).
    let inPlace: InPlaceTaps?

    /// On by default; MCN_CONV_DIRECT=0 turns it off (tests set it directly).
    nonisolated(unsafe) static var enabled = getenv("MCN_CONV_DIRECT").map { String(cString: $0) != "0" } ?? true

    /// Taps per pass of the forward kernel over a plane (see DirectConv.c).
    static let tapChunk = 128

    /// Whether g is one of the convolutions this path serves (see `fits`) and the path is on.
    static func applies(to g: Conv3dGeometry, weightGradient: Bool = true) -> Bool {
        enabled && fits(g, weightGradient: weightGradient)
    }

    /// The shapes the kernels serve, whether or not the path is switched on (the measured range;
    /// BENCHMARKS.md, "Direct convolution kernels"). All: output channels a multiple of 4, not
    /// pointwise.
    ///
    /// The weight gradient: ≤ 32 channels in and out, output planes of ≥ 256 positions. On the
    /// 64-channel layers' 8×8 planes it read 0.60–1.16× the vol2col path (a batched sgemm over all
    /// samples wins there); with 128 channels on 8×8 and 4×4, 0.19–0.33×.
    ///
    /// The forward (and so a stride-1 input gradient, a forward of the transposed kernel): 64 taps
    /// or more (with fewer, copying the sample in and the planes out costs more than the kernel
    /// saves: R(2+1)D's 3×1×1 over 16 channels read 0.84–0.92×, and 0.70–0.91× in place); ≤ 32
    /// channels with planes of ≥ 64 positions, or ≤ 64 channels with planes of 64–255 positions
    /// (r3d and R(2+1)D layer3: 1.11–1.92× forward, 1.06–1.88× dX); not the 128-channel layers
    /// (0.66–0.88×).
    ///
    /// Spatial strides too: with the phase-split copy gathered 8 floats a step, the strided
    /// 16-channel layers read 1.02–1.39× (forward) and 1.06–1.21× (dW), the stems 1.37–1.38 /
    /// 1.51–1.67 (a scalar gather had the 16-channel ones at 0.75–0.92×).
    static func fits(_ g: Conv3dGeometry, weightGradient: Bool = true) -> Bool {
        let plane = g.ho * g.wo
        guard g.o % 4 == 0, !g.isPointwise, g.kernel != (1, 1, 1) else { return false }
        if weightGradient { return g.o <= 32 && g.c <= 32 && plane >= 256 }
        return g.k >= 64 && plane >= 64 && ((g.o <= 32 && g.c <= 32) || (g.o <= 64 && g.c <= 64 && plane < 256))
    }

    /// One sample a unit, as the kernels work on one sample at a time, single-threaded.
    let plan: ConvPlan

    /// The path for g when it applies and its plan runs samples on their own cores (or there is
    /// one core). `weightGradient`: for the weight gradient, else for the forward.
    init?(_ g: Conv3dGeometry, weightGradient: Bool) {
        guard Self.applies(to: g, weightGradient: weightGradient), let plan = ConvPlan.samplesOnCores(g) else { return nil }
        self.plan = plan
        self.g = g
        let (sh, sw) = (g.stride.1, g.stride.2)
        tp = g.t + 2 * g.padding.0
        hs = (g.h + 2 * g.padding.1 + sh - 1) / sh
        ws = (g.w + 2 * g.padding.2 + sw - 1) / sw
        planeSize = Self.planeStride(rows: hs, width: ws)
        q = (g.ho * ws + Int(MCN_DIRECT_TILE) - 1) / Int(MCN_DIRECT_TILE) * Int(MCN_DIRECT_TILE)
        let (kt, kh, kw) = g.kernel
        var offsets: [Int] = []
        offsets.reserveCapacity(g.k)
        for c in 0..<g.c { for a in 0..<kt { for b in 0..<kh { for d in 0..<kw {
            let phase = (c * sh + b % sh) * sw + d % sw
            offsets.append((phase * tp + a) * planeSize + b / sh * ws + d / sw)
        } } } }
        self.offsets = offsets
        inPlace = weightGradient ? nil : InPlaceTaps(g)
    }

    /// Floats between the copy's planes (see `planeStride`).
    let planeSize: Int

    /// One phase plane of hs rows of ws, plus 64 floats when that comes within 32 floats of a
    /// multiple of 1024 (4 KB): taps reading planes 4 KB apart share the same L1 sets (on 32×32
    /// planes and 48 taps a one-core harness read 46–48 GFLOP/s at a 1024-float stride and 75–81
    /// at 1040–1088).
    static func planeStride(rows hs: Int, width ws: Int) -> Int {
        let r = hs * ws % 1024
        return r < 32 || r > 992 ? hs * ws + 64 : hs * ws
    }

    /// Floats of the copy plus the zeros after it that the last plane's last tile may read.
    var paddedCount: Int { g.c * g.stride.1 * g.stride.2 * tp * planeSize + q }

    /// Floats of one plane's output at the copy's row width: [O, q].
    var planeCount: Int { g.o * q }

    /// Floats of one sample's output gradient at the copy's row width: [O, T', q].
    var sampleGradientCount: Int { g.o * g.to * q }

    /// Copies sample n of x into xp with its padding, split by phase of the spatial strides (and
    /// through `transform`, when given).
    // x: [N, C, T, H, W] -> xp: [C, sh, sw, tp, hs, ws] + zeros
    func pad(_ x: UnsafePointer<Float>, n: Int, into xp: UnsafeMutablePointer<Float>, transform: ConvInputTransform? = nil) {
        mcn_pad_sample(x + n * g.c * g.t * g.h * g.w, g.c, g.t, g.h, g.w,
                       g.padding.0, g.padding.1, g.padding.2, g.stride.1, g.stride.2, planeSize, xp, q,
                       transform?.scale, transform?.shift)
    }

    /// The weights in the forward kernel's blocks of 6 or 4 output channels (mcn_direct_block):
    /// channel o0 + i of the block at o0, tap k, at o0·K + k·block + i.
    // w: [O, K] -> [O·K]
    func arrangedWeights(_ w: UnsafePointer<Float>) -> Tensor { Self.arrange(w, g, column: { $0 }) }

    /// The weights in the forward kernel's blocks, tap k taken from column `column(k)` of w.
    // w: [O, K] -> [O·K]
    static func arrange(_ w: UnsafePointer<Float>, _ g: Conv3dGeometry, column: (Int) -> Int) -> Tensor {
        arrange(rows: g.o, taps: g.k) { o, k in w[o * g.k + column(k)] }
    }

    /// `rows` output channels' weights over `taps` taps in the forward kernel's blocks of 6 or 4
    /// (mcn_direct_block): channel o0 + i of the block at o0, tap k, at o0·taps + k·block + i.
    // -> [rows·taps]
    static func arrange(rows: Int, taps: Int, weight: (_ row: Int, _ tap: Int) -> Float) -> Tensor {
        let out = Tensor(uninitialized: [rows * taps])
        let p = out.pointer
        var o0 = 0
        while o0 < rows {
            let ob = mcn_direct_block(rows - o0)
            for k in 0..<taps { for i in 0..<ob { p[o0 * taps + k * ob + i] = weight(o0 + i, k) } }
            o0 += ob
        }
        return out
    }

    /// y[n] (+)= W ⊛ x[n] for the padded sample xp, plane by plane through `plane` ([O, q] scratch).
    // xp: pad(...), wr: arrangedWeights, y: [N, O, T', H', W']
    func forward(xp: UnsafePointer<Float>, wr: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>,
                 accumulate: Bool, plane: UnsafeMutablePointer<Float>, moments: ChannelMoments? = nil) {
        let (L, outPlane) = (g.l, g.ho * g.wo)
        offsets.withUnsafeBufferPointer { off in
            for tt in 0..<g.to {
                mcn_direct_conv_forward(xp + tt * g.stride.0 * planeSize, off.baseAddress, g.k, 0, g.k, wr, g.o,
                                        plane, q, q, 0, Self.tapChunk)
                var source: UnsafePointer<Float>? = UnsafePointer(plane)
                mcn_phases_to_plane(&source, 1, 1, q, g.o, g.ho, g.wo, ws, y + n * g.o * L + tt * outPlane, L,
                                    accumulate ? 1 : 0)
                moments?.addRows(y, n: n, l: L, offset: tt * outPlane, count: outPlane)
            }
        }
    }

    /// Whether an output plane is already laid out as the kernels read it: rows as wide as the
    /// copy's (no spatial padding nor stride: the 3×1×1 convolutions) and a whole number of tiles.
    var outputRowsAsCopied: Bool { ws == g.wo && q == g.ho * g.wo }

    /// dw += dy[n] · (taps of xp)ᵀ: the output gradient of the sample is first laid out at the
    /// copy's row width (zeros in the thrown-away columns) in `dyp`: [O, T', q] — unless it is
    /// already (`outputRowsAsCopied`): then read in place (and `dyp` may be nil).
    // xp: pad(...), dy: [N, O, T', H', W'], dw: [O, C, kt, kh, kw]
    func weightGradient(xp: UnsafePointer<Float>, dy: UnsafePointer<Float>, n: Int, dw: UnsafeMutablePointer<Float>,
                        dyp: UnsafeMutablePointer<Float>?) {
        let (L, outPlane) = (g.l, g.ho * g.wo)
        let source: UnsafePointer<Float>
        if outputRowsAsCopied {
            source = dy + n * g.o * L
        } else {
            guard let dyp else { preconditionFailure("DirectConv.weightGradient \(g.label): no buffer for the output gradient") }
            for tt in 0..<g.to {
                mcn_rows_to_padded(dy + n * g.o * L + tt * outPlane, L, g.o, g.ho, g.wo, ws, q, dyp + tt * q, g.to * q)
            }
            source = UnsafePointer(dyp)
        }
        var planes = mcn_direct_planes(planes: g.to, q: q, inPlane: g.stride.0 * planeSize, dyPlane: q, ldd: g.to * q)
        offsets.withUnsafeBufferPointer { off in
            mcn_direct_conv_weight_gradient(&planes, xp, off.baseAddress, g.k, source, g.o, dw)
        }
    }
}

/// Switches between the convolution paths, for in-process A/B measurements (`mcn-tui bench --only ab`).
public enum ConvolutionPaths {
    /// Whether the direct kernels serve the convolutions they apply to (else vol2col + sgemm).
    public static var direct: Bool {
        get { DirectConv.enabled }
        set { DirectConv.enabled = newValue }
    }

    /// Whether the direct kernels' register tiles (the direct forward and weight gradient, the
    /// channels-last Winograd products and sums) and the channels-last F(4×4) transforms run with
    /// AVX-512 vectors, else AVX2's. On by default where the CPU has AVX-512 (always off where it
    /// has not); MCN_AVX512=0 turns it off.
    public static var wideVectors: Bool {
        get { mcn_wide_vectors() != 0 }
        set { mcn_set_wide_vectors(newValue ? 1 : 0) }
    }

    /// Whether the strided kernels serve the convolutions they apply to: the pointwise shortcuts
    /// (StridedPointwise) and the input gradients of the other strided ones (StridedInputGradient).
    public static var strided: Bool {
        get { StridedPointwise.stridedKernelsEnabled }
        set { StridedPointwise.stridedKernelsEnabled = newValue }
    }

    /// Whether Winograd serves the convolutions it fits: F(4×4, 3×3) and F(2×2, 3×3) forwards,
    /// stride-1 input gradients and the narrow 3×3×3 layers' weight gradients, F(2, 3) temporal
    /// forwards and input gradients (see WinogradConv, TemporalWinograd).
    public static var winograd: Bool {
        get { WinogradConv.enabled }
        set { WinogradConv.enabled = newValue }
    }

    /// Whether F(4×4) Winograd forwards, input gradients and weight gradients lay the Winograd
    /// domain out channels-last where the channels allow (WinogradConv.fitsChannelsLast), else by
    /// channel (and one-tap weight gradients go to the direct kernel).
    public static var winogradChannelsLast: Bool {
        get { WinogradConv.channelsLastEnabled }
        set { WinogradConv.channelsLastEnabled = newValue }
    }

    /// Whether convolutions skip the temporal taps that read only padding (LiveTemporalTaps).
    public static var liveTemporalTaps: Bool {
        get { LiveTemporalTaps.enabled }
        set { LiveTemporalTaps.enabled = newValue }
    }

    /// Whether a BatchNorm + ReLU before a convolution runs inside it where the convolution's paths
    /// allow (Tape.batchNormReLUConv3d), and a block's last BatchNorm inside its residual add
    /// (Tape.batchNormAddReLU, used by the backbones); else the ops one after the other.
    public static var fusedBatchNorm: Bool {
        get { ConvInputTransform.fusedEnabled }
        set { ConvInputTransform.fusedEnabled = newValue }
    }

    /// Whether the convolutions that compute one sample at a time gather the batch statistics of
    /// their output for the BatchNorm after them (ChannelMoments; else BatchNorm sums them itself).
    public static var moments: Bool {
        get { ChannelMoments.enabled }
        set { ChannelMoments.enabled = newValue }
    }

    /// Whether input and weight gradients that both run one sample a unit run sample by sample
    /// together (SampleWork.interleaved), else one after the other.
    public static var interleavedBackward: Bool {
        get { SampleWork.interleaved }
        set { SampleWork.interleaved = newValue }
    }

    /// Whether the direct kernels would serve g (with the switch on).
    public static func takesDirect(_ g: Conv3dGeometry) -> Bool {
        DirectConv.fits(g, weightGradient: true) || DirectConv.fits(g, weightGradient: false)
    }

    /// Whether Winograd's F(4×4, 3×3) serves the planes it fits (else F(2×2, 3×3) where that fits).
    public static var winogradLargeTiles: Bool {
        get { WinogradConv.largeTiles }
        set { WinogradConv.largeTiles = newValue }
    }

    /// Whether Winograd (spatial or temporal) would serve g's forward (with the switch on).
    public static func takesWinograd(_ g: Conv3dGeometry) -> Bool { WinogradConv.fits(g) || TemporalWinograd.fits(g) }

    /// Whether F(4×4, 3×3) would serve g's forward (with its switch on).
    public static func takesWinogradLargeTiles(_ g: Conv3dGeometry) -> Bool {
        WinogradConv.fitsLargeTiles(g, switchedOn: true)
    }

    /// Whether the channels-last Winograd domain takes g's forward when switched on (for `ab.wcl`).
    public static func takesWinogradChannelsLast(_ g: Conv3dGeometry) -> Bool {
        let saved = WinogradConv.channelsLastEnabled
        WinogradConv.channelsLastEnabled = true
        defer { WinogradConv.channelsLastEnabled = saved }
        return WinogradConv.fitsChannelsLast(g)
    }
}
