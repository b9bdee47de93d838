import Foundation

extension Tape {
    /// Each row divided by its Euclidean norm (at least `eps`).
    // x: [N, D] -> [N, D]
    public func l2Normalize(_ x: Variable, eps: Float = 1e-12) -> Variable {
        precondition(x.shape.count == 2, "l2Normalize: input \(x.value.shapeText) is not [N, D]")
        let n = x.shape[0], d = x.shape[1]
        let y = Tensor(uninitialized: x.shape)
        let norms = Tensor(uninitialized: [n])
        defer { withExtendedLifetime(norms) {} }
        for r in 0..<n {
            let p = x.value.pointer + r * d
            var s: Float = 0
            for j in 0..<d { s += p[j] * p[j] }
            let nr = max(s.squareRoot(), eps)
            norms.pointer[r] = nr
            let q = y.pointer + r * d
            for j in 0..<d { q[j] = p[j] / nr }
        }
        return output(.l2Normalize, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer(), yp = out.value.pointer
                for r in 0..<n {
                    let nr = norms.pointer[r]
                    let g = dy + r * d, yr = yp + r * d, o = dx + r * d
                    if nr <= eps { for j in 0..<d { o[j] += g[j] / eps }; continue }
                    var dot: Float = 0
                    for j in 0..<d { dot += g[j] * yr[j] }
                    for j in 0..<d { o[j] += (g[j] - yr[j] * dot) / nr }
                }
            }
        }
    }
}
