import Foundation

/// Turns frames (UInt8 RGB) into one normalised float clip under a `ClipTransform`.
public enum ClipRenderer {
    /// Renders frames `indices` of `video`, cropped, resized to size×size (bilinear), colour
    /// transformed and normalised, into `out`: [3, T, size, size] with T = indices.count.
    public static func render(video: DecodedVideo, indices: [Int], transform: ClipTransform, size s: Int,
                              mean: [Float], std: [Float], into out: UnsafeMutablePointer<Float>) {
        let t = indices.count, plane = s * s
        let map = SampleMap(transform, srcWidth: video.width, srcHeight: video.height, size: s)
        let hue = transform.jitter.flatMap { ops -> [Float]? in
            for case .hue(let h) in ops { return hueMatrix(h) }
            return nil
        }
        let kernel = transform.blurSigma.map(gaussianKernel)
        var scratch = [Float](repeating: 0, count: 3 * plane)
        var blurTmp = [Float](repeating: 0, count: kernel == nil ? 0 : plane)
        scratch.withUnsafeMutableBufferPointer { buf in
            let rgb = buf.baseAddress!
            for (ti, fi) in indices.enumerated() {
                map.sample(video.frame(fi), srcWidth: video.width, into: rgb, size: s)
                if let ops = transform.jitter {
                    for op in ops { apply(op, rgb, plane, hue) }
                }
                if transform.grayscale { toGray(rgb, plane) }
                if let kernel {
                    blurTmp.withUnsafeMutableBufferPointer { tmp in
                        for c in 0..<3 { blur(rgb + c * plane, tmp.baseAddress!, s, kernel) }
                    }
                }
                for c in 0..<3 {
                    let dst = out + c * t * plane + ti * plane, src = rgb + c * plane
                    let m = mean[c], inv = 1 / std[c]
                    for i in 0..<plane { dst[i] = (src[i] - m) * inv }
                }
            }
        }
    }

    /// Precomputed bilinear taps for each output column and row.
    private struct SampleMap {
        var x0: [Int], x1: [Int], wx: [Float], y0: [Int], y1: [Int], wy: [Float]

        init(_ tr: ClipTransform, srcWidth w: Int, srcHeight h: Int, size s: Int) {
            func taps(_ start: Float, _ extent: Float, _ limit: Int, flip: Bool) -> ([Int], [Int], [Float]) {
                var a = [Int](repeating: 0, count: s), b = a, f = [Float](repeating: 0, count: s)
                for o in 0..<s {
                    let oo = flip ? s - 1 - o : o
                    var p = start + (Float(oo) + 0.5) * extent / Float(s) - 0.5
                    p = min(max(p, 0), Float(limit - 1))
                    let i = Int(p)
                    a[o] = i; b[o] = min(i + 1, limit - 1); f[o] = p - Float(i)
                }
                return (a, b, f)
            }
            (x0, x1, wx) = taps(tr.cropX, tr.cropWidth, w, flip: tr.flip)
            (y0, y1, wy) = taps(tr.cropY, tr.cropHeight, h, flip: false)
        }

        /// Planar RGB floats in [0, 1] (rgb: [3, s, s]). Each source row is interpolated across
        /// once (into planar floats) and kept while the next output rows use it: the source rows
        /// only move down as y does, so two slots hold every row in use. Then each output row
        /// blends its two rows in contiguous runs. The same arithmetic, in the same order, as
        /// interpolating every output pixel from its four source pixels (with which the loader's
        /// batches took 1.6× as long).
        func sample(_ src: UnsafePointer<UInt8>, srcWidth w: Int, into rgb: UnsafeMutablePointer<Float>, size s: Int) {
            let plane = s * s, k: Float = 1 / 255
            // Two slots of [3, s] floats, and the source row each holds (-1: none yet).
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 6 * s) { slots in
                var held = (-1, -1)
                // The slot holding source row r, interpolated across into the slot that does not
                // hold `keep` (the other row the output row needs) if no slot holds r yet.
                func row(_ r: Int, keep: Int) -> UnsafeMutablePointer<Float> {
                    let i: Int
                    if held.0 == r { i = 0 } else if held.1 == r { i = 1 } else {
                        i = held.0 == keep ? 1 : 0
                        if i == 0 { held.0 = r } else { held.1 = r }
                        let h = slots.baseAddress! + i * 3 * s, line = src + r * w * 3
                        for x in 0..<s {
                            let a = x0[x] * 3, b = x1[x] * 3, fx = wx[x]
                            for c in 0..<3 { h[c * s + x] = Float(line[a + c]) + (Float(line[b + c]) - Float(line[a + c])) * fx }
                        }
                    }
                    return slots.baseAddress! + i * 3 * s
                }
                for y in 0..<s {
                    let fy = wy[y]
                    let top = row(y0[y], keep: y1[y]), bot = row(y1[y], keep: y0[y])
                    for c in 0..<3 {
                        let t = top + c * s, b = bot + c * s, out = rgb + c * plane + y * s
                        for x in 0..<s { out[x] = (t[x] + (b[x] - t[x]) * fy) * k }
                    }
                }
            }
        }
    }

    @inline(__always) private static func clamp01(_ v: Float) -> Float { min(max(v, 0), 1) }

    private static func apply(_ op: ClipTransform.JitterOp, _ rgb: UnsafeMutablePointer<Float>, _ n: Int, _ hue: [Float]?) {
        let r = rgb, g = rgb + n, b = rgb + 2 * n
        switch op {
        case .brightness(let f):
            for i in 0..<3 * n { rgb[i] = clamp01(rgb[i] * f) }
        case .contrast(let f):
            var sum: Float = 0
            for i in 0..<n { sum += 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i] }
            let m = (1 - f) * sum / Float(n)
            for i in 0..<3 * n { rgb[i] = clamp01(f * rgb[i] + m) }
        case .saturation(let f):
            for i in 0..<n {
                let y = (1 - f) * (0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i])
                r[i] = clamp01(f * r[i] + y); g[i] = clamp01(f * g[i] + y); b[i] = clamp01(f * b[i] + y)
            }
        case .hue:
            guard let m = hue else { return }
            for i in 0..<n {
                let R = r[i], G = g[i], B = b[i]
                r[i] = clamp01(m[0] * R + m[1] * G + m[2] * B)
                g[i] = clamp01(m[3] * R + m[4] * G + m[5] * B)
                b[i] = clamp01(m[6] * R + m[7] * G + m[8] * B)
            }
        }
    }

    /// RGB → YIQ, rotate the chroma plane by a fraction `h` of a turn, → RGB, as one 3×3 matrix.
    static func hueMatrix(_ h: Float) -> [Float] {
        let toYIQ: [Float] = [0.299, 0.587, 0.114, 0.596, -0.274, -0.322, 0.211, -0.523, 0.312]
        let toRGB: [Float] = [1, 0.956, 0.621, 1, -0.272, -0.647, 1, -1.106, 1.703]
        let a = 2 * Float.pi * h, c = Foundation.cos(a), s = Foundation.sin(a)
        let rot: [Float] = [1, 0, 0, 0, c, -s, 0, s, c]
        func mul(_ x: [Float], _ y: [Float]) -> [Float] {
            var m = [Float](repeating: 0, count: 9)
            for i in 0..<3 {
                for j in 0..<3 {
                    var acc: Float = 0
                    for k in 0..<3 { acc += x[i * 3 + k] * y[k * 3 + j] }
                    m[i * 3 + j] = acc
                }
            }
            return m
        }
        return mul(toRGB, mul(rot, toYIQ))
    }

    private static func toGray(_ rgb: UnsafeMutablePointer<Float>, _ n: Int) {
        let r = rgb, g = rgb + n, b = rgb + 2 * n
        for i in 0..<n {
            let y = 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i]
            r[i] = y; g[i] = y; b[i] = y
        }
    }

    private static func gaussianKernel(_ sigma: Float) -> [Float] {
        let radius = max(1, Int((2 * sigma).rounded(.up)))
        var k = (-radius...radius).map { Foundation.exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let sum = k.reduce(0, +)
        for i in k.indices { k[i] /= sum }
        return k
    }

    /// Separable blur of one s×s plane with edge clamping; `tmp` holds s×s floats.
    private static func blur(_ p: UnsafeMutablePointer<Float>, _ tmp: UnsafeMutablePointer<Float>, _ s: Int, _ k: [Float]) {
        let r = k.count / 2
        for y in 0..<s {
            for x in 0..<s {
                var acc: Float = 0
                for j in 0..<k.count { acc += k[j] * p[y * s + min(max(x + j - r, 0), s - 1)] }
                tmp[y * s + x] = acc
            }
        }
        for y in 0..<s {
            for x in 0..<s {
                var acc: Float = 0
                for j in 0..<k.count { acc += k[j] * tmp[min(max(y + j - r, 0), s - 1) * s + x] }
                p[y * s + x] = acc
            }
        }
    }
}
