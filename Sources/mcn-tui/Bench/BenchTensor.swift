import Foundation
import MCNTensor

/// `sgemm`: OpenBLAS single-precision product at 1024³, the reference every ratio is taken against.
let sgemmSuite = BenchSuite(prefix: "sgemm") { report, options in
    let seconds = withSgemmReference { product in
        benchTime(warmup: 2, minSeconds: options.quick ? 0.3 : 1.0) { product() }
    }
    report.reference("sgemm", sgemmReferenceFlops / seconds / 1e9, unit: "GFLOP/s",
                     note: "1024^3, \(BLAS.threads) thread(s)")
}

/// FLOPs of the reference product (1024³).
let sgemmReferenceFlops = 2.0 * 1024 * 1024 * 1024

/// Runs body with a closure that computes the reference product once (C = A·B at 1024³).
func withSgemmReference<R>(_ body: (() -> Void) -> R) -> R {
    let n = 1024
    let a = [Float](repeating: 0.5, count: n * n)
    let b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    return a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                body {
                    BLAS.gemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                              c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
}

/// `conv.<kernel>.<in-out>.<input THW>.<stride>.{forward,train}` for every distinct convolution
/// of the reference networks, then `backbone.<net>.{forward,train}` (the whole backbone).
let tensorSuites: [BenchSuite] = [convSuite, backboneSuite, profileSuite, pairedSuite]

let convSuite = BenchSuite(prefix: "conv") { report, options in
    var rng = RNG(seed: 3)
    let input = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    for (g, label, needDx) in BenchNetworks.distinctConvolutions(input: input) where options.wants("conv.\(label)") {
        let v = BenchNetworks.ConvOperands(g, rng: &rng)
        let tf = benchTimes(minSeconds: options.quick ? 0.1 : 0.4) { _ = conv3dForward(v.x, v.w, g) }
        let tt = benchTimes(minSeconds: options.quick ? 0.1 : 0.4) {
            _ = conv3dForward(v.x, v.w, g)
            conv3dBackward(v.x, v.w, v.dy.pointer, g, dw: v.dw.pointer, dx: needDx ? v.dx.pointer : nil)
        }
        let f = g.forwardFlops
        report.record("conv.\(label).forward", f / tf.wall / 1e9, unit: "GFLOP/s", vs: "sgemm",
                      extra: ["seconds": tf.wall, "cpu_seconds": tf.cpu])
        report.record("conv.\(label).train", f * (needDx ? 3 : 2) / tt.wall / 1e9, unit: "GFLOP/s", vs: "sgemm",
                      extra: ["seconds": tt.wall, "cpu_seconds": tt.cpu])
    }
}

let backboneSuite = BenchSuite(prefix: "backbone") { report, options in
    var rng = RNG(seed: 4)
    let input = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    for name in BenchNetworks.names where options.wants("backbone.\(name)") {
        let inst = BenchNetworks.make(name)
        let geoms = BenchNetworks.convGeometries(inst, input: input)
        let fwdFlops = geoms.reduce(0) { $0 + $1.forwardFlops }
        let tf = benchTimes(minSeconds: options.quick ? 0.3 : 1) {
            let t = Tape(recording: false)
            let p = BoundParameters(tape: t, layout: inst.network.params, values: inst.theta, grads: nil)
            _ = inst.network.backbone(t, p, inst.bufferViews, t.constant(input))
        }
        let tt = benchTimes(minSeconds: options.quick ? 0.3 : 1) { BenchNetworks.trainingPass(inst, input) }
        report.record("backbone.\(name).forward", fwdFlops / tf.wall / 1e9, unit: "GFLOP/s", vs: "sgemm",
                      extra: ["seconds": tf.wall, "cpu_seconds": tf.cpu])
        report.record("backbone.\(name).train", BenchNetworks.trainFlops(geoms) / tt.wall / 1e9, unit: "GFLOP/s",
                      vs: "sgemm", extra: ["seconds": tt.wall, "cpu_seconds": tt.cpu,
                                           "clips_per_s": Double(input.shape[0]) / tt.wall])
    }
}

/// `profile.<net>`: where a backbone training pass spends its time, per op kind and per convolution
/// (printed, not recorded as figures). Each row is its median over the passes profiled: on a shared
/// VM whose cores slow down by 2× for seconds at a time, a sum over a few passes moved single rows by
/// as much.
let profileSuite = BenchSuite(prefix: "profile") { report, options in
    var rng = RNG(seed: 4)
    let input = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    let passes = options.quick ? 5 : 9
    for name in BenchNetworks.names where options.wants("profile.\(name)") {
        let inst = BenchNetworks.make(name)
        BenchNetworks.trainingPass(inst, input)
        let fresh = BufferPool.shared.freshAllocations
        let profiles = (0..<passes).map { _ in
            let p = OpProfile()
            BenchNetworks.trainingPass(inst, input, profile: p)
            return p
        }
        let prof = OpProfile.median(profiles)
        let now = BufferPool.shared.freshAllocations
        report.comment("profile of \(name) training pass (each row its median over \(passes) passes):\n" + prof.table
            + "\nper convolution (forward; backward = dW and dX; share of the pass):\n" + prof.detailTable
            + "\nfresh buffer allocations in those passes: \(now.count - fresh.count) (\(((now.floats - fresh.floats) * 4) >> 20) MB), pooled now \((BufferPool.shared.pooledFloats * 4) >> 20) MB")
    }
}

/// `paired.backbone.<net>.train`: the training pass as a share of sgemm, measured in pairs (see
/// `PairedRatio`). Runs only when asked for (`--only paired`).
let pairedSuite = BenchSuite(prefix: "paired") { report, options in
    guard options.only.contains(where: { $0.hasPrefix("paired") }) else { return }
    var rng = RNG(seed: 4)
    let input = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    for name in BenchNetworks.names where options.wants("paired.backbone.\(name).train") {
        PairedRatio.ofPass(name, input, quick: options.quick).record(as: "paired.backbone.\(name).train", in: report)
    }
}

/// A pass as a share of sgemm, measured in pairs: each round times the reference product (best of
/// 3 calls) and then the pass (best of 2), and the value is the median over rounds of the pair's
/// ratio. On this shared VM the sgemm figure of one run swings 120–290 GFLOP/s minute to minute, so
/// a ratio to one sgemm measurement taken before the pass moves with it; a pair sees the same minute.
/// scripts/pytorch-reference.py measures PyTorch's pass the same way (`paired_ratio`, `--paired-flops`).
struct PairedRatio {
    let ratios: [Double], passes: [Double], products: [Double]

    static func rounds(quick: Bool) -> Int { quick ? 5 : 11 }

    /// Our training pass of the network `name` on `input` (clips: [16, 3, 8, 64, 64]).
    static func ofPass(_ name: String, _ input: Tensor, quick: Bool) -> PairedRatio {
        let inst = BenchNetworks.make(name)
        let flops = BenchNetworks.trainFlops(BenchNetworks.convGeometries(inst, input: input))
        return withSgemmReference { product in
            product()
            BenchNetworks.trainingPass(inst, input)
            var ratios: [Double] = [], passes: [Double] = [], products: [Double] = []
            for _ in 0..<rounds(quick: quick) {
                let s = benchTime(warmup: 0, minSeconds: 0, maxIters: 3) { product() }
                let p = benchTime(warmup: 0, minSeconds: 0, maxIters: 2) { BenchNetworks.trainingPass(inst, input) }
                products.append(sgemmReferenceFlops / s / 1e9)
                passes.append(flops / p / 1e9)
                ratios.append(passes.last! / products.last!)
            }
            return PairedRatio(ratios: ratios, passes: passes, products: products)
        }
    }

    var value: Double { median(ratios) }

    func record(as name: String, in report: BenchReport, extra: [String: Double] = [:]) {
        report.record(name, value, unit: "of sgemm",
                      extra: extra.merging(["pass_gflops": median(passes), "sgemm_gflops": median(products),
                                            "lowest": ratios.min()!, "highest": ratios.max()!]) { a, _ in a })
    }
}
