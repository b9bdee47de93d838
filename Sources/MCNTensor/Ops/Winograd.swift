import CTensorKernels
#if canImport(Glibc)
import Glibc
#endif

/// Stride-1 kt×3×3 convolutions with spatial padding 1 by Winograd's minimal filtering in the two
/// spatial axes, direct in time (Winograd.c): F(4×4, 3×3) on planes 32 wide (or a multiple of 64)
/// and a multiple of 8 high, 36 multiply-adds per 4×4 outputs of a channel pair and temporal tap instead of 144;
/// F(2×2, 3×3) on the smaller planes, 16 per 2×2 instead of 36. It serves the forwards of
/// layer1–3's 3×3×3 and 1×3×3 convolutions and, through the transposed convolution, their input
/// gradients; and the weight gradients of the narrow 3×3×3 ones and (with the domain channels-last,
/// WinogradChannelsLast.c) of the 16-channel 1×3×3 ones.
///
/// Each sample is copied once with its padding; groups of 16 tiles are transformed, multiplied by
/// the direct kernel (6 channels by the 16 tiles in registers, the taps being the temporal taps ×
/// channels, K = kt·C) for each of the 16 or 36 products, and transformed back. The benchmark's
/// GFLOP/s count the direct convolution's multiply-adds, so this path reads above what its
/// products run at.
///
/// Rounding: the transforms combine up to 36 terms with factors up to 8 (F(4×4)) or ±1 and ±½
/// (F(2×2)); against the direct sum the results differ by ~1e-5 (F(4×4)) and ~1e-6 (F(2×2)) of
/// the largest output (tests compare against the six loops at 1e-3 relative).
struct WinogradConv {
    let g: Conv3dGeometry
    let plan: ConvPlan
    /// Padded planes of the copy (T + 2pt) and floats between them.
    let tp, planeSize: Int
    /// off[k] = 16·k: tap k = (a, c) is row k of a transformed group (see Winograd.c).
    let offsets: [Int]
    /// Outputs a side of a tile: 4 (F(4×4, 3×3), 36 products) or 2 (F(2×2, 3×3), 16).
    let tile: Int
    /// Whether this path lays the Winograd domain out channels-last (see `fitsChannelsLast`); decided
    /// once, with the tile.
    let channelsLast: Bool
    var products: Int { tile == 4 ? 36 : 16 }

    /// On by default; MCN_CONV_WINOGRAD=0 turns it off (tests and A/B runs set it directly).
    nonisolated(unsafe) static var enabled = getenv("MCN_CONV_WINOGRAD").map { String(cString: $0) != "0" } ?? true

    /// The shapes the kernel serves, whether or not the path is switched on (either tile size).
    static func fits(_ g: Conv3dGeometry) -> Bool { fitsLargeTiles(g) || fitsSmallTiles(g) }

    /// A 3×3 spatial kernel (any temporal size), stride 1, spatial padding 1, output channels a
    /// multiple of 4, ≤ 64 channels.
    private static func fitsKernel(_ g: Conv3dGeometry) -> Bool {
        g.kernel.1 == 3 && g.kernel.2 == 3 && g.stride == (1, 1, 1) && g.padding.1 == 1 && g.padding.2 == 1
            && g.o % 4 == 0 && g.c <= maxChannels && g.o <= maxChannels
    }

    /// F(2×2, 3×3): even planes cut into whole groups of 16 tiles (rows of 2, 4, 8, 16 or a
    /// multiple of 16 tiles), and at least 32 taps (kt·C) per product: with 16 (R(2+1)D's 1×3×3
    /// over 16 channels) the transforms cost what the products save (0.79–1.04× forward,
    /// 0.86–1.03× input gradient).
    static func fitsSmallTiles(_ g: Conv3dGeometry) -> Bool {
        guard fitsKernel(g), g.h % 2 == 0, g.w % 2 == 0 else { return false }
        let (th, tw) = (g.h / 2, g.w / 2)
        return th * tw % 16 == 0 && (16 % tw == 0 || tw % 16 == 0) && g.kernel.0 * g.c >= 32
    }

    /// F(4×4, 3×3): planes whose rows hold 8, 16 or a multiple of 16 tiles of 4 (the transforms run
    /// 8 tiles a vector; with 4 a row, 16×16 planes, a one-core harness read 0.72–0.85× F(2×2)),
    /// whole groups of 16 tiles, 16 taps or more. On (MCN_WINOGRAD_LARGE_TILES=0 turns it off).
    static func fitsLargeTiles(_ g: Conv3dGeometry, switchedOn: Bool = largeTiles) -> Bool {
        guard switchedOn, fitsKernel(g), g.h % 4 == 0, g.w % 4 == 0 else { return false }
        let (th, tw) = (g.h / 4, g.w / 4)
        return th * tw % 16 == 0 && (tw == 8 || tw % 16 == 0) && g.kernel.0 * g.c >= 16
    }

    nonisolated(unsafe) static var largeTiles = getenv("MCN_WINOGRAD_LARGE_TILES").map { String(cString: $0) != "0" } ?? true

    /// Channels in and out the path is measured to win on (BENCHMARKS.md, "Winograd").
    static let maxChannels = 64

    /// The weight gradient too when the kernel has two or more temporal taps and ≤ 32 channels, by
    /// F(4×4) where it fits (r3d layer1: a one-core harness read 2.0× the direct kernel), else F(2×2)
    /// (32→32: 1.20× in process); and with one temporal tap where the domain goes channels-last
    /// (`fitsChannelsLast`: R(2+1)D's 1×3×3 16→16, 1.40 / 1.62× the direct kernel in process). Not
    /// with one temporal tap by channel (F(4×4) 0.9×, F(2×2) 0.98–1.04×) nor 64 channels (F(2×2)
    /// 0.88× its vol2col + sgemm): nil there.
    static func weightGradientTile(_ g: Conv3dGeometry) -> Int? {
        if fitsChannelsLast(g, weightGradient: true) { return fitsLargeTiles(g) ? 4 : 2 }
        guard g.kernel.0 >= 2, g.c <= 32, g.o <= 32 else { return nil }
        return fitsLargeTiles(g) ? 4 : fitsSmallTiles(g) ? 2 : nil
    }

    static func fitsWeightGradient(_ g: Conv3dGeometry) -> Bool { weightGradientTile(g) != nil }

    /// The path for g's forward (or, with `weightGradient`, its weight gradient) when it fits, is
    /// on, and its plan runs samples on their own cores (or there is one core).
    init?(_ g: Conv3dGeometry, weightGradient: Bool = false) {
        // The tile is decided once: the F(4×4) switch is read here only.
        let tile = weightGradient ? Self.weightGradientTile(g)
            : Self.fitsLargeTiles(g) ? 4 : Self.fitsSmallTiles(g) ? 2 : nil
        guard Self.enabled, let tile, let plan = ConvPlan.samplesOnCores(g) else { return nil }
        self.g = g
        self.plan = plan
        self.tile = tile
        channelsLast = Self.fitsChannelsLast(g, weightGradient: weightGradient)
        tp = g.t + 2 * g.padding.0
        planeSize = (g.h + 2) * (g.w + 2)
        offsets = (0..<g.kernel.0 * g.c).map { 16 * $0 }
    }

    /// Floats of a sample's padded copy: F(4×4)'s input transform reads 2 floats past it (in lanes
    /// it never uses), so 16 zeros follow.
    var copyCount: Int { g.c * tp * planeSize + 16 }

    /// Copies sample n of x with its padding (spatial 1, temporal g.padding.0) into xp (through
    /// `transform`, when given).
    // x: [N, C, T, H, W] -> xp: [C, tp, H + 2, W + 2] + zeros
    func pad(_ x: UnsafePointer<Float>, n: Int, into xp: UnsafeMutablePointer<Float>, transform: ConvInputTransform?) {
        mcn_pad_sample(x + n * g.c * g.t * g.h * g.w, g.c, g.t, g.h, g.w, g.padding.0, 1, 1, 1, 1, planeSize, xp, 16,
                       transform?.scale, transform?.shift)
    }

    /// U = G g Gᵀ for every output channel, temporal tap a and input channel c, arranged for the
    /// direct kernel: product ξ's [O, K] (tap k = a·C + c) in blocks of 6 or 4 channels; with
    /// `byTap`, [K, O] (the channels-last domain's products read a tap's row of all O channels).
    // w: [O, C, kt, 3, 3] -> [products, O·kt·C]
    func transformedWeights(_ w: UnsafePointer<Float>, byTap: Bool = false) -> Tensor {
        let out = Tensor(uninitialized: [products * g.o * g.kernel.0 * g.c])
        let scratch = Tensor(uninitialized: [(tile + 2) * g.o * g.c * g.kernel.0 * 3])
        mcn_winograd_weights(w, g.o, g.c, g.kernel.0, tile, byTap ? 1 : 0, out.pointer, scratch.pointer)
        withExtendedLifetime(scratch) {}
        return out
    }

    /// Whether g's Winograd domain is laid out channels-last (WinogradChannelsLast.c), for its forward
    /// (and input gradient) or, with `weightGradient`, its weight gradient: channels a multiple of 8
    /// in and of 16 out, at most 32 (the range measured); F(4×4) forwards; F(4×4) weight gradients and
    /// F(2×2) ones with two or more temporal taps. A one-core harness read 1.39–1.45× the by-channel domain on
    /// R(2+1)D's 1×3×3 16→16 forward (the same bits); in process weight gradients 1.40–1.62× the
    /// direct kernel there, 1.20–1.22× the by-channel domain on r3d's 3×3×3 16→16, 1.15–1.21× on its
    /// 32→32 (F(2×2)). Not F(2×2) forwards (0.84–0.93×: its transforms save too little for the
    /// transposes) nor its one-tap weight gradients (0.84–0.98× the direct kernel) (BENCHMARKS.md,
    /// session 10). On by default; MCN_WINOGRAD_CHANNELS_LAST=0 turns it off
    /// (`ConvolutionPaths.winogradChannelsLast`, A/B runs).
    static func fitsChannelsLast(_ g: Conv3dGeometry, weightGradient: Bool = false) -> Bool {
        guard channelsLastEnabled, g.c % 8 == 0, g.o % 16 == 0, g.c <= 32, g.o <= 32, g.w % 8 == 0 else { return false }
        return fitsLargeTiles(g) || (weightGradient && fitsSmallTiles(g) && g.kernel.0 >= 2)
    }

    nonisolated(unsafe) static var channelsLastEnabled = getenv("MCN_WINOGRAD_CHANNELS_LAST").map { String(cString: $0) != "0" } ?? true

    /// The work of y (+)= W ⊛ x, one sample a unit of the plan.
    // x: [N, C, T, H, W], w: [O, C, kt, 3, 3], y: [N, O, T', H, W]
    func forwardWork(_ x: Tensor, _ w: Tensor, into y: UnsafeMutablePointer<Float>, accumulate: Bool,
                     transform: ConvInputTransform? = nil, moments: ChannelMoments? = nil) -> SampleWork {
        if channelsLast { return channelsLastForwardWork(x, w, into: y, accumulate: accumulate, transform: transform, moments: moments) }
        let u = transformedWeights(w.pointer)
        let copies = plan.scratch(copyCount)
        let groups = plan.scratch(products * mcn_winograd_stride(tp * g.c * 16))
        let sums = plan.scratch(products * mcn_winograd_stride(g.o * 16))
        return SampleWork(plan: plan) { worker, n in
            let xp = copies[worker]!.pointer
            pad(x.pointer, n: n, into: xp, transform: transform)
            offsets.withUnsafeBufferPointer { off in
                mcn_winograd_forward_sample(xp, g.c, tp, planeSize, g.to, g.h, g.w, g.kernel.0, tile, u.pointer, g.o,
                                            off.baseAddress, groups[worker]!.pointer, sums[worker]!.pointer,
                                            y + n * g.o * g.l, accumulate ? 1 : 0, moments?.sample(n))
            }
        }
    }

    /// Floats of a sample's bordered channels-last copy: [tp][H + 2][W + 2][C].
    var channelsLastCopyCount: Int { tp * (g.h + 2) * (g.w + 2) * g.c }

    /// forwardWork with the Winograd domain channels-last (see `channelsLast`).
    // x: [N, C, T, H, W], w: [O, C, kt, 3, 3], y: [N, O, T', H, W]
    private func channelsLastForwardWork(_ x: Tensor, _ w: Tensor, into y: UnsafeMutablePointer<Float>, accumulate: Bool,
                                         transform: ConvInputTransform?, moments: ChannelMoments?) -> SampleWork {
        let (C, O, kt) = (g.c, g.o, g.kernel.0)
        let u = transformedWeights(w.pointer, byTap: true)
        let copies = plan.scratch(channelsLastCopyCount)
        let groups = plan.scratch(kt * products * 16 * C)
        let sums = plan.scratch(products * 16 * O + 4 * 64 * O)
        let (sampleIn, sampleOut) = (C * g.t * g.h * g.w, O * g.l)
        return SampleWork(plan: plan) { worker, n in
            mcn_winograd4_cl_forward_sample(x.pointer + n * sampleIn, C, g.t, g.h, g.w, g.padding.0, kt, g.to,
                                            transform?.scale, transform?.shift, u.pointer, O, copies[worker]!.pointer,
                                            groups[worker]!.pointer, sums[worker]!.pointer, y + n * sampleOut,
                                            accumulate ? 1 : 0, moments?.sample(n))
        }
    }

    /// dw += ∂L/∂W, one sample a unit: per sample S[ξ][o, (a, c)] = Σ over tiles and planes of
    /// Z(ξ) · V(ξ) with Z = A dy Aᵀ the output gradient's tiles transformed (the transpose of the
    /// output transform), summed over units in unit order, then dW = Gᵀ S G (the transpose of the
    /// weight transform): the gradient of the forward's own arithmetic, which is exactly the
    /// convolution.
    // x: [N, C, T, H, W], dy: [N, O, T', H, W], dw: [O, C, kt, 3, 3]
    /// `before(worker, n)`, when given (the channels-last domain only), runs first in each sample's
    /// unit (see conv3dBackward).
    func weightGradient(_ x: Tensor, _ dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                        transform: ConvInputTransform? = nil, before: ((Int, Int) -> Void)? = nil) {
        precondition(before == nil || channelsLast, "WinogradConv \(g.label): only the channels-last weight gradient interleaves")
        if channelsLast { channelsLastWeightGradient(x, dy, dw: dw, transform: transform, before: before); return }
        let (O, C, kt) = (g.o, g.c, g.kernel.0)
        let K = kt * C
        let sums = Tensor.zeros([products * O * K])
        let copies = plan.scratch(copyCount)
        let groups = plan.scratch(products * mcn_winograd_stride(tp * g.c * 16))
        let gradients = plan.scratch(products * mcn_winograd_stride(g.to * O * 16))
        defer {
            withExtendedLifetime(sums) {}; withExtendedLifetime(copies) {}
            withExtendedLifetime(groups) {}; withExtendedLifetime(gradients) {}
        }
        offsets.withUnsafeBufferPointer { off in
            plan.runSummed(into: sums.pointer, count: products * O * K) { worker, n, s in
                let xp = copies[worker]!.pointer
                pad(x.pointer, n: n, into: xp, transform: transform)
                mcn_winograd_weight_gradient_sample(xp, dy + n * O * g.l, g.c, tp, planeSize, g.to, g.h, g.w, kt, tile,
                                                    O, off.baseAddress, groups[worker]!.pointer,
                                                    gradients[worker]!.pointer, s)
            }
        }
        mcn_winograd_weight_gradient_back(sums.pointer, O, C, kt, tile, dw)
    }

    /// weightGradient with the Winograd domain channels-last (see `channelsLast`): the sums by tap
    /// ([ξ][K][O]), summed over units in unit order, then laid out for the weight transform.
    // x: [N, C, T, H, W], dy: [N, O, T', H, W], dw: [O, C, kt, 3, 3]
    private func channelsLastWeightGradient(_ x: Tensor, _ dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                                            transform: ConvInputTransform?, before: ((Int, Int) -> Void)?) {
        let (O, C, kt) = (g.o, g.c, g.kernel.0)
        let K = kt * C
        let sums = Tensor.zeros([products * K * O]), byOutput = Tensor(uninitialized: [products * O * K])
        let copies = plan.scratch(channelsLastCopyCount)
        let gradients = plan.scratch(g.to * g.h * g.w * O)
        let groups = plan.scratch(kt * products * 16 * C)
        let transformed = plan.scratch(products * 16 * O)
        let (sampleIn, sampleOut) = (C * g.t * g.h * g.w, O * g.l)
        plan.runSummed(into: sums.pointer, count: products * K * O) { worker, n, s in
            before?(worker, n)
            mcn_winograd_cl_weight_gradient_sample(x.pointer + n * sampleIn, dy + n * sampleOut, C, g.t, g.h, g.w,
                                                   g.padding.0, kt, g.to, tile, transform?.scale, transform?.shift, O,
                                                   copies[worker]!.pointer, gradients[worker]!.pointer,
                                                   groups[worker]!.pointer, transformed[worker]!.pointer, s)
        }
        mcn_winograd_sums_by_output(sums.pointer, O, K, products, byOutput.pointer)
        mcn_winograd_weight_gradient_back(byOutput.pointer, O, C, kt, tile, dw)
    }
}
