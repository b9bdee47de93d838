import Foundation
import MCNTensor

/// `sgemm`: OpenBLAS single-precision product at 1024³, the reference every ratio is taken against.
let sgemmSuite = BenchSuite(prefix: "sgemm") { report, options in
    let n = 1024
    let a = [Float](repeating: 0.5, count: n * n)
    let b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    let seconds = a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                benchTime(warmup: 2, minSeconds: options.quick ? 0.3 : 1.0) {
                    BLAS.gemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                              c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
    report.reference("sgemm", 2.0 * Double(n * n * n) / seconds / 1e9, unit: "GFLOP/s",
                     note: "1024^3, \(BLAS.threads) thread(s)")
}

/// `conv.<kernel>.<in-out>.<input THW>.<stride>.{forward,train}` for every distinct convolution
/// of the reference networks, then `backbone.<net>.{forward,train}` (the whole backbone).
let tensorSuites: [BenchSuite] = [convSuite, backboneSuite, profileSuite]

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

/// `profile.<net>`: where a backbone training pass spends its time, per op kind (printed, not
/// recorded as figures).
let profileSuite = BenchSuite(prefix: "profile") { report, options in
    var rng = RNG(seed: 4)
    let input = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    for name in BenchNetworks.names where options.wants("profile.\(name)") {
        let inst = BenchNetworks.make(name)
        let prof = OpProfile()
        var fresh = BufferPool.shared.freshAllocations
        for i in 0..<4 {
            if i == 1 { fresh = BufferPool.shared.freshAllocations }
            BenchNetworks.trainingPass(inst, input, profile: i > 0 ? prof : nil)
        }
        let now = BufferPool.shared.freshAllocations
        report.comment("profile of \(name) training pass (3 passes summed):\n" + prof.table
            + "\nper convolution (forward; backward = dW and dX; share of the pass):\n" + prof.detailTable
            + "\nfresh buffer allocations in those passes: \(now.count - fresh.count) (\(((now.floats - fresh.floats) * 4) >> 20) MB), pooled now \((BufferPool.shared.pooledFloats * 4) >> 20) MB")
    }
}
