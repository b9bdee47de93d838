import Foundation
import MCNModel
import MCNTensor
import MCNTrain

/// One of the training-step modes the bench times.
struct StepMode: Sendable {
    let name: String
    let method: MCNMethod
    let order: MetaOrder
    /// Backbone passes per step relative to a contrastive step (second order runs two more on S).
    let passes: Double

    static let all = [
        StepMode(name: "contrastive", method: .contrastive, order: .firstOrder, passes: 1),
        StepMode(name: "first-order", method: .mcn, order: .firstOrder, passes: 1),
        StepMode(name: "second-order", method: .mcn, order: .secondOrder, passes: 2),
    ]
}

/// `step.<network>.<mode>`: the full training step of the reference networks (8 videos × 2 views
/// of 3×8×64×64, meta head on every pair of a set), in clips per second, with its conv GFLOP/s.
let stepSuites: [BenchSuite] = [BenchSuite(prefix: "step") { report, options in
    var rng = RNG(seed: 5)
    let clips = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    for name in BenchNetworks.names {
        for mode in StepMode.all where options.wants("step.\(name).\(mode.name)") {
            let (seconds, cpu, flops) = stepSeconds(name, mode, clips, quick: options.quick)
            let gflops = flops / seconds / 1e9
            report.record("step.\(name).\(mode.name)", Double(clips.shape[0]) / seconds, unit: "clips/s",
                          extra: ["gflops": gflops, "ratio": gflops / (report.references["sgemm"] ?? .nan),
                                  "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peakResidentMB()])
        }
    }
}]

/// Best wall and CPU seconds of one training step (step + SGD update) of network `name` in `mode`,
/// and the conv FLOPs of that step.
// clips: [16, 3, 8, 64, 64], 8 videos × 2 views
func stepSeconds(_ name: String, _ mode: StepMode, _ clips: Tensor, quick: Bool) -> (wall: Double, cpu: Double, flops: Double) {
    var loss = MCNLossConfig()
    loss.negativesPerPositive = 0
    let net = MCNNetwork(backbone: BackboneSpec.preset(name)!, loss: loss)
    let (theta, buffers) = net.initialValues(seed: 1)
    let grad = Slab(count: theta.count)
    let inst = BenchNetworks.Instance(network: net, theta: theta, buffers: buffers, grads: grad,
                                      bufferViews: BufferViews(layout: net.buffers, slab: buffers))
    let flops = BenchNetworks.trainFlops(BenchNetworks.convGeometries(inst, input: clips)) * mode.passes
    var cfg = MCNStepConfig()
    cfg.method = mode.method
    cfg.order = mode.order
    let step = MCNStep(network: net, config: cfg)
    let opt = SGD(count: theta.count, momentum: 0.9)
    let t = benchTimes(warmup: 1, minSeconds: quick ? 0.5 : 2, maxIters: 20) {
        var r = RNG(seed: 1)
        _ = step.run(theta: theta, buffers: buffers, grad: grad, clips: clips, videos: 8, rng: &r)
        opt.step(params: theta, grads: grad, lr: 1e-4)
    }
    return (t.wall, t.cpu, flops)
}

/// The process's peak resident set so far (VmHWM), in MB.
func peakResidentMB() -> Double {
    Double(ProcessStats.read()?.peakResidentBytes ?? 0) / 1_048_576
}
