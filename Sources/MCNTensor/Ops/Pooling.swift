/// Window geometry of a 3D pooling: input [N, C, T, H, W].
struct PoolGeometry {
    let nc, t, h, w: Int
    let k: (Int, Int, Int), s: (Int, Int, Int), p: (Int, Int, Int)
    var to: Int { (t + 2 * p.0 - k.0) / s.0 + 1 }
    var ho: Int { (h + 2 * p.1 - k.1) / s.1 + 1 }
    var wo: Int { (w + 2 * p.2 - k.2) / s.2 + 1 }

    init(_ shape: [Int], kernel: (Int, Int, Int), stride: (Int, Int, Int), padding: (Int, Int, Int), op: String) {
        precondition(shape.count == 5, "\(op): input \(shape) is not [N, C, T, H, W]")
        nc = shape[0] * shape[1]; t = shape[2]; h = shape[3]; w = shape[4]
        k = kernel; s = stride; p = padding
        precondition(to > 0 && ho > 0 && wo > 0, "\(op): input \(shape) too small for kernel \(kernel)")
    }

    /// Calls body(outputIndex, inputIndices-in-window) for every output position of plane `c`.
    @inline(__always)
    func forEachWindow(_ c: Int, _ body: (Int, _ t0: Int, _ t1: Int, _ h0: Int, _ h1: Int, _ w0: Int, _ w1: Int) -> Void) {
        for a in 0..<to { for b in 0..<ho { for d in 0..<wo {
            let t0 = a * s.0 - p.0, h0 = b * s.1 - p.1, w0 = d * s.2 - p.2
            body(((c * to + a) * ho + b) * wo + d, max(t0, 0), min(t0 + k.0, t), max(h0, 0), min(h0 + k.1, h), max(w0, 0), min(w0 + k.2, w))
        } } }
    }
}

extension Tape {
    /// Max pooling; padding never wins.
    // x: [N, C, T, H, W] -> [N, C, T', H', W']
    public func maxPool3d(_ x: Variable, kernel: (Int, Int, Int), stride: (Int, Int, Int),
                          padding: (Int, Int, Int) = (0, 0, 0)) -> Variable {
        let g = PoolGeometry(x.shape, kernel: kernel, stride: stride, padding: padding, op: "maxPool3d")
        let y = Tensor(uninitialized: [x.shape[0], x.shape[1], g.to, g.ho, g.wo])
        var argmax = [Int32](repeating: 0, count: y.count)
        let xp = x.value.pointer, yp = y.pointer, plane = g.t * g.h * g.w
        argmax.withUnsafeMutableBufferPointer { am in
            for c in 0..<g.nc {
                g.forEachWindow(c) { o, t0, t1, h0, h1, w0, w1 in
                    var best = -Float.infinity, bi = 0
                    for tt in t0..<t1 { for hh in h0..<h1 { for ww in w0..<w1 {
                        let i = (tt * g.h + hh) * g.w + ww
                        if xp[c * plane + i] > best { best = xp[c * plane + i]; bi = c * plane + i }
                    } } }
                    yp[o] = best; am[o] = Int32(bi)
                }
            }
        }
        return output(.maxPool3d, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer()
                for o in 0..<out.value.count { dx[Int(argmax[o])] += dy[o] }
            }
        }
    }

    /// Average pooling, counting padded positions (PyTorch's default `count_include_pad`).
    // x: [N, C, T, H, W] -> [N, C, T', H', W']
    public func avgPool3d(_ x: Variable, kernel: (Int, Int, Int), stride: (Int, Int, Int),
                          padding: (Int, Int, Int) = (0, 0, 0)) -> Variable {
        let g = PoolGeometry(x.shape, kernel: kernel, stride: stride, padding: padding, op: "avgPool3d")
        let y = Tensor(uninitialized: [x.shape[0], x.shape[1], g.to, g.ho, g.wo])
        let xp = x.value.pointer, yp = y.pointer, plane = g.t * g.h * g.w
        let inv = 1 / Float(kernel.0 * kernel.1 * kernel.2)
        for c in 0..<g.nc {
            g.forEachWindow(c) { o, t0, t1, h0, h1, w0, w1 in
                var s: Float = 0
                for tt in t0..<t1 { for hh in h0..<h1 { for ww in w0..<w1 { s += xp[c * plane + (tt * g.h + hh) * g.w + ww] } } }
                yp[o] = s * inv
            }
        }
        return output(.avgPool3d, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer()
                for c in 0..<g.nc {
                    g.forEachWindow(c) { o, t0, t1, h0, h1, w0, w1 in
                        let v = dy[o] * inv
                        for tt in t0..<t1 { for hh in h0..<h1 { for ww in w0..<w1 { dx[c * plane + (tt * g.h + hh) * g.w + ww] += v } } }
                    }
                }
            }
        }
    }

    /// Mean over all positions of each channel.
    // x: [N, C, ...] -> [N, C]
    public func globalAvgPool(_ x: Variable) -> Variable {
        let n = x.shape[0], c = x.shape[1], l = x.shape.dropFirst(2).reduce(1, *)
        let y = Tensor(uninitialized: [n, c])
        let xp = x.value.pointer, yp = y.pointer
        for i in 0..<(n * c) {
            var s: Float = 0
            let p = xp + i * l
            for j in 0..<l { s += p[j] }
            yp[i] = s / Float(l)
        }
        return output(.globalAvgPool, y, inputs: [x]) { out in
            {
                let dy = out.grad!.pointer, dx = x.gradPointer()
                for i in 0..<(n * c) {
                    let v = dy[i] / Float(l), p = dx + i * l
                    for j in 0..<l { p[j] += v }
                }
            }
        }
    }
}
