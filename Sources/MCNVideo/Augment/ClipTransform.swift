import Foundation
import MCNTensor

/// The random choices for one clip, applied identically to each of its frames.
public struct ClipTransform: Sendable, Equatable {
    /// Crop rectangle in source pixels.
    public var cropX: Float, cropY: Float, cropWidth: Float, cropHeight: Float
    public var flip: Bool
    /// Colour jitter factors in the order they apply (nil: no jitter).
    public var jitter: [JitterOp]?
    public var grayscale: Bool
    /// Gaussian blur sigma in output pixels (nil: none).
    public var blurSigma: Float?

    public enum JitterOp: Sendable, Equatable {
        case brightness(Float), contrast(Float), saturation(Float), hue(Float)
    }

    /// Evaluation: the largest centred square, i.e. resize the short side to the output size and
    /// take the centre.
    public static func centre(sourceWidth w: Int, sourceHeight h: Int) -> ClipTransform {
        let s = Float(min(w, h))
        return ClipTransform(cropX: (Float(w) - s) / 2, cropY: (Float(h) - s) / 2, cropWidth: s, cropHeight: s,
                             flip: false, jitter: nil, grayscale: false, blurSigma: nil)
    }

    /// A random transform drawn from `rng` for a source of w×h.
    public static func random(_ c: AugmentationConfig, sourceWidth w: Int, sourceHeight h: Int,
                              rng: inout RNG) -> ClipTransform {
        var t = randomCrop(c, w, h, &rng)
        t.flip = c.flip && rng.bernoulli(0.5)
        if rng.bernoulli(c.jitterProbability) {
            var ops: [JitterOp] = []
            for k in rng.permutation(4) {
                switch k {
                case 0: if c.brightness > 0 { ops.append(.brightness(rng.uniform(max(0, 1 - c.brightness), 1 + c.brightness))) }
                case 1: if c.contrast > 0 { ops.append(.contrast(rng.uniform(max(0, 1 - c.contrast), 1 + c.contrast))) }
                case 2: if c.saturation > 0 { ops.append(.saturation(rng.uniform(max(0, 1 - c.saturation), 1 + c.saturation))) }
                default: if c.hue > 0 { ops.append(.hue(rng.uniform(-c.hue, c.hue))) }
                }
            }
            t.jitter = ops
        }
        t.grayscale = rng.bernoulli(c.grayscaleProbability)
        if c.blurProbability > 0 && rng.bernoulli(c.blurProbability) {
            t.blurSigma = rng.uniform(c.blurSigmaMin, c.blurSigmaMax)
        }
        return t
    }

    /// Random resized crop as torchvision draws it: ten tries at an area and log-uniform aspect
    /// that fit, else the centre crop with the aspect clamped into range.
    private static func randomCrop(_ c: AugmentationConfig, _ w: Int, _ h: Int, _ rng: inout RNG) -> ClipTransform {
        let W = Float(w), H = Float(h), area = W * H
        let logLo = Foundation.log(c.aspectMin), logHi = Foundation.log(c.aspectMax)
        for _ in 0..<10 {
            let target = area * rng.uniform(c.cropAreaMin, c.cropAreaMax)
            let aspect = Foundation.exp(rng.uniform(logLo, logHi + 1e-7))
            let cw = (target * aspect).squareRoot().rounded(), ch = (target / aspect).squareRoot().rounded()
            if cw > 0 && ch > 0 && cw <= W && ch <= H {
                let x = Float(rng.int(below: Int(W - cw) + 1)), y = Float(rng.int(below: Int(H - ch) + 1))
                return ClipTransform(cropX: x, cropY: y, cropWidth: cw, cropHeight: ch,
                                     flip: false, jitter: nil, grayscale: false, blurSigma: nil)
            }
        }
        let ratio = W / H
        var cw = W, ch = H
        if ratio < c.aspectMin { ch = (W / c.aspectMin).rounded() } else if ratio > c.aspectMax { cw = (H * c.aspectMax).rounded() }
        return ClipTransform(cropX: ((W - cw) / 2).rounded(.down), cropY: ((H - ch) / 2).rounded(.down),
                             cropWidth: cw, cropHeight: ch, flip: false, jitter: nil, grayscale: false, blurSigma: nil)
    }
}
