import XCTest
@testable import MCNTensor

/// Compares an op's analytic gradient with central finite differences: the loss is
/// Σ f(inputs) ⊙ R for a fixed random R, accumulated in double; `samples` random elements of
/// every input are perturbed by ±eps.
func gradCheck(_ name: String, _ inputs: [Tensor], eps: Float = 1e-2, tol: Double = 3e-2,
               samples: Int = 20, seed: UInt64 = 7, training: Bool = true, file: StaticString = #filePath, line: UInt = #line,
               _ f: (Tape, [Variable]) -> Variable) {
    var rng = RNG(seed: seed)
    let tape = Tape(recording: true, training: training, updateRunningStats: false)
    let vars = inputs.map { tape.leaf($0) }
    let out = f(tape, vars)
    let r = Tensor.randn(out.shape, rng: &rng)
    tape.backward(out, gradient: r)
    let analytic = vars.map { $0.grad?.copy() ?? Tensor.zeros($0.shape) }

    func loss() -> Double {
        let t = Tape(recording: false, training: training, updateRunningStats: false)
        let y = f(t, inputs.map { t.constant($0) })
        var s = 0.0
        for i in 0..<y.value.count { s += Double(y.value.pointer[i]) * Double(r.pointer[i]) }
        return s
    }
    var worst = 0.0
    for (k, x) in inputs.enumerated() {
        for _ in 0..<min(samples, x.count) {
            let i = rng.int(below: x.count)
            let saved = x.pointer[i]
            x.pointer[i] = saved + eps
            let lp = loss()
            x.pointer[i] = saved - eps
            let lm = loss()
            x.pointer[i] = saved
            let fd = (lp - lm) / (2 * Double(eps))
            let a = Double(analytic[k].pointer[i])
            let err = Swift.abs(a - fd) / max(Swift.abs(a), Swift.abs(fd), 1e-2)
            worst = max(worst, err)
            if err > tol {
                XCTFail("\(name): input \(k) \(x.shapeText) element \(i): analytic \(a) vs numeric \(fd)", file: file, line: line)
                return
            }
        }
    }
    GradCheckRegistry.checked.insert(name.split(separator: ".").first.map(String.init) ?? name)
}

/// Op names whose gradient checks ran (the coverage test reads it).
enum GradCheckRegistry {
    nonisolated(unsafe) static var checked: Set<String> = []
}

/// An input for BatchNorm + ReLU whose normalised values all stay about 0.18 or more from zero (0.2
/// over the offsets' spread, ≤ 1.1), so that with a small β every output is off the ReLU's kink: each channel holds
/// ± pairs of distinct values around its own mean, in random order over samples and positions.
// -> [N, C, ...] with N·(positions) even
func kinkFreeBatchNormInput(_ shape: [Int], rng: inout RNG) -> Tensor {
    let (n, c) = (shape[0], shape[1])
    let l = shape.dropFirst(2).reduce(1, *)
    let perChannel = n * l
    precondition(perChannel % 2 == 0, "kinkFreeBatchNormInput: \(shape) has an odd count per channel")
    let x = Tensor(uninitialized: shape)
    for ch in 0..<c {
        let offsets = (0..<perChannel / 2).flatMap { k -> [Float] in
            let u = 0.2 + 0.05 * Float(k) / Float(max(1, perChannel / 64)); return [u, -u]
        }
        let order = rng.permutation(perChannel)
        let (mu, scale) = (Float(ch % 4) - 1.5, 0.5 + 0.3 * Float(ch % 4))
        for (i, k) in order.enumerated() { x[(i / l * c + ch) * l + i % l] = mu + scale * offsets[k] }
    }
    return x
}

/// Random normal entries kept at least `margin` away from zero (for ops with a kink at 0).
func awayFromZero(_ shape: [Int], margin: Float = 0.05, rng: inout RNG) -> Tensor {
    let t = Tensor.randn(shape, rng: &rng)
    for i in 0..<t.count where Swift.abs(t[i]) < margin { t[i] = t[i] < 0 ? t[i] - margin : t[i] + margin }
    return t
}

/// Distinct values spaced 0.05 apart in random order (no near-ties for max pooling).
func distinctValues(_ shape: [Int], rng: inout RNG) -> Tensor {
    let n = Tensor.elementCount(shape)
    let perm = rng.permutation(n)
    return Tensor(shape: shape, values: perm.map { Float($0) * 0.05 - Float(n) * 0.025 })
}
