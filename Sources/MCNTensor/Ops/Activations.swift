import CTensorKernels
import Foundation

extension Tape {
    /// max(x, 0).
    // x: any shape -> same shape
    public func relu(_ x: Variable) -> Variable {
        let y = Tensor(uninitialized: x.shape)
        let xp = x.value.pointer, yp = y.pointer
        parallelRanges(y.count) { r in for i in r { yp[i] = max(xp[i], 0) } }
        return output(.relu, y, inputs: [x]) { out in
            {
                let (dx, fresh) = x.gradForWrite()
                reluBackward(out.value.pointer, out.grad!.pointer, into: dx, count: out.value.count, accumulate: !fresh)
            }
        }
    }

    /// max(a + b, 0) in one op: the residual add and the ReLU after it. Neither direction makes
    /// a pass of its own for the ReLU; the backward writes the masked gradient into both inputs.
    // a, b: same shape -> same shape
    public func addReLU(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.shape == b.shape, "addReLU: shapes \(a.value.shapeText) and \(b.value.shapeText) differ")
        let y = Tensor(uninitialized: a.shape)
        let ap = a.value.pointer, bp = b.value.pointer, yp = y.pointer
        parallelRanges(y.count) { r in
            let i = r.lowerBound
            mcn_add_relu(ap + i, bp + i, yp + i, r.count)
        }
        return output(.addReLU, y, inputs: [a, b]) { out in
            {
                for v in [a, b] where v.requiresGrad {
                    let (d, fresh) = v.gradForWrite()
                    reluBackward(out.value.pointer, out.grad!.pointer, into: d, count: out.value.count, accumulate: !fresh)
                }
            }
        }
    }

    /// x · sigmoid(x): smooth, for tests of second-order gradients.
    // x: any shape -> same shape
    public func silu(_ x: Variable) -> Variable {
        let y = Tensor(uninitialized: x.shape)
        let xp = x.value.pointer, yp = y.pointer
        for i in 0..<y.count { yp[i] = xp[i] / (1 + exp(-xp[i])) }
        return output(.silu, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer(), xp = x.value.pointer
                for i in 0..<out.value.count {
                    let s = 1 / (1 + exp(-xp[i]))
                    dx[i] += dy[i] * s * (1 + xp[i] * (1 - s))
                }
            }
        }
    }

    /// log(1 + eˣ), computed stably.
    // x: any shape -> same shape
    public func softplus(_ x: Variable) -> Variable {
        let y = Tensor(uninitialized: x.shape)
        let xp = x.value.pointer, yp = y.pointer
        for i in 0..<y.count { yp[i] = max(xp[i], 0) + log1p(exp(-Swift.abs(xp[i]))) }
        return output(.softplus, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer(), xp = x.value.pointer
                for i in 0..<out.value.count { dx[i] += dy[i] / (1 + exp(-xp[i])) }
            }
        }
    }
}

/// d (=, or += with `accumulate`) dy where y > 0, else 0: a ReLU's backward (from its output y),
/// on all cores.
// y, dy, d: [count]
func reluBackward(_ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>,
                  count: Int, accumulate: Bool) {
    parallelRanges(count) { r in
        let i = r.lowerBound
        mcn_relu_backward(y + i, dy + i, d + i, r.count, accumulate ? 1 : 0)
    }
}
