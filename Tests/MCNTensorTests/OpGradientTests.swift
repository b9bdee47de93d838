import XCTest
@testable import MCNTensor

/// One finite-difference gradient check per op (several shapes each), and a test that every op
/// of `OpKind` has one.
final class OpGradientTests: XCTestCase {
    /// Runs every check, then asserts each OpKind was covered.
    func testEveryOpHasAGradientCheck() {
        for (_, check) in Self.checks { check() }
        let missing = Set(OpKind.allCases.map(\.rawValue)).subtracting(GradCheckRegistry.checked)
        XCTAssertTrue(missing.isEmpty, "ops without a gradient check: \(missing.sorted())")
    }

    static let checks: [(String, @Sendable () -> Void)] = [
        ("conv3d", checkConv3d), ("batchNorm3d", checkBatchNorm), ("activations", checkActivations),
        ("elementwise", checkElementwise), ("pooling", checkPooling), ("linear", checkLinear),
        ("shape", checkShape), ("normalize", checkNormalize), ("losses", checkLosses),
    ]

    static func checkConv3d() {
        var rng = RNG(seed: 1)
        // (input, weight, stride, padding): the backbones' kernels plus odd sizes and strides.
        let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
            ([2, 3, 5, 7, 6], [4, 3, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
            ([2, 2, 4, 9, 9], [3, 2, 1, 3, 3], (1, 2, 2), (0, 1, 1)),
            ([1, 3, 5, 4, 4], [2, 3, 3, 1, 1], (2, 1, 1), (1, 0, 0)),
            ([3, 4, 2, 3, 3], [5, 4, 1, 1, 1], (1, 1, 1), (0, 0, 0)),
            ([2, 3, 3, 5, 5], [2, 3, 1, 1, 1], (2, 2, 2), (0, 0, 0)),
            ([1, 2, 3, 11, 11], [2, 2, 3, 7, 7], (1, 2, 2), (1, 3, 3)),
            ([2, 3, 2, 9, 7], [2, 3, 1, 7, 7], (1, 2, 2), (0, 3, 3)),
            ([2, 12, 2, 8, 8], [12, 12, 3, 3, 3], (1, 1, 1), (1, 1, 1)),   // Winograd forward, dW and dX
            ([2, 4, 5, 4, 4], [8, 4, 3, 1, 1], (1, 1, 1), (1, 0, 0)),      // temporal Winograd forward and dX
            ([2, 16, 1, 16, 32], [4, 16, 1, 3, 3], (1, 1, 1), (0, 1, 1)),  // Winograd F(4×4) forward
        ]
        for (xs, ws, s, p) in cases {
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
            gradCheck("conv3d.\(ws)", [x, w]) { t, v in t.conv3d(v[0], v[1], stride: s, padding: p) }
        }
    }

    static func checkBatchNorm() {
        var rng = RNG(seed: 2)
        let x = Tensor.randn([3, 4, 2, 3, 3], rng: &rng)
        let g = Tensor.uniform([4], 0.5, 1.5, rng: &rng), b = Tensor.randn([4], rng: &rng)
        let state = BatchNormState(runningMean: Tensor.randn([4], std: 0.1, rng: &rng),
                                   runningVar: Tensor.uniform([4], 0.5, 2, rng: &rng))
        gradCheck("batchNorm3d.train", [x, g, b], eps: 5e-3) { t, v in t.batchNorm(v[0], gamma: v[1], beta: v[2], state: state) }
        gradCheck("batchNorm3d.eval", [x, g, b], training: false) { t, v in t.batchNorm(v[0], gamma: v[1], beta: v[2], state: state) }

        // BatchNorm + ReLU: inputs whose normalised values stay off the kink (kinkFreeBatchNormInput)
        // and a small β.
        let xr = kinkFreeBatchNormInput([3, 4, 2, 3, 3], rng: &rng)
        let br = Tensor.uniform([4], -0.05, 0.05, rng: &rng)
        gradCheck("batchNormReLU3d.train", [xr, g, br], eps: 2e-3) { t, v in
            t.batchNormReLU(v[0], gamma: v[1], beta: v[2], state: state)
        }
        // Eval: running mean 0, variance 1 and β = 0 put the kink at x = 0; inputs stay away from it.
        let unit = BatchNormState(runningMean: Tensor.zeros([4]), runningVar: Tensor.filled([4], 1))
        gradCheck("batchNormReLU3d.eval", [awayFromZero([3, 4, 2, 3, 3], rng: &rng), g, Tensor.zeros([4])],
                  training: false) { t, v in
            t.batchNormReLU(v[0], gamma: v[1], beta: v[2], state: unit)
        }
        // Same values as BatchNorm then ReLU, forward and backward.
        for training in [true, false] {
            func run(_ fused: Bool) -> ([Float], [Float]) {
                let t = Tape(recording: true, training: training, updateRunningStats: false)
                let v = t.leaf(xr.copy())
                let y = fused ? t.batchNormReLU(v, gamma: t.constant(g), beta: t.constant(br), state: state)
                              : t.relu(t.batchNorm(v, gamma: t.constant(g), beta: t.constant(br), state: state))
                var r = RNG(seed: 5)
                t.backward(y, gradient: Tensor.randn(y.shape, rng: &r))
                return (y.value.toArray(), v.grad!.toArray())
            }
            let (a, b) = (run(true), run(false))
            XCTAssertEqual(a.0, b.0, "batchNormReLU forward (training \(training))")
            for i in 0..<a.1.count where Swift.abs(a.1[i] - b.1[i]) > 1e-5 * max(1, Swift.abs(b.1[i])) {
                XCTFail("batchNormReLU dx element \(i): \(a.1[i]) vs \(b.1[i]) (training \(training))"); break
            }
        }

        // A block's last BatchNorm, its residual add and the ReLU: shortcuts of |s| < 0.05 keep
        // γ·x̂ + s (|γ·x̂| ≥ 0.09) off the kink.
        let sr = Tensor.uniform([3, 4, 2, 3, 3], -0.05, 0.05, rng: &rng)
        gradCheck("batchNormAddReLU.train", [xr, g, Tensor.zeros([4]), sr], eps: 2e-3) { t, v in
            t.batchNormAddReLU(v[0], gamma: v[1], beta: v[2], state: state, v[3])
        }
        gradCheck("batchNormAddReLU.eval", [awayFromZero([3, 4, 2, 3, 3], rng: &rng), g, Tensor.zeros([4]), sr],
                  training: false) { t, v in
            t.batchNormAddReLU(v[0], gamma: v[1], beta: v[2], state: unit, v[3])
        }

        // BatchNorm + ReLU taken into the next convolution, on each kind of path that takes them.
        for (xs, ws, s, p) in FusedBatchNormConvTests.cases {
            let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
            XCTAssertTrue(ConvInputTransform.fits(g), "batchNormReLUConv3d case \(g.label) does not take the fused path")
            let c = xs[1]
            let x = kinkFreeBatchNormInput(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
            // β = 0 keeps the kink at x̂ = 0, ~0.18 or more from every normalised value: room for steps of 3e-2.
            let gc = Tensor.uniform([c], 0.5, 1.5, rng: &rng), bc = Tensor.zeros([c])
            let st = BatchNormState(runningMean: Tensor.zeros([c]), runningVar: Tensor.filled([c], 1))
            // Two output rows only: every input still reaches them through the batch statistics,
            // and a loss over the whole output (up to 65k values) rounds off more than the differences
            // of a perturbation (the composite ops are compared on all of it in FusedBatchNormConvTests).
            // In training the inputs outside the rows' reach move them only through the statistics,
            // by less than F(4×4)'s rounding (~6e-6 of the output) changes between the two sides of a
            // difference: 6% there; in evaluation those inputs move nothing, and the default holds.
            func rows(_ t: Tape, _ v: [Variable], _ st: BatchNormState) -> Variable {
                let y = t.batchNormReLUConv3d(v[0], gamma: v[1], beta: v[2], state: st, v[3], stride: s, padding: p)
                return t.slice(t.reshape(y, [y.value.count / g.wo, g.wo]), axis: 0, 0, 2)
            }
            gradCheck("batchNormReLUConv3d.\(g.label).train", [x, gc, bc, w], eps: 3e-2, tol: 6e-2) { t, v in rows(t, v, st) }
            gradCheck("batchNormReLUConv3d.\(g.label).eval", [awayFromZero(xs, rng: &rng), gc, bc, w], training: false) { t, v in
                rows(t, v, st)
            }
        }
    }

    static func checkActivations() {
        var rng = RNG(seed: 3)
        let x = awayFromZero([4, 5, 3], rng: &rng)
        gradCheck("relu", [x]) { t, v in t.relu(v[0]) }
        gradCheck("silu", [x]) { t, v in t.silu(v[0]) }
        gradCheck("softplus", [x]) { t, v in t.softplus(v[0]) }
    }

    static func checkElementwise() {
        var rng = RNG(seed: 4)
        let a = awayFromZero([3, 7], rng: &rng), b = Tensor.randn([3, 7], rng: &rng)
        gradCheck("add", [a, b]) { t, v in t.add(v[0], v[1]) }
        // a + small keeps every sum ≥ 0.04 from the ReLU's kink.
        let small = Tensor.uniform([3, 7], -0.01, 0.01, rng: &rng)
        gradCheck("addReLU", [a, small]) { t, v in t.addReLU(v[0], v[1]) }
        gradCheck("addReLU.swapped", [small, a]) { t, v in t.addReLU(v[0], t.scale(v[1], -1)) }
        gradCheck("sub", [a, b]) { t, v in t.sub(v[0], v[1]) }
        gradCheck("mul", [a, b]) { t, v in t.mul(v[0], v[1]) }
        gradCheck("scale", [a]) { t, v in t.scale(v[0], -1.7) }
        gradCheck("abs", [a]) { t, v in t.abs(v[0]) }
        gradCheck("sum", [a]) { t, v in t.sum(v[0]) }
        gradCheck("mean", [a]) { t, v in t.mean(v[0]) }
    }

    static func checkPooling() {
        var rng = RNG(seed: 5)
        let x = distinctValues([2, 3, 5, 7, 6], rng: &rng)
        gradCheck("maxPool3d.k3s2p1", [x]) { t, v in t.maxPool3d(v[0], kernel: (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1)) }
        gradCheck("maxPool3d.k122", [x]) { t, v in t.maxPool3d(v[0], kernel: (1, 2, 2), stride: (1, 2, 2)) }
        gradCheck("avgPool3d.k3s2p1", [x]) { t, v in t.avgPool3d(v[0], kernel: (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1)) }
        gradCheck("avgPool3d.k2", [x]) { t, v in t.avgPool3d(v[0], kernel: (2, 2, 2), stride: (1, 2, 1)) }
        gradCheck("globalAvgPool", [x]) { t, v in t.globalAvgPool(v[0]) }
    }

    static func checkLinear() {
        var rng = RNG(seed: 6)
        let x = Tensor.randn([5, 7], rng: &rng), w = Tensor.randn([3, 7], rng: &rng), b = Tensor.randn([3], rng: &rng)
        gradCheck("linear.bias", [x, w, b]) { t, v in t.linear(v[0], v[1], v[2]) }
        gradCheck("linear.nobias", [x, w]) { t, v in t.linear(v[0], v[1], nil) }
        let a = Tensor.randn([4, 6], rng: &rng), m = Tensor.randn([6, 5], rng: &rng), mt = Tensor.randn([5, 6], rng: &rng)
        gradCheck("matmul", [a, m]) { t, v in t.matmul(v[0], v[1]) }
        gradCheck("matmul.T", [a, mt]) { t, v in t.matmul(v[0], v[1], transposeB: true) }
    }

    static func checkShape() {
        var rng = RNG(seed: 7)
        let a = Tensor.randn([2, 3, 4], rng: &rng), b = Tensor.randn([2, 2, 4], rng: &rng)
        gradCheck("concat.axis1", [a, b]) { t, v in t.concat([v[0], v[1]], axis: 1) }
        gradCheck("concat.axis0", [a, a.copy()]) { t, v in t.concat([v[0], v[1]], axis: 0) }
        gradCheck("slice", [a]) { t, v in t.slice(v[0], axis: 2, 1, 3) }
        gradCheck("reshape", [a]) { t, v in t.reshape(v[0], [6, 4]) }
        let m = Tensor.randn([5, 3], rng: &rng)
        gradCheck("gatherRows", [m]) { t, v in t.gatherRows(v[0], [4, 0, 0, 2, 4, 4]) }
    }

    static func checkNormalize() {
        var rng = RNG(seed: 8)
        let x = Tensor.randn([4, 6], rng: &rng)
        gradCheck("l2Normalize", [x], eps: 3e-3) { t, v in t.l2Normalize(v[0]) }
    }

    static func checkLosses() {
        var rng = RNG(seed: 9)
        let x = Tensor.randn([5, 4], rng: &rng)
        gradCheck("logSoftmax", [x]) { t, v in t.logSoftmax(v[0]) }
        gradCheck("crossEntropy", [x]) { t, v in t.crossEntropy(v[0], labels: [0, 3, 2, 2, 1]) }
        let z = Tensor.randn([6, 5], rng: &rng)
        gradCheck("ntXent.2views", [z], eps: 3e-3) { t, v in
            t.ntXent(t.l2Normalize(v[0]), groups: [0, 0, 1, 1, 2, 2], temperature: 0.5)
        }
        let z4 = Tensor.randn([8, 3], rng: &rng)
        gradCheck("ntXent.4views", [z4], eps: 3e-3) { t, v in
            t.ntXent(v[0], groups: [0, 0, 0, 0, 1, 1, 1, 1], temperature: 0.7)
        }
    }
}
