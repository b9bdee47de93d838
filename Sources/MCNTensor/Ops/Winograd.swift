import CTensorKernels
#if canImport(Glibc)
import Glibc
#endif

/// Stride-1 kt×3×3 convolutions with spatial padding 1 by Winograd's minimal filtering F(2×2, 3×3)
/// in the two spatial axes, direct in time (Winograd.c): every 2×2 block of outputs of a channel
/// pair costs 16 multiply-adds per temporal tap instead of 36. It serves the forwards of layer1–3's
/// 3×3×3 and 1×3×3 convolutions and, through the transposed convolution, their input gradients.
/// The weight gradients stay on the direct kernels.
///
/// Each sample is copied once with its padding; groups of 16 tiles are transformed, multiplied by
/// the direct kernel (6 channels by the 16 tiles in registers, the taps being the temporal taps ×
/// channels, K = kt·C) for each of the 16 products, and transformed back. The benchmark's GFLOP/s
/// count the direct convolution's multiply-adds, so this path reads above what its products run at.
///
/// Rounding: the transforms add and subtract up to 16 terms with factors ±1 and ±½, so results
/// differ from the direct sum by a few units in the last place of the largest terms (tests compare
/// against double-precision loops at 1e-4 relative).
struct WinogradConv {
    let g: Conv3dGeometry
    let plan: ConvPlan
    /// Padded planes of the copy (T + 2pt) and floats between them.
    let tp, planeSize: Int
    /// off[k] = 16·k: tap k = (a, c) is row k of a transformed group (see Winograd.c).
    let offsets: [Int]

    /// On by default; MCN_CONV_WINOGRAD=0 turns it off (tests and A/B runs set it directly).
    nonisolated(unsafe) static var enabled = getenv("MCN_CONV_WINOGRAD").map { String(cString: $0) != "0" } ?? true

    /// The shapes the kernel serves, whether or not the path is switched on: a 3×3 spatial kernel
    /// (any temporal size), stride 1, spatial padding 1, even planes cut into whole groups of 16
    /// tiles (rows of 2, 4, 8, 16 or a multiple of 16 tiles), output channels a multiple of 4.
    static func fits(_ g: Conv3dGeometry) -> Bool {
        guard g.kernel.1 == 3, g.kernel.2 == 3, g.stride == (1, 1, 1), g.padding.1 == 1, g.padding.2 == 1,
              g.o % 4 == 0, g.h % 2 == 0, g.w % 2 == 0 else { return false }
        let (th, tw) = (g.h / 2, g.w / 2)
        return th * tw % 16 == 0 && (16 % tw == 0 || tw % 16 == 0) && g.c <= maxChannels && g.o <= maxChannels
    }

    /// Channels in and out the path is measured to win on (BENCHMARKS.md, "Winograd").
    static let maxChannels = 64

    init?(_ g: Conv3dGeometry) {
        guard Self.enabled, Self.fits(g), let plan = ConvPlan.samplesOnCores(g) else { return nil }
        self.g = g
        self.plan = plan
        tp = g.t + 2 * g.padding.0
        planeSize = (g.h + 2) * (g.w + 2)
        offsets = (0..<g.kernel.0 * g.c).map { 16 * $0 }
    }

    /// U = G g Gᵀ for every output channel, temporal tap a and input channel c, arranged for the
    /// direct kernel: product ξ's [O, K] (tap k = a·C + c) in blocks of 6 or 4 channels.
    // w: [O, C, kt, 3, 3] -> [16, O·kt·C]
    func transformedWeights(_ w: UnsafePointer<Float>) -> Tensor {
        let (O, C, kt) = (g.o, g.c, g.kernel.0)
        let K = kt * C
        // G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
        let G: [[Float]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        var u = [Float](repeating: 0, count: 16 * O * K)
        for o in 0..<O { for c in 0..<C { for a in 0..<kt {
            let f = w + ((o * C + c) * kt + a) * 9
            for i in 0..<4 { for e in 0..<4 {
                var s: Float = 0
                for r in 0..<3 { for q in 0..<3 { s += G[i][r] * f[r * 3 + q] * G[e][q] } }
                u[((i * 4 + e) * O + o) * K + a * C + c] = s
            } }
        } } }
        let out = Tensor(uninitialized: [16 * O * K])
        for xi in 0..<16 {
            let arranged = DirectConv.arrange(rows: O, taps: K) { o, k in u[(xi * O + o) * K + k] }
            (out.pointer + xi * O * K).update(from: arranged.pointer, count: O * K)
        }
        return out
    }

    /// y (+)= W ⊛ x, one sample a unit of the plan.
    // x: [N, C, T, H, W], w: [O, C, kt, 3, 3], y: [N, O, T', H, W]
    func forward(_ x: Tensor, _ w: Tensor, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let u = transformedWeights(w.pointer)
        let copies = plan.scratch(g.c * tp * planeSize)
        let groups = plan.scratch(16 * mcn_winograd_stride(tp * g.c * 16))
        let products = plan.scratch(16 * mcn_winograd_stride(g.o * 16))
        defer {
            withExtendedLifetime(u) {}; withExtendedLifetime(copies) {}
            withExtendedLifetime(groups) {}; withExtendedLifetime(products) {}
        }
        let (sampleIn, sampleOut) = (g.c * g.t * g.h * g.w, g.o * g.l)
        offsets.withUnsafeBufferPointer { off in
            plan.run { worker, n in
                let xp = copies[worker]!.pointer
                mcn_pad_sample(x.pointer + n * sampleIn, g.c, g.t, g.h, g.w, g.padding.0, 1, 1, 1, 1, planeSize, xp, 0)
                mcn_winograd_forward_sample(xp, g.c, tp, planeSize, g.to, g.h, g.w, g.kernel.0, u.pointer, g.o,
                                            off.baseAddress, groups[worker]!.pointer, products[worker]!.pointer,
                                            y + n * sampleOut, accumulate ? 1 : 0)
            }
        }
    }
}
