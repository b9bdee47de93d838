import Foundation
import MCNTensor

/// `ab.direct.conv.<label>.{forward,dw,dx}` and `ab.direct.backbone.<net>`: the direct convolution
/// kernels against vol2col + sgemm (`ab.winograd.…`: Winograd against the direct kernels,
/// `ab.tiles.…`: its 4×4 tiles against 2×2, `ab.wcl.…`: F(4×4) with the Winograd domain
/// channels-last against by channel, `ab.strided.…`: the strided kernels against col2vol and
/// batched products) in one process, call by call (A, B, A, B, ...), so that the shared machine's
/// swings hit both alike. Value: the median over rounds of (vol2col time / direct time) for one
/// call (a convolution's forward, weight gradient or input gradient; a backbone's training pass),
/// so above 1 means the direct kernels are faster. Runs only
/// when asked for (`--only ab`).
let abSuite = BenchSuite(prefix: "ab") { report, options in
    guard options.only.contains(where: { $0.hasPrefix("ab") }) else { return }
    let rounds = options.quick ? 7 : 15
    var rng = RNG(seed: 3)
    let input = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    // The direct kernels against vol2col + sgemm with Winograd off in both (it would serve some
    // of the same forwards); Winograd against the direct kernels.
    let winograd = ConvolutionPaths.winograd
    ConvolutionPaths.winograd = false
    abConvolutions(report, options, input: input, rounds: rounds, prefix: "ab.direct", path: \.direct,
                   takes: ConvolutionPaths.takesDirect, rng: &rng)
    ConvolutionPaths.winograd = winograd
    abConvolutions(report, options, input: input, rounds: rounds, prefix: "ab.winograd", path: \.winograd,
                   takes: ConvolutionPaths.takesWinograd, rng: &rng)
    abConvolutions(report, options, input: input, rounds: rounds, prefix: "ab.tiles", path: \.winogradLargeTiles,
                   takes: ConvolutionPaths.takesWinogradLargeTiles, parts: ["forward", "dx"], rng: &rng)
    abConvolutions(report, options, input: input, rounds: rounds, prefix: "ab.wcl", path: \.winogradChannelsLast,
                   takes: ConvolutionPaths.takesWinogradChannelsLast, rng: &rng)
    // Every convolution: AVX-512 tiles against AVX2's (only where the CPU has AVX-512).
    let wide = ConvolutionPaths.wideVectors
    if wide {
        abConvolutions(report, options, input: input, rounds: rounds, prefix: "ab.avx512", path: \.wideVectors,
                       takes: { _ in true }, rng: &rng)
    }
    // Whole training passes, each switch on against off: (prefix, switch, names of the two sides).
    let passes: [(String, ReferenceWritableKeyPath<ConvolutionPaths.Type, Bool>, String, String)] = [
        ("ab.tiles", \.winogradLargeTiles, "large", "small"),
        // F(4×4)'s Winograd domain channels-last against by channel.
        ("ab.wcl", \.winogradChannelsLast, "channels-last", "by channel"),
        ("ab.winograd", \.winograd, "winograd", "without"),
        // Temporal taps that read only padding skipped against computed.
        ("ab.taps", \.liveTemporalTaps, "skipped", "computed"),
        // Batch statistics gathered by the convolutions against summed by BatchNorm.
        ("ab.moments", \.moments, "gathered", "summed"),
        // BatchNorms taken into the next convolution or the residual add against ops of their own.
        ("ab.fused", \.fusedBatchNorm, "fused", "apart"),
        // Input and weight gradients sample by sample together against one after the other.
        ("ab.interleave", \.interleavedBackward, "interleaved", "apart"),
        ("ab.direct", \.direct, "direct", "vol2col"),
        // The strided kernels alone (StridedPointwise, StridedInputGradient) against what they replace.
        ("ab.strided", \.strided, "strided", "without"),
    ] + (wide ? [("ab.avx512", \.wideVectors, "avx-512", "avx2")] : [])
    for (prefix, path, on, off) in passes {
        abBackbones(report, options, input: input, rounds: rounds, prefix: prefix, path: path, on: on, off: off)
    }
}

/// `<prefix>.conv.<label>.{forward,dw,dx}` for every distinct convolution of the reference networks
/// that `takes` says the path serves: path on against off, one call at a time.
private func abConvolutions(_ report: BenchReport, _ options: BenchOptions, input: Tensor, rounds: Int, prefix: String,
                            path: ReferenceWritableKeyPath<ConvolutionPaths.Type, Bool>,
                            takes: (Conv3dGeometry) -> Bool, parts wanted: Set<String> = ["forward", "dw", "dx"],
                            rng: inout RNG) {
    for (g, label, needDx) in BenchNetworks.distinctConvolutions(input: input)
    where takes(g) && options.wants("\(prefix).conv.\(label)") {
        let v = BenchNetworks.ConvOperands(g, rng: &rng)
        let parts: [(String, () -> Void)] = [
            ("forward", { _ = conv3dForward(v.x, v.w, g) }),
            ("dw", { conv3dBackward(v.x, v.w, v.dy.pointer, g, dw: v.dw.pointer, dx: nil) }),
            ("dx", { conv3dBackward(v.x, v.w, v.dy.pointer, g, dw: nil, dx: v.dx.pointer) }),
        ]
        for (part, body) in parts where wanted.contains(part) && (part != "dx" || needDx) {
            let r = interleavedRatio(rounds: rounds, path: path, body)
            report.record("\(prefix).conv.\(label).\(part)", r.ratio, unit: "x", extra: ["on_seconds": r.a, "off_seconds": r.b])
        }
    }
}

/// `<prefix>.backbone.<net>`: a whole training pass of each reference network with the path on
/// against off; the medians' times as `<on>_seconds` and `<off>_seconds`.
private func abBackbones(_ report: BenchReport, _ options: BenchOptions, input: Tensor, rounds: Int, prefix: String,
                         path: ReferenceWritableKeyPath<ConvolutionPaths.Type, Bool>, on: String, off: String) {
    for name in BenchNetworks.names where options.wants("\(prefix).backbone.\(name)") {
        let inst = BenchNetworks.make(name)
        let r = interleavedRatio(rounds: rounds, path: path) { BenchNetworks.trainingPass(inst, input) }
        report.record("\(prefix).backbone.\(name)", r.ratio, unit: "x", extra: ["\(on)_seconds": r.a, "\(off)_seconds": r.b])
    }
}

/// Runs body with a path switch on (A) and off (B), alternating,
/// `rounds` times: the median of the per-round ratios B/A and the median times.
private func interleavedRatio(rounds: Int, path: ReferenceWritableKeyPath<ConvolutionPaths.Type, Bool>,
                              _ body: () -> Void) -> (ratio: Double, a: Double, b: Double) {
    // Each timed call follows an untimed one of the same path: switching paths leaves the caches
    // and the buffer pool set up for the other one, which read 1.2–1.3× in B's disfavour on the
    // backbone when the calls simply alternated (process-level alternation: 1.06–1.12×).
    func timed(direct: Bool) -> Double {
        ConvolutionPaths.self[keyPath: path] = direct
        body()
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }
    let saved = ConvolutionPaths.self[keyPath: path]
    defer { ConvolutionPaths.self[keyPath: path] = saved }
    var ratios: [Double] = [], ta: [Double] = [], tb: [Double] = []
    for round in 0..<rounds {
        // Alternate which goes first, so neither always follows the other.
        let (a, b) = round % 2 == 0 ? (timed(direct: true), timed(direct: false))
                                    : { let b = timed(direct: false); return (timed(direct: true), b) }()
        ratios.append(b / a); ta.append(a); tb.append(b)
    }
    return (median(ratios), median(ta), median(tb))
}
