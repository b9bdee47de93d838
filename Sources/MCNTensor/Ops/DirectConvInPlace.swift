import CTensorKernels

/// The direct forward without copies, for convolutions that are one tap high and wide, pad and
/// stride only in time, and whose planes fill whole tiles (R(2+1)D's 3×1×1 temporal convolutions
/// over 32 channels, and the transposed ones of their input gradients): an output plane is then
/// the input plane's own positions, so x is read in place and y written in place (A/B against
/// the copied sample, 3×1×1 32→32: forward 1.57–1.59× the vol2col path instead of 1.17–1.19).
/// Not when the planes are a multiple of 4 KB apart (32×32): the copy then spaces them out (see
/// DirectConv.planeSize). The taps go in (a, c) order, so
/// those that read inside the sample for a plane near the clip's ends (the others read temporal
/// padding, zeros) are one run: the kernel takes that run, and no padded copy is needed.
struct InPlaceTaps {
    let g: Conv3dGeometry
    /// tables[aLow]: offsets of the taps (a ≥ aLow, c) from input plane tt·st − pt + aLow.
    let tables: [[Int]]

    /// Whether g can be read in place (see the type's comment).
    static func fits(_ g: Conv3dGeometry) -> Bool {
        g.kernel.1 == 1 && g.kernel.2 == 1 && g.padding.1 == 0 && g.padding.2 == 0
            && g.stride.1 == 1 && g.stride.2 == 1 && (g.h * g.w) % Int(MCN_DIRECT_TILE) == 0
            && DirectConv.planeStride(rows: g.h, width: g.w) == g.h * g.w
    }

    init?(_ g: Conv3dGeometry) {
        guard Self.fits(g) else { return nil }
        self.g = g
        let (kt, hw) = (g.kernel.0, g.h * g.w)
        tables = (0..<kt).map { low in
            (low..<kt).flatMap { a in (0..<g.c).map { c in (c * g.t + a - low) * hw } }
        }
    }

    /// The weights in the forward kernel's blocks (mcn_direct_block), taps in (a, c) order.
    // w: [O, C, kt, 1, 1] -> [O·K]
    func arrangedWeights(_ w: UnsafePointer<Float>) -> Tensor {
        let (kt, c) = (g.kernel.0, g.c)
        return DirectConv.arrange(w, g, column: { k in k % c * kt + k / c })
    }

    /// y[n] (+)= W ⊛ x[n], plane by plane, reading x and writing y in place.
    // x: [N, C, T, H, W], wr: arrangedWeights, y: [N, O, T', H, W]
    func forward(_ x: UnsafePointer<Float>, wr: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>,
                 accumulate: Bool, moments: ChannelMoments? = nil) {
        let (hw, kt, pt, st) = (g.h * g.w, g.kernel.0, g.padding.0, g.stride.0)
        let sample = x + n * g.c * g.t * hw
        for tt in 0..<g.to {
            let first = tt * st - pt
            let low = max(0, -first), high = min(kt, g.t - first)
            guard high > low else {
                // Every tap reads padding: the plane is zero.
                if !accumulate { for o in 0..<g.o { (y + ((n * g.o + o) * g.to + tt) * hw).update(repeating: 0, count: hw) } }
                moments?.addRows(y, n: n, l: g.to * hw, offset: tt * hw, count: hw)
                continue
            }
            tables[low].withUnsafeBufferPointer { off in
                mcn_direct_conv_forward(sample + (first + low) * hw, off.baseAddress, (high - low) * g.c,
                                        low * g.c, g.k, wr, g.o, y + (n * g.o * g.to + tt) * hw, g.to * hw, hw,
                                        accumulate ? 1 : 0, DirectConv.tapChunk)
            }
            moments?.addRows(y, n: n, l: g.to * hw, offset: tt * hw, count: hw)
        }
    }
}
