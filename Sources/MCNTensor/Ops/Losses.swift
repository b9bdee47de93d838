import Foundation

/// Row-wise log-softmax into `out`, skipping the entries where `mask` (if given) is false.
// x, out: [N, K]
@inline(__always)
func logSoftmaxRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, n: Int, k: Int,
                    skipDiagonal: Bool = false) {
    for r in 0..<n {
        let p = x + r * k, q = out + r * k
        var m = -Float.infinity
        for j in 0..<k where !(skipDiagonal && j == r) { m = max(m, p[j]) }
        var s: Double = 0
        for j in 0..<k where !(skipDiagonal && j == r) { s += Double(exp(p[j] - m)) }
        let lse = m + Float(log(s))
        for j in 0..<k { q[j] = (skipDiagonal && j == r) ? -Float.infinity : p[j] - lse }
    }
}

extension Tape {
    /// log(softmax(x)) over each row.
    // x: [N, K] -> [N, K]
    public func logSoftmax(_ x: Variable) -> Variable {
        precondition(x.shape.count == 2, "logSoftmax: input \(x.value.shapeText) is not [N, K]")
        let n = x.shape[0], k = x.shape[1]
        let y = Tensor(uninitialized: x.shape)
        logSoftmaxRows(x.value.pointer, y.pointer, n: n, k: k)
        return output(.logSoftmax, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer(), yp = out.value.pointer
                for r in 0..<n {
                    var s: Float = 0
                    for j in 0..<k { s += dy[r * k + j] }
                    for j in 0..<k { dx[r * k + j] += dy[r * k + j] - exp(yp[r * k + j]) * s }
                }
            }
        }
    }

    /// Mean cross-entropy of logits against class labels (log-softmax fused in).
    // logits: [N, K], labels: N values in 0..<K -> [1]
    public func crossEntropy(_ logits: Variable, labels: [Int]) -> Variable {
        let n = logits.shape[0], k = logits.shape[1]
        precondition(logits.shape.count == 2 && labels.count == n && labels.allSatisfy { 0 <= $0 && $0 < k },
                     "crossEntropy: logits \(logits.value.shapeText) with \(labels.count) labels in 0..<\(k)")
        let logp = Tensor(uninitialized: logits.shape)
        defer { withExtendedLifetime(logp) {} }
        logSoftmaxRows(logits.value.pointer, logp.pointer, n: n, k: k)
        var loss = 0.0
        for r in 0..<n { loss -= Double(logp.pointer[r * k + labels[r]]) }
        return output(.crossEntropy, Tensor(shape: [1], values: [Float(loss / Double(n))]), inputs: [logits]) { out in
            {
                let g = out.grad!.pointer[0] / Float(n), dx = logits.gradPointer(), lp = logp.pointer
                for r in 0..<n {
                    for j in 0..<k { dx[r * k + j] += g * exp(lp[r * k + j]) }
                    dx[r * k + labels[r]] -= g
                }
            }
        }
    }

    /// NT-Xent / InfoNCE over in-batch negatives: every row's positives are the other rows of its
    /// group (two views of one video: plain NT-Xent; more views: the mean over its positives).
    /// Rows are expected L2-normalised; similarities are divided by the temperature.
    // z: [M, D], groups: M ids -> [1]
    public func ntXent(_ z: Variable, groups: [Int], temperature: Float) -> Variable {
        precondition(z.shape.count == 2 && groups.count == z.shape[0] && temperature > 0,
                     "ntXent: input \(z.value.shapeText) with \(groups.count) group ids, temperature \(temperature)")
        let m = z.shape[0], d = z.shape[1]
        let sim = Tensor(uninitialized: [m, m])
        BLAS.gemm(transB: true, m: m, n: m, k: d, alpha: 1 / temperature, a: z.value.pointer, lda: d,
                  b: z.value.pointer, ldb: d, c: sim.pointer, ldc: m)
        let logp = Tensor(uninitialized: [m, m])
        defer { withExtendedLifetime(sim) {}; withExtendedLifetime(logp) {} }
        logSoftmaxRows(sim.pointer, logp.pointer, n: m, k: m, skipDiagonal: true)
        var positives = [Int](repeating: 0, count: m)
        for i in 0..<m { for j in 0..<m where j != i && groups[j] == groups[i] { positives[i] += 1 } }
        let valid = positives.filter { $0 > 0 }.count
        var loss = 0.0
        for i in 0..<m where positives[i] > 0 {
            var s = 0.0
            for j in 0..<m where j != i && groups[j] == groups[i] { s += Double(logp.pointer[i * m + j]) }
            loss -= s / Double(positives[i])
        }
        let value = valid > 0 ? loss / Double(valid) : 0
        return output(.ntXent, Tensor(shape: [1], values: [Float(value)]), inputs: [z]) { out in
            {
                guard valid > 0 else { return }
                let g = out.grad!.pointer[0] / Float(valid)
                // dS[i, j] = g · (softmax_ij − [j positive for i] / |P(i)|), zero on the diagonal.
                let ds = Tensor.zeros([m, m])
                defer { withExtendedLifetime(ds) {}; withExtendedLifetime(logp) {} }
                let lp = logp.pointer, dp = ds.pointer
                for i in 0..<m where positives[i] > 0 {
                    let inv = 1 / Float(positives[i])
                    for j in 0..<m where j != i {
                        dp[i * m + j] = g * (exp(lp[i * m + j]) - (groups[j] == groups[i] ? inv : 0))
                    }
                }
                // S = Z Zᵀ / τ, so dZ = (dS + dSᵀ) Z / τ.
                for i in 0..<m { for j in (i + 1)..<max(i + 1, m) {
                    let s = dp[i * m + j] + dp[j * m + i]
                    dp[i * m + j] = s; dp[j * m + i] = s
                } }
                BLAS.gemm(m: m, n: d, k: m, alpha: 1 / temperature, a: dp, lda: m, b: z.value.pointer, ldb: d,
                          beta: 1, c: z.gradPointer(), ldc: d)
            }
        }
    }
}

/// Fraction of rows whose largest logit is at the label.
// logits: [N, K]
public func accuracy(_ logits: Tensor, labels: [Int]) -> Double {
    let n = logits.shape[0], k = logits.shape[1]
    var hits = 0
    for r in 0..<n {
        let p = logits.pointer + r * k
        var best = 0
        for j in 1..<k where p[j] > p[best] { best = j }
        if best == labels[r] { hits += 1 }
    }
    return n > 0 ? Double(hits) / Double(n) : 0
}
