import XCTest
@testable import MCNTensor

/// BatchNorm + ReLU taken into the next convolution (Tape.batchNormReLUConv3d, ConvInputTransform)
/// and batch statistics gathered by the convolutions (ChannelMoments), against the ops they stand
/// for. The gradient checks of the fused op are in OpGradientTests.
final class FusedBatchNormConvTests: XCTestCase {
    /// (input, weight, stride, padding) for each kind of path that takes the BatchNorm on the way in:
    /// F(2×2) Winograd forward and weight gradient; F(4×4) forward and weight gradient; F(4×4)
    /// forward with the direct weight gradient; temporal Winograd with the direct weight gradient
    /// (read in place); the direct kernels with spatial strides; a 3×3×3 kernel over one plane, whose
    /// outer taps read only padding (LiveTemporalTaps: F(4×4) on its middle tap).
    static let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
        ([2, 12, 2, 8, 8], [12, 12, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
        ([2, 8, 2, 16, 32], [8, 8, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
        ([2, 16, 1, 16, 32], [4, 16, 1, 3, 3], (1, 1, 1), (0, 1, 1)),
        ([2, 4, 3, 16, 16], [4, 4, 3, 1, 1], (1, 1, 1), (1, 0, 0)),
        ([2, 8, 2, 32, 32], [4, 8, 1, 3, 3], (1, 2, 2), (0, 1, 1)),
        ([2, 16, 1, 16, 32], [8, 16, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
    ]

    /// The fused op against BatchNorm + ReLU then conv3d: output, dx, dγ, dβ and dw, in training
    /// (batch statistics) and evaluation (running ones), on two workers and one.
    func testFusedOpMatchesTheTwoOps() {
        var rng = RNG(seed: 11)
        XCTAssertEqual(WinogradConv(Conv3dGeometry(input: Self.cases[1].0, weight: Self.cases[1].1, stride: (1, 1, 1),
                                                   padding: (1, 1, 1)), weightGradient: true)?.tile, 4)
        for (xs, ws, s, p) in Self.cases {
            let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
            XCTAssertTrue(ConvInputTransform.fits(g), "\(g.label) does not take the fused path")
            let c = xs[1]
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
            let gamma = Tensor.uniform([c], 0.5, 1.5, rng: &rng), beta = Tensor.randn([c], std: 0.3, rng: &rng)
            let dy = Tensor.randn(g.outputShape, rng: &rng)
            for training in [true, false] {
                for serial in [false, true] {   // two workers, one
                    func run(fused: Bool) -> [[Float]] {
                        let state = BatchNormState(runningMean: Tensor.filled([c], 0.1), runningVar: Tensor.filled([c], 1.5))
                        let t = Tape(recording: true, training: training, updateRunningStats: false)
                        let v = [x, gamma, beta, w].map { t.leaf($0.copy()) }
                        let saved = ConvolutionPaths.fusedBatchNorm
                        ConvolutionPaths.fusedBatchNorm = fused
                        defer { ConvolutionPaths.fusedBatchNorm = saved }
                        let y = t.batchNormReLUConv3d(v[0], gamma: v[1], beta: v[2], state: state, v[3], stride: s, padding: p)
                        XCTAssertEqual(t.recordedKinds.contains(.batchNormReLUConv3d), fused, g.label)
                        t.backward(y, gradient: dy)
                        return [y.value.toArray()] + v.map { $0.grad!.toArray() }
                    }
                    let (a, b) = withOneWorker(serial) { (run(fused: true), run(fused: false)) }
                    for (k, what) in ["y", "dx", "dgamma", "dbeta", "dw"].enumerated() {
                        assertClose(a[k], b[k], tol: 2e-4, "\(g.label) \(what) (training \(training), serial \(serial))")
                    }
                }
            }
        }
    }

    /// The input and weight gradients run sample by sample together (SampleWork.interleaved) against
    /// one after the other: the same bits, for a plain convolution and the fused op, on two workers
    /// and one. Every case but the last has the direct weight gradient (the last F(4×4)'s in the
    /// channels-last domain); the input gradient by the transposed convolution on F(4×4), on
    /// temporal Winograd, on the direct kernels with a padded copy and in place (whose forward takes
    /// no transform: the fused op runs as its two ops there), and by StridedInputGradient, with and
    /// without phases that receive nothing.
    func testInterleavedBackwardChangesNoBit() {
        var rng = RNG(seed: 17)
        let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
            ([3, 12, 2, 16, 32], [16, 12, 1, 3, 3], (1, 1, 1), (0, 1, 1)),   // 12 in: 16 would take Winograd's dW
            ([3, 8, 5, 16, 16], [8, 8, 3, 1, 1], (1, 1, 1), (1, 0, 0)),
            ([3, 8, 3, 16, 16], [8, 8, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
            ([3, 32, 4, 16, 16], [32, 32, 3, 1, 1], (1, 1, 1), (1, 0, 0)),
            ([3, 8, 2, 32, 32], [8, 8, 1, 3, 3], (1, 2, 2), (0, 1, 1)),
            ([3, 24, 4, 32, 32], [8, 24, 3, 1, 1], (1, 2, 2), (1, 0, 0)),
            ([3, 16, 2, 16, 32], [16, 16, 1, 3, 3], (1, 1, 1), (0, 1, 1)),   // F(4×4) dW and dX channels-last
        ]
        for (index, (xs, ws, s, p)) in cases.enumerated() {
            let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
            let c = xs[1]
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
            let gamma = Tensor.uniform([c], 0.5, 1.5, rng: &rng), beta = Tensor.randn([c], std: 0.3, rng: &rng)
            let dy = Tensor.randn(g.outputShape, rng: &rng)
            // The dispatch the case is there for.
            let t = Conv3dGeometry(input: g.outputShape, weight: [ws[1], ws[0], ws[2], ws[3], ws[4]], stride: (1, 1, 1),
                                   padding: (ws[2] - 1 - p.0, ws[3] - 1 - p.1, ws[4] - 1 - p.2))
            switch index {
            case 0: XCTAssertEqual(WinogradConv(t)?.tile, 4, g.label)
            case 1: XCTAssertNotNil(TemporalWinograd(t), g.label)
            case 2: XCTAssertNil(DirectConv(t, weightGradient: false)?.inPlace, g.label)
            case 3: XCTAssertNotNil(DirectConv(t, weightGradient: false)?.inPlace, g.label)
            case 6:
                XCTAssertEqual(WinogradConv(g, weightGradient: true)?.channelsLast, true, g.label)
                XCTAssertEqual(WinogradConv(t)?.channelsLast, true, g.label)
            default: XCTAssertNotNil(StridedInputGradient(g, weights: w.pointer), g.label)
            }
            for serial in [false, true] {
                withOneWorker(serial) {
                    let (dw, dx) = (Tensor.zeros(ws), Tensor.zeros(xs))
                    withExtendedLifetime(dy) {
                        XCTAssertTrue(conv3dBackward(x, w, dy.pointer, g, dw: dw.pointer, dx: dx.pointer, dxFresh: true,
                                                     transform: nil), "\(g.label) serial \(serial): not interleaved")
                    }
                }
                func run(interleaved: Bool, fused: Bool) -> [[Float]] {
                    let saved = ConvolutionPaths.interleavedBackward
                    ConvolutionPaths.interleavedBackward = interleaved
                    defer { ConvolutionPaths.interleavedBackward = saved }
                    let state = BatchNormState(runningMean: Tensor.zeros([c]), runningVar: Tensor.filled([c], 1))
                    let t = Tape(recording: true, training: true, updateRunningStats: false)
                    let v = [x, gamma, beta, w].map { t.leaf($0.copy()) }
                    let y = fused ? t.batchNormReLUConv3d(v[0], gamma: v[1], beta: v[2], state: state, v[3], stride: s, padding: p)
                        : t.conv3d(v[0], v[3], stride: s, padding: p)
                    t.backward(y, gradient: dy)
                    return (fused ? [0, 1, 2, 3] : [0, 3]).map { v[$0].grad!.toArray() }
                }
                for fused in [false, true] {
                    let (a, b) = withOneWorker(serial) { (run(interleaved: true, fused: fused), run(interleaved: false, fused: fused)) }
                    XCTAssertEqual(a, b, "\(g.label) fused \(fused) serial \(serial)")
                }
            }
        }
    }

    /// A path switched off between the forward and the backward (so the weight gradient can no
    /// longer take the transform): the backward writes the normalised input out and gets the same.
    func testBackwardAfterAPathIsSwitchedOff() {
        var rng = RNG(seed: 15)
        let (xs, ws) = (Self.cases[0].0, Self.cases[0].1)   // F(2×2): its weight gradient needs Winograd
        let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
        let gamma = Tensor.uniform([12], 0.5, 1.5, rng: &rng), beta = Tensor.randn([12], std: 0.3, rng: &rng)
        let state = BatchNormState(runningMean: Tensor.zeros([12]), runningVar: Tensor.filled([12], 1))
        let g = Conv3dGeometry(input: xs, weight: ws, stride: (1, 1, 1), padding: (1, 1, 1))
        func run(switchOff: Bool) -> [[Float]] {
            let t = Tape(recording: true, training: true, updateRunningStats: false)
            let v = [x, gamma, beta, w].map { t.leaf($0.copy()) }
            let y = t.batchNormReLUConv3d(v[0], gamma: v[1], beta: v[2], state: state, v[3], padding: (1, 1, 1))
            XCTAssertEqual(t.recordedKinds, [.batchNormReLUConv3d])
            let saved = ConvolutionPaths.winograd
            defer { ConvolutionPaths.winograd = saved }
            if switchOff { ConvolutionPaths.winograd = false; XCTAssertFalse(ConvInputTransform.fits(g)) }
            var r = RNG(seed: 4)
            t.backward(y, gradient: Tensor.randn(y.shape, rng: &r))
            return v.map { $0.grad!.toArray() }
        }
        let (a, b) = (run(switchOff: true), run(switchOff: false))
        for (k, what) in ["dx", "dgamma", "dbeta", "dw"].enumerated() { assertClose(a[k], b[k], tol: 2e-4, what) }
    }

    /// relu(batchNorm(x) + s) in one op against the three: output, dx, dγ, dβ and ds, in training
    /// and evaluation, with the shortcut's gradient fresh and with one already there.
    func testBatchNormAddReLUMatchesTheThreeOps() {
        var rng = RNG(seed: 14)
        let shape = [3, 5, 2, 4, 6]
        let x = Tensor.randn(shape, rng: &rng), s = Tensor.randn(shape, rng: &rng)
        let gamma = Tensor.uniform([5], 0.5, 1.5, rng: &rng), beta = Tensor.randn([5], std: 0.3, rng: &rng)
        let dy = Tensor.randn(shape, rng: &rng), earlier = Tensor.randn(shape, rng: &rng)
        for training in [true, false] {
            for shortcutHasGradient in [false, true] {
                func run(fused: Bool) -> [[Float]] {
                    let state = BatchNormState(runningMean: Tensor.filled([5], 0.1), runningVar: Tensor.filled([5], 1.5))
                    let t = Tape(recording: true, training: training, updateRunningStats: false)
                    let v = [x, gamma, beta, s].map { t.leaf($0.copy()) }
                    // A gradient reaching the shortcut before this op's backward does.
                    let other = shortcutHasGradient ? t.mul(v[3], t.constant(earlier)) : nil
                    var y = fused ? t.batchNormAddReLU(v[0], gamma: v[1], beta: v[2], state: state, v[3])
                                  : t.relu(t.add(t.batchNorm(v[0], gamma: v[1], beta: v[2], state: state), v[3]))
                    if let other { y = t.add(y, other) }
                    t.backward(y, gradient: dy)
                    return [y.value.toArray()] + v.map { $0.grad!.toArray() }
                }
                let (a, b) = (run(fused: true), run(fused: false))
                for (k, what) in ["y", "dx", "dgamma", "dbeta", "ds"].enumerated() {
                    assertClose(a[k], b[k], tol: 1e-5, "batchNormAddReLU \(what) (training \(training), earlier \(shortcutHasGradient))")
                }
            }
        }
    }

    /// Every path that gathers them: the statistics a convolution gathers equal the two-pass double
    /// sums of its output, also for outputs far from zero; the other paths leave them unfilled.
    func testGatheredMomentsMatchTwoPassSums() {
        var rng = RNG(seed: 12)
        let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int), Bool)] = [
            ([2, 16, 2, 16, 32], [8, 16, 1, 3, 3], (1, 1, 1), (0, 1, 1), true),    // Winograd F(4×4)
            ([2, 12, 2, 8, 8], [12, 12, 3, 3, 3], (1, 1, 1), (1, 1, 1), true),    // Winograd F(2×2)
            ([2, 4, 5, 16, 16], [8, 4, 3, 1, 1], (1, 1, 1), (1, 0, 0), true),     // temporal Winograd, odd T
            ([2, 8, 2, 32, 32], [4, 8, 1, 3, 3], (1, 2, 2), (0, 1, 1), true),     // direct, strided
            ([2, 32, 4, 8, 8], [32, 32, 3, 1, 1], (2, 1, 1), (1, 0, 0), true),    // direct, in place
            ([2, 16, 4, 8, 8], [32, 16, 1, 1, 1], (2, 2, 2), (0, 0, 0), true),    // strided pointwise
            ([2, 64, 2, 8, 8], [128, 64, 1, 3, 3], (1, 1, 1), (0, 1, 1), false),  // vol2col + sgemm
        ]
        for (xs, ws, s, p, gathers) in cases {
            for offset: Float in [0, 100] {
                let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
                let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
                for i in 0..<x.count { x[i] += offset }
                let moments = ChannelMoments(samples: g.n, channels: g.o)
                let y = conv3dForward(x, w, g, moments: moments)
                XCTAssertEqual(moments.filled, gathers, g.label)
                guard gathers else { continue }
                let l = g.l
                for ch in 0..<g.o {
                    var sum = 0.0
                    for n in 0..<g.n { for j in 0..<l { sum += Double(y[(n * g.o + ch) * l + j]) } }
                    let mean = sum / Double(g.n * l)
                    var sq = 0.0
                    for n in 0..<g.n { for j in 0..<l { let d = Double(y[(n * g.o + ch) * l + j]) - mean; sq += d * d } }
                    let variance = sq / Double(g.n * l)
                    let (m, v) = moments.meanVariance(channel: ch, y: y.pointer, l: l)
                    XCTAssertEqual(m, mean, accuracy: 1e-5 * (Swift.abs(mean) + variance.squareRoot()), "\(g.label) mean, offset \(offset)")
                    XCTAssertEqual(v, variance, accuracy: 1e-5 * variance, "\(g.label) variance, offset \(offset)")
                }
            }
        }
    }

    /// conv3d that gathers statistics, then BatchNorm, against the same without: the same outputs and
    /// gradients; and a BatchNorm reads the statistics only when the convolution filled them.
    func testBatchNormUsesGatheredMoments() {
        var rng = RNG(seed: 13)
        let (xs, ws) = ([2, 16, 2, 16, 32], [8, 16, 1, 3, 3])
        let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
        let gamma = Tensor.uniform([8], 0.5, 1.5, rng: &rng), beta = Tensor.randn([8], std: 0.3, rng: &rng)
        let state = BatchNormState(runningMean: Tensor.zeros([8]), runningVar: Tensor.filled([8], 1))
        func run(gather: Bool) -> [[Float]] {
            let t = Tape(recording: true, training: true, updateRunningStats: false)
            let v = [x, w].map { t.leaf($0.copy()) }
            let c = t.conv3d(v[0], v[1], padding: (0, 1, 1), gatherMoments: gather)
            XCTAssertEqual(c.channelMoments != nil, gather)
            let y = t.batchNormReLU(c, gamma: t.constant(gamma), beta: t.constant(beta), state: state)
            var r = RNG(seed: 3)
            t.backward(y, gradient: Tensor.randn(y.shape, rng: &r))
            return [y.value.toArray(), v[0].grad!.toArray(), v[1].grad!.toArray()]
        }
        let (a, b) = (run(gather: true), run(gather: false))
        for (k, what) in ["y", "dx", "dw"].enumerated() { assertClose(a[k], b[k], tol: 1e-4, what) }
    }

    /// body on one BLAS thread (one worker) or as configured.
    private func withOneWorker<R>(_ on: Bool, _ body: () -> R) -> R {
        let saved = BLAS.threads
        defer { BLAS.setThreads(saved) }
        if on { BLAS.setThreads(1) }
        return body()
    }

    private func assertClose(_ a: [Float], _ b: [Float], tol: Float, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let scale = b.map { Swift.abs($0) }.max() ?? 1
        for i in 0..<min(a.count, b.count) where Swift.abs(a[i] - b[i]) > tol * max(1, scale) {
            XCTFail("\(what): element \(i) \(a[i]) vs \(b[i])", file: file, line: line)
            return
        }
    }
}
