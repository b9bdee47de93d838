import CTensorKernels
import XCTest
@testable import MCNTensor

/// The direct kernels' AVX-512 tiles (DirectConvAVX512.c) against their AVX2 tiles, called directly
/// on sizes around the tiles' edges: the forward and the channels-last products and sums give the
/// same bits, the direct weight gradient agrees with a double-precision sum. The convolution tests
/// run whichever the machine has; these check the other one against it.
final class WideVectorTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipIf(mcn_cpu_has_avx512() == 0, "this CPU has no AVX-512: the AVX2 tiles are the ones the other tests cover")
    }

    /// Runs body with the AVX-512 tiles and then the AVX2 ones.
    private func bothWidths<T>(_ body: () -> T) -> (wide: T, narrow: T) {
        let saved = ConvolutionPaths.wideVectors
        defer { ConvolutionPaths.wideVectors = saved }
        ConvolutionPaths.wideVectors = true
        XCTAssertTrue(ConvolutionPaths.wideVectors)
        let wide = body()
        ConvolutionPaths.wideVectors = false
        XCTAssertFalse(ConvolutionPaths.wideVectors)
        return (wide, body())
    }

    private func random(_ n: Int, _ rng: inout RNG) -> [Float] { (0..<n).map { _ in rng.uniform(-1, 1) } }

    /// Planes of 16 to 1040 positions (an odd number of 16s: the last tile one vector), 4 to 16
    /// output channels (blocks of 6 and 4: paired 6 + 6 and 4 + 4, a 4 alone), 1 to 48 taps in
    /// chunks, assigning and accumulating.
    func testForwardSameBits() {
        var rng = RNG(seed: 31)
        for q in [16, 32, 48, 80, 1040] {
            for o in [4, 8, 12, 16, 20] {
                for (k, chunk) in [(1, 0), (5, 0), (48, 0), (48, 20)] {
                    let off = (0..<k).map { _ in Int(rng.uniform(0, 40)) }
                    let input = random(q + 40 + 32, &rng), w = random(o * k, &rng), start = random(o * q, &rng)
                    for accumulate in [Int32(0), 1] {
                        let r = bothWidths { () -> [Float] in
                            var out = start
                            mcn_direct_conv_forward(input, off, k, 0, k, w, o, &out, q, q, accumulate, chunk)
                            return out
                        }
                        XCTAssertTrue(r.wide == r.narrow, "Q \(q) O \(o) K \(k) chunk \(chunk) accumulate \(accumulate)")
                    }
                }
            }
        }
    }

    /// Planes whose length is a multiple of 8 but not of 16 (the masked tail) and of 16, one and
    /// three planes, 1 to 13 taps (tiles of 6 and the rest), 4 and 6 channels (tiles of 4, and of
    /// 4 and 2).
    func testWeightGradientMatchesDoubleSums() {
        var rng = RNG(seed: 32)
        for q in [8, 16, 24, 40, 1024] {
            for planes in [1, 3] {
                for (k, o) in [(1, 4), (4, 6), (6, 4), (13, 6)] {
                    let inPlane = q + 24
                    let off = (0..<k).map { _ in Int(rng.uniform(0, 20)) }
                    let input = random(planes * inPlane + 8, &rng), dy = random(o * planes * q, &rng)
                    let start = random(o * k, &rng)
                    // The sums in double, and the sums of their terms' sizes (float rounding scales with them).
                    var expected = [Double](repeating: 0, count: o * k), size = expected
                    for oi in 0..<o {
                        for ki in 0..<k {
                            var s = Double(start[oi * k + ki]), a = abs(s)
                            for t in 0..<planes {
                                for p in 0..<q {
                                    let term = Double(dy[oi * planes * q + t * q + p]) * Double(input[t * inPlane + p + off[ki]])
                                    s += term
                                    a += abs(term)
                                }
                            }
                            expected[oi * k + ki] = s
                            size[oi * k + ki] = a
                        }
                    }
                    let r = bothWidths { () -> [Float] in
                        var dw = start
                        var planesInfo = mcn_direct_planes(planes: planes, q: q, inPlane: inPlane, dyPlane: q, ldd: planes * q)
                        mcn_direct_conv_weight_gradient(&planesInfo, input, off, k, dy, o, &dw)
                        return dw
                    }
                    for (i, e) in expected.enumerated() {
                        let tolerance = 1e-6 * (1 + size[i])
                        XCTAssertEqual(Double(r.wide[i]), e, accuracy: tolerance, "AVX-512: Q \(q) planes \(planes) K \(k) at \(i)")
                        XCTAssertEqual(Double(r.narrow[i]), e, accuracy: tolerance, "AVX2: Q \(q) planes \(planes) K \(k) at \(i)")
                    }
                }
            }
        }
    }

    /// Channels-last products: 4 to 36 tiles (an even number, as the AVX2 kernel's blocks of 6 and
    /// 4 need; the AVX-512 one's blocks of 12, 8, 6 and 4, and single tiles for 14's last 2), 16 and
    /// 32 output channels, 9 and 36 taps.
    func testChannelsLastProductsSameBits() {
        var rng = RNG(seed: 33)
        for tiles in [4, 6, 8, 10, 12, 14, 16, 20, 36] {
            for o in [16, 32] {
                for k in [9, 36] {
                    let ldt = 40
                    let koff = (0..<k).map { _ in Int(rng.uniform(0, 24)) }
                    let v = random(tiles * ldt + 24, &rng), u = random(k * o, &rng)
                    let r = bothWidths { () -> [Float] in
                        var m = [Float](repeating: .nan, count: tiles * o)
                        mcn_products_cl(v, ldt, koff, k, u, o, &m, tiles)
                        return m
                    }
                    XCTAssertTrue(r.wide == r.narrow, "tiles \(tiles) O \(o) K \(k)")
                }
            }
        }
    }

    /// Channels-last weight-gradient sums: 1 to 36 taps (runs of 12 and whatever is left), 16 and 32
    /// output channels, added to what is there.
    func testChannelsLastSumsSameBits() {
        var rng = RNG(seed: 34)
        for k in [1, 2, 3, 5, 6, 9, 12, 13, 14, 16, 32, 36] {
            for o in [16, 32] {
                let ldt = 40, tiles = 16
                let koff = (0..<k).map { _ in Int(rng.uniform(0, 24)) }
                let v = random(tiles * ldt + 24, &rng), z = random(tiles * o, &rng), start = random(k * o, &rng)
                let r = bothWidths { () -> [Float] in
                    var s = start
                    mcn_wgrad_cl(v, ldt, koff, k, z, o, &s, tiles)
                    return s
                }
                XCTAssertTrue(r.wide == r.narrow, "K \(k) O \(o)")
            }
        }
    }

    /// The channels-last Winograd F(4×4) (transforms 16 channels a vector, products and sums):
    /// forward, weight gradient and input gradient of R(2+1)D's and r3d's layer1 convolutions give
    /// the same bits with either width.
    func testChannelsLastWinogradSameBits() {
        var rng = RNG(seed: 35)
        for (xs, ws) in [([2, 16, 3, 32, 32], [16, 16, 1, 3, 3]), ([2, 16, 4, 32, 32], [16, 16, 3, 3, 3])] {
            let g = Conv3dGeometry(input: xs, weight: ws, stride: (1, 1, 1), padding: (ws[2] / 2, 1, 1))
            XCTAssertTrue(ConvolutionPaths.takesWinogradChannelsLast(g), g.label)
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
            let dy = Tensor.randn(g.outputShape, rng: &rng)
            let r = bothWidths { () -> ([Float], [Float], [Float]) in
                let y = conv3dForward(x, w, g)
                let dw = Tensor.zeros(ws), dx = Tensor.zeros(xs)
                conv3dBackward(x, w, dy.pointer, g, dw: dw.pointer, dx: dx.pointer)
                return (y.toArray(), dw.toArray(), dx.toArray())
            }
            XCTAssertTrue(r.wide.0 == r.narrow.0, "\(g.label): forward")
            XCTAssertTrue(r.wide.1 == r.narrow.1, "\(g.label): weight gradient")
            XCTAssertTrue(r.wide.2 == r.narrow.2, "\(g.label): input gradient")
        }
    }
}
