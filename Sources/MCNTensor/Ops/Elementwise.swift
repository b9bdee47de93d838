extension Tape {
    /// a + b (same shapes): the residual add.
    // a, b: same shape -> same shape
    public func add(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.shape == b.shape, "add: shapes \(a.value.shapeText) and \(b.value.shapeText) differ")
        let y = Tensor(uninitialized: a.shape)
        let ap = a.value.pointer, bp = b.value.pointer, yp = y.pointer
        parallelRanges(y.count) { r in for i in r { yp[i] = ap[i] + bp[i] } }
        return output(.add, y, inputs: [a, b]) { out in
            {
                let dy = out.grad!.pointer, n = out.value.count
                for v in [a, b] where v.requiresGrad {
                    let (d, fresh) = v.gradForWrite()
                    parallelRanges(n) { r in
                        if fresh { (d + r.lowerBound).update(from: dy + r.lowerBound, count: r.count) }
                        else { for i in r { d[i] += dy[i] } }
                    }
                }
            }
        }
    }

    /// a − b (same shapes).
    // a, b: same shape -> same shape
    public func sub(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.shape == b.shape, "sub: shapes \(a.value.shapeText) and \(b.value.shapeText) differ")
        let y = Tensor(uninitialized: a.shape)
        let ap = a.value.pointer, bp = b.value.pointer, yp = y.pointer
        for i in 0..<y.count { yp[i] = ap[i] - bp[i] }
        return output(.sub, y, inputs: [a, b]) { out in
            {
                let dy = out.grad!.pointer
                if a.requiresGrad { let d = a.gradPointer(); for i in 0..<out.value.count { d[i] += dy[i] } }
                if b.requiresGrad { let d = b.gradPointer(); for i in 0..<out.value.count { d[i] -= dy[i] } }
            }
        }
    }

    /// a ⊙ b (same shapes).
    // a, b: same shape -> same shape
    public func mul(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.shape == b.shape, "mul: shapes \(a.value.shapeText) and \(b.value.shapeText) differ")
        let y = Tensor(uninitialized: a.shape)
        let ap = a.value.pointer, bp = b.value.pointer, yp = y.pointer
        for i in 0..<y.count { yp[i] = ap[i] * bp[i] }
        return output(.mul, y, inputs: [a, b]) { out in
            {
                let dy = out.grad!.pointer, ap = a.value.pointer, bp = b.value.pointer
                if a.requiresGrad { let d = a.gradPointer(); for i in 0..<out.value.count { d[i] += dy[i] * bp[i] } }
                if b.requiresGrad { let d = b.gradPointer(); for i in 0..<out.value.count { d[i] += dy[i] * ap[i] } }
            }
        }
    }

    /// s · a for a constant s.
    // a: any shape -> same shape
    public func scale(_ a: Variable, _ s: Float) -> Variable {
        let y = Tensor(uninitialized: a.shape)
        let ap = a.value.pointer, yp = y.pointer
        for i in 0..<y.count { yp[i] = ap[i] * s }
        return output(.scale, y, inputs: [a]) { out in
            { let dy = out.grad!.pointer, d = a.gradPointer(); for i in 0..<out.value.count { d[i] += dy[i] * s } }
        }
    }

    /// |a| element-wise (the FCM's |difference| feature).
    // a: any shape -> same shape
    public func abs(_ a: Variable) -> Variable {
        let y = Tensor(uninitialized: a.shape)
        let ap = a.value.pointer, yp = y.pointer
        for i in 0..<y.count { yp[i] = Swift.abs(ap[i]) }
        return output(.abs, y, inputs: [a]) { out in
            {
                let dy = out.grad!.pointer, d = a.gradPointer(), ap = a.value.pointer
                for i in 0..<out.value.count { d[i] += ap[i] > 0 ? dy[i] : (ap[i] < 0 ? -dy[i] : 0) }
            }
        }
    }

    /// The sum of all elements, accumulated in double.
    // a: any shape -> [1]
    public func sum(_ a: Variable) -> Variable {
        var s = 0.0
        for i in 0..<a.value.count { s += Double(a.value.pointer[i]) }
        return output(.sum, Tensor(shape: [1], values: [Float(s)]), inputs: [a]) { out in
            { let g = out.grad!.pointer[0], d = a.gradPointer(); for i in 0..<a.value.count { d[i] += g } }
        }
    }

    /// The mean of all elements.
    // a: any shape -> [1]
    public func mean(_ a: Variable) -> Variable {
        let n = a.value.count
        var s = 0.0
        for i in 0..<n { s += Double(a.value.pointer[i]) }
        return output(.mean, Tensor(shape: [1], values: [Float(s / Double(n))]), inputs: [a]) { out in
            { let g = out.grad!.pointer[0] / Float(n), d = a.gradPointer(); for i in 0..<n { d[i] += g } }
        }
    }
}
