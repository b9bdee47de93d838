extension Tape {
    /// y = x · Wᵀ + b, PyTorch's layout for W.
    // x: [N, in], w: [out, in], b: [out] -> [N, out]
    public func linear(_ x: Variable, _ w: Variable, _ b: Variable?) -> Variable {
        precondition(x.shape.count == 2 && w.shape.count == 2 && x.shape[1] == w.shape[1]
                     && (b == nil || b!.shape == [w.shape[0]]),
                     "linear: input \(x.value.shapeText), weight \(w.value.shapeText), bias \(b?.value.shapeText ?? "none")")
        let n = x.shape[0], i = x.shape[1], o = w.shape[0]
        let y = Tensor(uninitialized: [n, o])
        if let b { for r in 0..<n { (y.pointer + r * o).update(from: b.value.pointer, count: o) } }
        BLAS.gemm(transB: true, m: n, n: o, k: i, a: x.value.pointer, lda: i, b: w.value.pointer, ldb: i,
                  beta: b == nil ? 0 : 1, c: y.pointer, ldc: o)
        return output(.linear, y, inputs: [x, w] + (b.map { [$0] } ?? [])) { out in
            {
                let dy = out.grad!.pointer
                if x.requiresGrad {
                    BLAS.gemm(m: n, n: i, k: o, a: dy, lda: o, b: w.value.pointer, ldb: i, beta: 1, c: x.gradPointer(), ldc: i)
                }
                if w.requiresGrad {
                    BLAS.gemm(transA: true, m: o, n: i, k: n, a: dy, lda: o, b: x.value.pointer, ldb: i, beta: 1, c: w.gradPointer(), ldc: i)
                }
                if let b, b.requiresGrad {
                    let db = b.gradPointer()
                    for r in 0..<n { for j in 0..<o { db[j] += dy[r * o + j] } }
                }
            }
        }
    }

    /// A · B, or A · Bᵀ with `transposeB`.
    // a: [M, K], b: [K, N] (or [N, K]) -> [M, N]
    public func matmul(_ a: Variable, _ b: Variable, transposeB: Bool = false) -> Variable {
        let m = a.shape[0], k = a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(a.shape.count == 2 && b.shape.count == 2 && (transposeB ? b.shape[1] : b.shape[0]) == k,
                     "matmul: \(a.value.shapeText) × \(b.value.shapeText)\(transposeB ? "ᵀ" : "") do not match")
        let y = Tensor(uninitialized: [m, n])
        BLAS.gemm(transB: transposeB, m: m, n: n, k: k, a: a.value.pointer, lda: k, b: b.value.pointer,
                  ldb: transposeB ? k : n, c: y.pointer, ldc: n)
        return output(.matmul, y, inputs: [a, b]) { out in
            {
                let dy = out.grad!.pointer
                if a.requiresGrad {  // dA = dY · Bᵀ (or dY · B)
                    BLAS.gemm(transB: !transposeB, m: m, n: k, k: n, a: dy, lda: n, b: b.value.pointer,
                              ldb: transposeB ? k : n, beta: 1, c: a.gradPointer(), ldc: k)
                }
                if b.requiresGrad {
                    if transposeB {  // dB = dYᵀ · A : [N, K]
                        BLAS.gemm(transA: true, m: n, n: k, k: m, a: dy, lda: n, b: a.value.pointer, ldb: k,
                                  beta: 1, c: b.gradPointer(), ldc: k)
                    } else {  // dB = Aᵀ · dY : [K, N]
                        BLAS.gemm(transA: true, m: k, n: n, k: m, a: a.value.pointer, lda: k, b: dy, ldb: n,
                                  beta: 1, c: b.gradPointer(), ldc: n)
                    }
                }
            }
        }
    }
}
