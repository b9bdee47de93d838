import Foundation
import MCNModel
import MCNTensor
import MCNTrain

/// `step.<network>.<mode>`: the full training step of the reference networks (8 videos × 2 views
/// of 3×8×64×64, meta head on every pair of a set), in clips per second, with its conv GFLOP/s.
let stepSuites: [BenchSuite] = [BenchSuite(prefix: "step") { report, options in
    var rng = RNG(seed: 5)
    let clips = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    let modes: [(String, MCNMethod, MetaOrder, Double)] = [
        ("contrastive", .contrastive, .firstOrder, 1), ("first-order", .mcn, .firstOrder, 1),
        ("second-order", .mcn, .secondOrder, 2),
    ]
    for name in BenchNetworks.names {
        var loss = MCNLossConfig()
        loss.negativesPerPositive = 0
        let net = MCNNetwork(backbone: BackboneSpec.preset(name)!, loss: loss)
        let (theta, buffers) = net.initialValues(seed: 1)
        let grad = Slab(count: theta.count)
        let inst = BenchNetworks.Instance(network: net, theta: theta, buffers: buffers, grads: grad,
                                          bufferViews: BufferViews(layout: net.buffers, slab: buffers))
        let flops = BenchNetworks.trainFlops(BenchNetworks.convGeometries(inst, input: clips))
        for (mode, method, order, passes) in modes where options.wants("step.\(name).\(mode)") {
            var cfg = MCNStepConfig()
            cfg.method = method
            cfg.order = order
            let step = MCNStep(network: net, config: cfg)
            let opt = SGD(count: theta.count, momentum: 0.9)
            let (seconds, cpu) = benchTimes(warmup: 1, minSeconds: options.quick ? 0.5 : 2, maxIters: 20) {
                var r = RNG(seed: 1)
                _ = step.run(theta: theta, buffers: buffers, grad: grad, clips: clips, videos: 8, rng: &r)
                opt.step(params: theta, grads: grad, lr: 1e-4)
            }
            let gflops = flops * passes / seconds / 1e9
            report.record("step.\(name).\(mode)", Double(clips.shape[0]) / seconds, unit: "clips/s",
                          extra: ["gflops": gflops, "ratio": gflops / (report.references["sgemm"] ?? .nan),
                                  "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peakResidentMB()])
        }
    }
}]

/// The process's peak resident set so far (VmHWM), in MB.
func peakResidentMB() -> Double {
    Double(ProcessStats.read()?.peakResidentBytes ?? 0) / 1_048_576
}
