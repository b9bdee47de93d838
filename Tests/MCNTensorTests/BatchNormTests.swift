import XCTest
import CTensorKernels
@testable import MCNTensor

final class BatchNormTests: XCTestCase {
    /// The one-pass moments against a two-pass reference in double, on channels whose mean is far
    /// larger than their spread (1e6 against 1): the shifted sums keep the variance.
    func testStatisticsOfChannelsFarFromZero() {
        var rng = RNG(seed: 5)
        let (n, c, l) = (4, 3, 1000)
        let x = Tensor.randn([n, c, 10, 10, 10], rng: &rng)
        for i in 0..<x.count { x.pointer[i] += 1_000_000 + Float(i / l % c) * 100_000 }
        let mean = Tensor.zeros([c]), variance = Tensor.zeros([c])
        let state = BatchNormState(runningMean: mean, runningVar: variance, momentum: 1)
        let t = Tape(training: true)
        _ = t.batchNorm(t.constant(x), gamma: t.constant(Tensor.filled([c], 1)), beta: t.constant(Tensor.zeros([c])), state: state)
        for ch in 0..<c {
            var values: [Double] = []
            for s in 0..<n { for j in 0..<l { values.append(Double(x[(s * c + ch) * l + j])) } }
            let m = values.reduce(0, +) / Double(values.count)
            let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
            XCTAssertEqual(Double(mean[ch]), m, accuracy: 1e-6 * m, "channel \(ch) mean")
            XCTAssertEqual(Double(variance[ch]), v, accuracy: 1e-5 * v, "channel \(ch) variance")
        }
    }

    /// mcn_bn_backward_sums (float over runs of 256, added in double) against sums in double, with
    /// and without the ReLU mask, on rows that are not a whole number of runs.
    func testBackwardSumsMatchDoubleSums() {
        var rng = RNG(seed: 6)
        let (n, l) = (3, 700)
        let x = Tensor.randn([n * l], rng: &rng), dy = Tensor.randn([n * l], rng: &rng)
        let (ra, rb, mu, iv): (Float, Float, Float, Float) = (1.3, 0.2, 0.1, 1.7)
        for relu in [false, true] {
            var sdy = 0.0, sdyx = 0.0
            mcn_bn_backward_sums(x.pointer, dy.pointer, relu ? 1 : 0, ra, rb, n, l, l, mu, iv, &sdy, &sdyx)
            var a = 0.0, b = 0.0, scale = 0.0
            for i in 0..<n * l {
                let g = !relu || x[i] * ra + rb > 0 ? Double(dy[i]) : 0
                a += g
                b += g * Double((x[i] - mu) * iv)
                scale += Swift.abs(g) * Swift.abs(Double((x[i] - mu) * iv))
            }
            XCTAssertEqual(sdy, a, accuracy: 1e-5 * Double(n * l), "relu \(relu)")
            XCTAssertEqual(sdyx, b, accuracy: 1e-6 * scale, "relu \(relu)")
        }
    }
}
