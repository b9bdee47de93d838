/// Splits a shape around `axis` into (outer, size, inner) element counts.
@inline(__always)
func around(_ shape: [Int], _ axis: Int) -> (outer: Int, size: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}

extension Tape {
    /// Joins tensors along `axis`; every other dimension must agree.
    // xs: [..., Dᵢ, ...] -> [..., ΣDᵢ, ...]
    public func concat(_ xs: [Variable], axis: Int) -> Variable {
        precondition(!xs.isEmpty, "concat: no inputs")
        var shape = xs[0].shape
        for x in xs.dropFirst() {
            var a = x.shape, b = shape
            precondition(a.count == b.count, "concat: ranks differ: \(x.value.shapeText) vs \(xs[0].value.shapeText)")
            a[axis] = 0; b[axis] = 0
            precondition(a == b, "concat: shapes \(x.value.shapeText) and \(xs[0].value.shapeText) differ off axis \(axis)")
        }
        shape[axis] = xs.map { $0.shape[axis] }.reduce(0, +)
        let (outer, total, inner) = around(shape, axis)
        let y = Tensor(uninitialized: shape)
        var offset = 0
        var offsets: [Int] = []
        for x in xs {
            let d = x.shape[axis]
            offsets.append(offset)
            for o in 0..<outer {
                (y.pointer + (o * total + offset) * inner).update(from: x.value.pointer + o * d * inner, count: d * inner)
            }
            offset += d
        }
        return output(.concat, y, inputs: xs) { out in
            {
                let dy = out.grad!.pointer
                for (x, off) in zip(xs, offsets) where x.requiresGrad {
                    let d = x.shape[axis], dx = x.gradPointer()
                    for o in 0..<outer {
                        let s = dy + (o * total + off) * inner, t = dx + o * d * inner
                        for j in 0..<(d * inner) { t[j] += s[j] }
                    }
                }
            }
        }
    }

    /// Elements [start, end) along `axis`.
    // x: [..., D, ...] -> [..., end − start, ...]
    public func slice(_ x: Variable, axis: Int, _ start: Int, _ end: Int) -> Variable {
        precondition(axis < x.shape.count && 0 <= start && start < end && end <= x.shape[axis],
                     "slice: [\(start), \(end)) on axis \(axis) of \(x.value.shapeText)")
        var shape = x.shape
        shape[axis] = end - start
        let (outer, size, inner) = around(x.shape, axis)
        let d = end - start
        let y = Tensor(uninitialized: shape)
        for o in 0..<outer {
            (y.pointer + o * d * inner).update(from: x.value.pointer + (o * size + start) * inner, count: d * inner)
        }
        return output(.slice, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer()
                for o in 0..<outer {
                    let s = dy + o * d * inner, t = dx + (o * size + start) * inner
                    for j in 0..<(d * inner) { t[j] += s[j] }
                }
            }
        }
    }

    /// The same elements under another shape (shares the storage forward).
    // x: any shape -> `shape` with the same element count
    public func reshape(_ x: Variable, _ shape: [Int]) -> Variable {
        precondition(Tensor.elementCount(shape) == x.value.count, "reshape: \(x.value.shapeText) to \(shape)")
        return output(.reshape, x.value.reshaped(shape), inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer()
                for j in 0..<x.value.count { dx[j] += dy[j] }
            }
        }
    }

    /// Rows of x picked by index (repeats allowed); gradients scatter-add back.
    // x: [N, D], index: M values in 0..<N -> [M, D]
    public func gatherRows(_ x: Variable, _ index: [Int]) -> Variable {
        precondition(x.shape.count == 2, "gatherRows: input \(x.value.shapeText) is not [N, D]")
        let n = x.shape[0], d = x.shape[1]
        let y = Tensor(uninitialized: [index.count, d])
        for (r, i) in index.enumerated() {
            precondition(0 <= i && i < n, "gatherRows: index \(i) outside 0..<\(n)")
            (y.pointer + r * d).update(from: x.value.pointer + i * d, count: d)
        }
        return output(.gatherRows, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer()
                for (r, i) in index.enumerated() {
                    let s = dy + r * d, t = dx + i * d
                    for j in 0..<d { t[j] += s[j] }
                }
            }
        }
    }
}
