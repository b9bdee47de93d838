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
                let dy = out.grad!.pointer, (dx, fresh) = x.gradForWrite(), yp = out.value.pointer
                parallelRanges(out.value.count) { r in
                    if fresh { for i in r { dx[i] = yp[i] > 0 ? dy[i] : 0 } } else { for i in r { dx[i] += yp[i] > 0 ? dy[i] : 0 } }
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
