#if canImport(Glibc)
import Glibc
#endif

/// A convolution whose outer temporal taps read only padding for every output plane, computed
/// with the taps that read data: the same sums without the products with zeros. A 3-tap kernel
/// over a single plane (the tiny networks' layer4 at 8 frames: R3D's 3×3×3 128→128, R(2+1)D's
/// 3×1×1) keeps one tap of three; over two planes with temporal stride 2, two of three.
struct LiveTemporalTaps {
    /// The convolution with the live taps only (kernel kt' = taps.count, padding pt − taps.lowerBound).
    let g: Conv3dGeometry
    /// The live taps of the original kernel.
    let taps: Range<Int>
    let original: Conv3dGeometry

    /// On by default; MCN_LIVE_TAPS=0 turns it off (for A/B runs; tests set it directly).
    nonisolated(unsafe) static var enabled = getenv("MCN_LIVE_TAPS").map { String(cString: $0) != "0" } ?? true

    /// Nil when every tap reads data somewhere (or the switch is off).
    init?(_ g: Conv3dGeometry) {
        guard Self.enabled, g.kernel.0 > 1 else { return nil }
        let kt = g.kernel.0
        // Output plane t reads input plane t·st − pt + a through tap a.
        let live = (0..<kt).filter { a in
            (0..<g.to).contains { t in (0..<g.t).contains(t * g.stride.0 - g.padding.0 + a) }
        }
        guard let a0 = live.first, let last = live.last, last + 1 - a0 < kt, g.padding.0 >= a0 else { return nil }
        let reduced = Conv3dGeometry(input: [g.n, g.c, g.t, g.h, g.w], weight: [g.o, g.c, last + 1 - a0, g.kernel.1, g.kernel.2],
                                     stride: g.stride, padding: (g.padding.0 - a0, g.padding.1, g.padding.2))
        // The same output planes, each reading the same input planes (t·st − pt' + a' with a' = a − a0).
        guard reduced.to == g.to else { return nil }
        self.g = reduced
        taps = a0..<(last + 1)
        original = g
    }

    /// The kernel's live taps.
    // w: [O, C, kt, kh, kw] -> [O, C, kt', kh, kw]
    func weights(_ w: Tensor) -> Tensor {
        let out = Tensor(uninitialized: [g.o, g.c, taps.count, g.kernel.1, g.kernel.2])
        let plane = g.kernel.1 * g.kernel.2
        for oc in 0..<(g.o * g.c) {
            (out.pointer + oc * taps.count * plane).update(from: w.pointer + (oc * original.kernel.0 + taps.lowerBound) * plane,
                                                            count: taps.count * plane)
        }
        return out
    }

    /// dw's live taps += the reduced convolution's weight gradient (the others' gradient is zero).
    // dwr: [O, C, kt', kh, kw], dw: [O, C, kt, kh, kw]
    func addWeightGradient(_ dwr: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        let plane = g.kernel.1 * g.kernel.2, n = taps.count * plane
        for oc in 0..<(g.o * g.c) {
            let src = dwr + oc * n, dst = dw + (oc * original.kernel.0 + taps.lowerBound) * plane
            for i in 0..<n { dst[i] += src[i] }
        }
    }
}
