import Foundation
import MCNTensor
import XCTest
@testable import MCNVideo

final class AugmentationTests: XCTestCase {
    /// A synthetic video of w×h with n frames of smooth colour patterns.
    static func syntheticVideo(width w: Int, height h: Int, frames n: Int, same: Bool = false) -> DecodedVideo {
        var rgb = [UInt8](repeating: 0, count: n * w * h * 3)
        for f in 0..<n {
            for y in 0..<h {
                for x in 0..<w {
                    let o = ((f * h + y) * w + x) * 3, k = same ? 0 : f
                    rgb[o] = UInt8((x * 5 + k * 3) % 256); rgb[o + 1] = UInt8((y * 7) % 256); rgb[o + 2] = UInt8((x + y) % 256)
                }
            }
        }
        return DecodedVideo(VideoFrames(width: w, height: h, count: n, rgb: rgb), fps: 25)
    }

    func testRandomTransformIsDeterministicAndInRange() {
        let c = AugmentationConfig.standard
        var seen = Set<Bool>()
        for seed in 0..<300 as Range<UInt64> {
            var a = RNG(seed: seed), b = RNG(seed: seed)
            let ta = ClipTransform.random(c, sourceWidth: 170, sourceHeight: 128, rng: &a)
            let tb = ClipTransform.random(c, sourceWidth: 170, sourceHeight: 128, rng: &b)
            XCTAssertEqual(ta, tb)
            XCTAssertGreaterThanOrEqual(ta.cropX, 0)
            XCTAssertGreaterThanOrEqual(ta.cropY, 0)
            XCTAssertLessThanOrEqual(ta.cropX + ta.cropWidth, 170)
            XCTAssertLessThanOrEqual(ta.cropY + ta.cropHeight, 128)
            let area = ta.cropWidth * ta.cropHeight / (170 * 128)
            XCTAssertTrue(area > 0.19 && area <= 1.0, "area \(area)")
            let aspect = ta.cropWidth / ta.cropHeight
            XCTAssertTrue(aspect > 0.70 && aspect < 1.40, "aspect \(aspect)")
            seen.insert(ta.flip)
            XCTAssertNil(ta.blurSigma)
        }
        XCTAssertEqual(seen, [false, true])
        var nf = RNG(seed: 1)
        for _ in 0..<100 {
            XCTAssertFalse(ClipTransform.random(.sampleData, sourceWidth: 80, sourceHeight: 80, rng: &nf).flip)
        }
    }

    func testRenderedValuesStayInRangeAndRepeatForASeed() {
        let v = Self.syntheticVideo(width: 40, height: 30, frames: 6)
        var c = AugmentationConfig.standard
        c.blurProbability = 0.5
        let lo = (0..<3).map { (0 - c.mean[$0]) / c.std[$0] }, hi = (0..<3).map { (1 - c.mean[$0]) / c.std[$0] }
        let t = 4, s = 16, plane = t * s * s
        for seed in 0..<20 as Range<UInt64> {
            func render() -> [Float] {
                var rng = RNG(seed: seed)
                let tr = ClipTransform.random(c, sourceWidth: 40, sourceHeight: 30, rng: &rng)
                let out = Tensor(uninitialized: [3, t, s, s])
                ClipRenderer.render(video: v, indices: [1, 2, 3, 4], transform: tr, size: s, mean: c.mean, std: c.std, into: out.pointer)
                return out.toArray()
            }
            let a = render()
            XCTAssertEqual(a, render())
            for ch in 0..<3 {
                for x in a[ch * plane ..< (ch + 1) * plane] {
                    XCTAssertTrue(x >= lo[ch] - 1e-4 && x <= hi[ch] + 1e-4, "\(x) outside [\(lo[ch]), \(hi[ch])]")
                }
            }
        }
    }

    /// The renderer's bilinear sampling gives, bit for bit, each output pixel interpolated from its
    /// four source pixels (across, then down): random crops and the whole frame (a sure downscale
    /// or upscale), flipped or not, outputs of 1 and 2 pixels, and a source one row high (both rows
    /// of every output row the same).
    func testSamplingMatchesFourPixelBilinear() {
        func check(width w: Int, height h: Int, size s: Int, _ tr: ClipTransform) {
            let v = Self.syntheticVideo(width: w, height: h, frames: 2)
            let frame = v.frame(1)
            func taps(_ start: Float, _ extent: Float, _ limit: Int, flip: Bool) -> [(Int, Int, Float)] {
                (0..<s).map { o in
                    let oo = flip ? s - 1 - o : o
                    let p = min(max(start + (Float(oo) + 0.5) * extent / Float(s) - 0.5, 0), Float(limit - 1))
                    let i = Int(p)
                    return (i, min(i + 1, limit - 1), p - Float(i))
                }
            }
            let out = Tensor(uninitialized: [3, 1, s, s])
            ClipRenderer.render(video: v, indices: [1], transform: tr, size: s, mean: [0, 0, 0], std: [1, 1, 1],
                                into: out.pointer)
            let xs = taps(tr.cropX, tr.cropWidth, w, flip: tr.flip), ys = taps(tr.cropY, tr.cropHeight, h, flip: false)
            var want = [Float](repeating: 0, count: 3 * s * s)
            for y in 0..<s {
                let (ya, yb, fy) = ys[y]
                for x in 0..<s {
                    let (a, b, fx) = xs[x]
                    for c in 0..<3 {
                        func px(_ r: Int, _ col: Int) -> Float { Float(frame[(r * w + col) * 3 + c]) }
                        let top = px(ya, a) + (px(ya, b) - px(ya, a)) * fx
                        let bot = px(yb, a) + (px(yb, b) - px(yb, a)) * fx
                        want[c * s * s + y * s + x] = (top + (bot - top) * fy) * (1 / 255) - 0
                    }
                }
            }
            XCTAssertEqual(out.toArray(), want, "\(w)×\(h) to \(s), crop \(tr.cropX), \(tr.cropY), \(tr.cropWidth)×\(tr.cropHeight), flip \(tr.flip)")
        }
        let (w, h) = (37, 29)
        var rng = RNG(seed: 12)
        for (s, flip, whole) in [(16, false, false), (48, true, false), (9, false, true), (64, true, true),
                                 (1, false, false), (2, true, true)] {
            var tr = ClipTransform.random(.standard, sourceWidth: w, sourceHeight: h, rng: &rng)
            (tr.jitter, tr.grayscale, tr.blurSigma, tr.flip) = (nil, false, nil, flip)
            if whole { (tr.cropX, tr.cropY, tr.cropWidth, tr.cropHeight) = (0, 0, Float(w), Float(h)) }
            check(width: w, height: h, size: s, tr)
        }
        var tr = ClipTransform.centre(sourceWidth: 7, sourceHeight: 1)
        (tr.cropX, tr.cropY, tr.cropWidth, tr.cropHeight) = (0, 0, 7, 1)
        check(width: 7, height: 1, size: 5, tr)
    }

    func testSameTransformForEveryFrameOfAClip() {
        let v = Self.syntheticVideo(width: 40, height: 30, frames: 4, same: true)
        var rng = RNG(seed: 9)
        let tr = ClipTransform.random(.standard, sourceWidth: 40, sourceHeight: 30, rng: &rng)
        let t = 4, s = 12
        let out = Tensor(uninitialized: [3, t, s, s])
        ClipRenderer.render(video: v, indices: [0, 1, 2, 3], transform: tr, size: s,
                            mean: AugmentationConfig.standard.mean, std: AugmentationConfig.standard.std, into: out.pointer)
        let a = out.toArray()
        for ch in 0..<3 {
            let f0 = Array(a[(ch * t) * s * s ..< (ch * t + 1) * s * s])
            for f in 1..<t { XCTAssertEqual(Array(a[(ch * t + f) * s * s ..< (ch * t + f + 1) * s * s]), f0) }
        }
    }

    func testCentreCropOfAFlatFrameIsItsNormalisedColour() {
        let n = 2, w = 20, h = 10
        var rgb = [UInt8](repeating: 0, count: n * w * h * 3)
        for i in 0..<(n * w * h) { rgb[i * 3] = 255; rgb[i * 3 + 1] = 0; rgb[i * 3 + 2] = 51 }
        let v = DecodedVideo(VideoFrames(width: w, height: h, count: n, rgb: rgb), fps: 25)
        let out = Tensor(uninitialized: [3, 2, 8, 8])
        ClipRenderer.render(video: v, indices: [0, 1], transform: .centre(sourceWidth: w, sourceHeight: h), size: 8,
                            mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], into: out.pointer)
        let a = out.toArray()
        XCTAssertEqual(a[0], 1, accuracy: 1e-5)
        XCTAssertEqual(a[2 * 64], -1, accuracy: 1e-5)
        XCTAssertEqual(a[4 * 64 + 5], 0.2 * 2 - 1, accuracy: 1e-5)
    }

    func testClipSampling() {
        XCTAssertEqual(ClipSampler.evalStarts(frameCount: 100, clipFrames: 16, count: 10),
                       [0, 9, 18, 28, 37, 46, 56, 65, 74, 84])
        XCTAssertEqual(ClipSampler.evalStarts(frameCount: 10, clipFrames: 16, count: 3), [0, 0, 0])
        XCTAssertEqual(ClipSampler.indices(start: 3, clipFrames: 4, frameCount: 5, mode: .loop), [3, 4, 0, 1])
        XCTAssertEqual(ClipSampler.indices(start: 3, clipFrames: 4, frameCount: 5, mode: .pad), [3, 4, 4, 4])
        var rng = RNG(seed: 3)
        for _ in 0..<200 {
            let s = ClipSampler.randomStart(frameCount: 20, clipFrames: 8, rng: &rng)
            XCTAssertTrue((0...12).contains(s))
        }
        XCTAssertEqual(ClipSampler.randomStart(frameCount: 5, clipFrames: 8, rng: &rng), 0)
    }

    func testHueMatrixAtZeroIsIdentity() {
        let m = ClipRenderer.hueMatrix(0)
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(m[i * 3 + j], i == j ? 1 : 0, accuracy: 2e-3) } }
    }
}
