import Foundation
import MCNTensor

/// `ab.direct.conv.<label>.{forward,dw,dx}` and `ab.direct.backbone.<net>`: the direct convolution kernels against
/// vol2col + sgemm in one process, call by call (A, B, A, B, ...), so that the shared machine's
/// swings hit both alike. Value: the median over rounds of (vol2col time / direct time) for one
/// call (a convolution's forward, weight gradient or input gradient; a backbone's training pass),
/// so above 1 means the direct kernels are faster. Runs only
/// when asked for (`--only ab`).
let abSuite = BenchSuite(prefix: "ab") { report, options in
    guard options.only.contains(where: { $0.hasPrefix("ab") }) else { return }
    let rounds = options.quick ? 7 : 15
    let saved = ConvolutionPaths.direct
    defer { ConvolutionPaths.direct = saved }
    var rng = RNG(seed: 3)
    let input = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    var seen = Set<String>()
    for name in BenchNetworks.names {
        let inst = BenchNetworks.make(name)
        for (i, g) in BenchNetworks.convGeometries(inst, input: input).enumerated() {
            let label = BenchNetworks.label(g)
            guard ConvolutionPaths.takesDirect(g), seen.insert(label).inserted,
                  options.wants("ab.direct.conv.\(label)") else { continue }
            let x = Tensor.randn([g.n, g.c, g.t, g.h, g.w], rng: &rng)
            let w = Tensor.randn([g.o, g.c, g.kernel.0, g.kernel.1, g.kernel.2], std: 0.1, rng: &rng)
            let dy = Tensor.randn(g.outputShape, rng: &rng)
            let dw = Tensor.zeros(w.shape), dx = Tensor.zeros(x.shape)
            let parts: [(String, () -> Void)] = [
                ("forward", { _ = conv3dForward(x, w, g) }),
                ("dw", { conv3dBackward(x, w, dy.pointer, g, dw: dw.pointer, dx: nil) }),
                ("dx", { conv3dBackward(x, w, dy.pointer, g, dw: nil, dx: dx.pointer) }),
            ]
            for (part, body) in parts where part != "dx" || i > 0 {
                let r = interleavedRatio(rounds: rounds, body)
                report.record("ab.direct.conv.\(label).\(part)", r.ratio, unit: "x",
                              extra: ["direct_seconds": r.a, "vol2col_seconds": r.b])
            }
        }
        guard options.wants("ab.direct.backbone.\(name)") else { continue }
        let r = interleavedRatio(rounds: rounds) {
            inst.grads.zero()
            let t = Tape(training: true, updateRunningStats: false)
            let p = BoundParameters(tape: t, layout: inst.network.params, values: inst.theta, grads: inst.grads)
            let h = inst.network.backbone(t, p, inst.bufferViews, t.constant(input))
            t.backward(t.mean(h))
        }
        report.record("ab.direct.backbone.\(name)", r.ratio, unit: "x", extra: ["direct_seconds": r.a, "vol2col_seconds": r.b])
    }
}

/// Runs body with the direct kernels on (A) and off (B), alternating, `rounds` times: the median of
/// the per-round ratios B/A and the median times.
private func interleavedRatio(rounds: Int, _ body: () -> Void) -> (ratio: Double, a: Double, b: Double) {
    // Each timed call follows an untimed one of the same path: switching paths leaves the caches
    // and the buffer pool set up for the other one, which read 1.2–1.3× in B's disfavour on the
    // backbone when the calls simply alternated (process-level alternation: 1.06–1.12×).
    func timed(direct: Bool) -> Double {
        ConvolutionPaths.direct = direct
        body()
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }
    let saved = ConvolutionPaths.direct
    defer { ConvolutionPaths.direct = saved }
    var ratios: [Double] = [], ta: [Double] = [], tb: [Double] = []
    for round in 0..<rounds {
        // Alternate which goes first, so neither always follows the other.
        let (a, b) = round % 2 == 0 ? (timed(direct: true), timed(direct: false))
                                    : { let b = timed(direct: false); return (timed(direct: true), b) }()
        ratios.append(b / a); ta.append(a); tb.append(b)
    }
    func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
    return (median(ratios), median(ta), median(tb))
}
