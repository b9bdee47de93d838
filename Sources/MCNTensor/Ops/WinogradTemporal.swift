import CTensorKernels

/// Stride-1 3×1×1 convolutions (R(2+1)D's temporal ones) by Winograd's F(2, 3) in time
/// (Winograd.c): two output planes from four input planes, 4 multiply-adds per channel pair and
/// two outputs instead of 6. The planes of a pair are combined elementwise (no copy of the
/// sample), Qb positions at a time; each of the 4 products is a [O, C] × [C, Qb] sum on the direct
/// kernel; the pair is recombined into y. It serves forwards and, through the transposed
/// convolution (also 3×1×1, stride 1), input gradients; weight gradients stay where they were.
struct TemporalWinograd {
    let g: Conv3dGeometry
    let plan: ConvPlan
    /// Positions of a plane per block (a multiple of 16 dividing the plane).
    let qb: Int
    /// off[c] = c · row: channel c's row of the combined planes.
    let offsets: [Int]

    /// The shapes it serves, whether or not the switch (WinogradConv.enabled, shared) is on: a
    /// 3×1×1 kernel, stride 1, no spatial padding, planes a multiple of 16 positions, output
    /// channels a multiple of 4, ≤ 16 channels in and out (BENCHMARKS.md, "Winograd").
    static func fits(_ g: Conv3dGeometry) -> Bool {
        g.kernel == (3, 1, 1) && g.stride == (1, 1, 1) && g.padding.1 == 0 && g.padding.2 == 0 && g.padding.0 <= 2
            && (g.h * g.w) % 16 == 0 && g.o % 4 == 0 && g.c <= maxChannels && g.o <= maxChannels
    }

    static let maxChannels = 16

    init?(_ g: Conv3dGeometry) {
        guard WinogradConv.enabled, Self.fits(g), let plan = ConvPlan.samplesOnCores(g) else { return nil }
        self.g = g
        self.plan = plan
        let p = g.h * g.w
        qb = Self.positionsPerBlock(plane: p)
        let row = mcn_winograd_stride(qb)
        offsets = (0..<g.c).map { $0 * row }
    }

    /// A whole plane per block up to 1024 positions (32×32): in a one-core harness (16 channels,
    /// 8×32×32) blocks of 1024 ran 1.13–1.17× faster than blocks of 256 with the input coming from
    /// memory (as in a training pass) and 1.35× with it in cache; each row is read in one run of
    /// 4 KB instead of four of 1 KB. Larger planes: the largest of 1024, 512, 256 that divides
    /// them (else the whole plane).
    static func positionsPerBlock(plane p: Int) -> Int {
        if p <= 1024 { return p }
        return [1024, 512, 256].first { p % $0 == 0 } ?? p
    }

    /// The work of y (+)= W ⊛ x, one sample a unit of the plan.
    // x: [N, C, T, H, W], w: [O, C, 3, 1, 1], y: [N, O, T', H, W]
    func forwardWork(_ x: Tensor, _ w: Tensor, into y: UnsafeMutablePointer<Float>, accumulate: Bool,
                     transform: ConvInputTransform? = nil, moments: ChannelMoments? = nil) -> SampleWork {
        let u = Tensor(uninitialized: [4 * g.o * g.c])
        mcn_winograd_temporal_weights(w.pointer, g.o, g.c, u.pointer)
        let row = mcn_winograd_stride(qb)
        let combined = plan.scratch(4 * mcn_winograd_stride(g.c * row) + qb)
        let products = plan.scratch(4 * mcn_winograd_stride(g.o * row))
        let (p, sampleIn, sampleOut) = (g.h * g.w, g.c * g.t * g.h * g.w, g.o * g.l)
        return SampleWork(plan: plan) { worker, n in
            offsets.withUnsafeBufferPointer { off in
                mcn_winograd_temporal_forward_sample(x.pointer + n * sampleIn, g.c, g.t, p, g.padding.0, g.to, u.pointer,
                                                     g.o, qb, off.baseAddress, combined[worker]!.pointer,
                                                     products[worker]!.pointer, y + n * sampleOut, accumulate ? 1 : 0,
                                                     transform?.scale, transform?.shift, moments?.sample(n))
            }
        }
    }
}
