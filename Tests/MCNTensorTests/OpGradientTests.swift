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
