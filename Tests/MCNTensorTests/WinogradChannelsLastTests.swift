import CTensorKernels
import XCTest
@testable import MCNTensor

/// Winograd with its domain channels-last (WinogradChannelsLast.c) against the by-channel layout it
/// replaces: the same arithmetic in the same order, so the same bits (the reference
/// tests check both against the six loops).
final class WinogradChannelsLastTests: XCTestCase {
    /// F(4×4): R(2+1)D's and r3d's layer1 convolutions (16 → 16, one and three temporal taps,
    /// temporal padding 1), 8 → 32 (two runs of 16 output channels, one vector of input channels) on
    /// planes of 16 tiles a row with an even temporal kernel and no temporal padding. F(2×2), weight
    /// gradients only: r3d's layer2 3×3×3 32 → 32 (rows of 8 tiles) and a layer3-sized one over 16
    /// channels (rows of 4 tiles).
    static let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
        ([2, 16, 3, 32, 32], [16, 16, 1, 3, 3], (1, 1, 1), (0, 1, 1)),
        ([2, 16, 4, 32, 32], [16, 16, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
        ([2, 8, 3, 16, 64], [32, 8, 2, 3, 3], (1, 1, 1), (0, 1, 1)),
        ([2, 32, 2, 16, 16], [32, 32, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
        ([2, 16, 3, 8, 8], [16, 16, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
    ]

    /// F(4×4) forwards with and without a BatchNorm + ReLU on the way in, assigning and accumulating,
    /// with the batch statistics gathered; on the AVX2 kernels and on the plain loops.
    func testSameBitsAsTheByChannelLayout() {
        let saved = (WinogradConv.channelsLastEnabled, WinogradConv.enabled, WinogradConv.largeTiles)
        defer { (WinogradConv.channelsLastEnabled, WinogradConv.enabled, WinogradConv.largeTiles) = saved }
        (WinogradConv.enabled, WinogradConv.largeTiles) = (true, true)
        var rng = RNG(seed: 21)
        for plainLoops in [false, true] {
            mcn_direct_conv_force_generic(plainLoops ? 1 : 0)
            defer { mcn_direct_conv_force_generic(0) }
            for (xs, ws, s, p) in Self.cases.prefix(3) {
                let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
                let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
                let scale = Tensor.uniform([xs[1]], 0.5, 1.5, rng: &rng), shift = Tensor.randn([xs[1]], std: 0.3, rng: &rng)
                let start = Tensor.randn(g.outputShape, rng: &rng)
                for withTransform in [false, true] {
                    for accumulate in [false, true] {
                        func run(channelsLast: Bool) -> ([Float], [Double]) {
                            WinogradConv.channelsLastEnabled = channelsLast
                            guard let path = WinogradConv(g) else {
                                XCTFail("\(g.label): Winograd does not take it")
                                return ([], [])
                            }
                            XCTAssertEqual(path.channelsLast, channelsLast, g.label)
                            XCTAssertEqual(path.tile, 4, g.label)
                            let y = start.copy()
                            let moments = ChannelMoments(samples: g.n, channels: g.o)
                            let transform = ConvInputTransform(scale: UnsafePointer(scale.pointer), shift: UnsafePointer(shift.pointer))
                            path.forwardWork(x, w, into: y.pointer, accumulate: accumulate,
                                             transform: withTransform ? transform : nil,
                                             moments: accumulate ? nil : moments).run()
                            return (y.toArray(), Array(UnsafeBufferPointer(start: moments.sums, count: g.n * g.o * 2)))
                        }
                        let (a, b) = (run(channelsLast: true), run(channelsLast: false))
                        let what = "\(g.label) transform \(withTransform) accumulate \(accumulate) plain \(plainLoops)"
                        XCTAssertTrue(a.0 == b.0, "\(what): outputs differ")
                        XCTAssertTrue(a.1 == b.1, "\(what): gathered moments differ")
                    }
                }
            }
        }
    }

    /// The weight gradient in the channels-last domain against the by-channel one (kt ≥ 2; with one
    /// temporal tap the by-channel layout leaves it to the direct kernel, as above 32 channels), with
    /// and without a BatchNorm + ReLU on the way in: the sums run in another order, so to rounding.
    func testWeightGradientMatchesTheOtherPaths() {
        let saved = WinogradConv.channelsLastEnabled
        defer { WinogradConv.channelsLastEnabled = saved }
        var rng = RNG(seed: 22)
        for (xs, ws, s, p) in Self.cases {
            let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.3, rng: &rng)
            let dy = Tensor.randn(g.outputShape, rng: &rng)
            let scale = Tensor.uniform([xs[1]], 0.5, 1.5, rng: &rng), shift = Tensor.randn([xs[1]], std: 0.3, rng: &rng)
            let transform = ConvInputTransform(scale: UnsafePointer(scale.pointer), shift: UnsafePointer(shift.pointer))
            for withTransform in [false, true] {
                func dw(channelsLast: Bool) -> [Float] {
                    WinogradConv.channelsLastEnabled = channelsLast
                    XCTAssertEqual(WinogradConv(g, weightGradient: true)?.channelsLast ?? false,
                                   channelsLast && WinogradConv.fitsChannelsLast(g, weightGradient: true), g.label)
                    let out = Tensor.zeros(ws)
                    withExtendedLifetime(dy) {
                        _ = conv3dBackward(x, w, dy.pointer, g, dw: out.pointer, dx: nil, dxFresh: false,
                                           transform: withTransform ? transform : nil)
                    }
                    return out.toArray()
                }
                let (a, b) = (dw(channelsLast: true), dw(channelsLast: false))
                let scaleOf = b.map { Swift.abs($0) }.max() ?? 1
                for i in 0..<a.count where Swift.abs(a[i] - b[i]) > 1e-4 * max(1, scaleOf) {
                    XCTFail("\(g.label) transform \(withTransform): dw[\(i)] \(a[i]) vs \(b[i])")
                    break
                }
            }
        }
    }

    /// Where the layout applies: input channels a multiple of 8 and output channels of 16 (weight
    /// gradients ≤ 32); the by-channel layout elsewhere.
    func testAppliesToChannelsInEightsAndSixteens() {
        let saved = WinogradConv.channelsLastEnabled
        defer { WinogradConv.channelsLastEnabled = saved }
        WinogradConv.channelsLastEnabled = true
        func layout(_ xs: [Int], _ ws: [Int], _ p: (Int, Int, Int)) -> Bool? {
            WinogradConv(Conv3dGeometry(input: xs, weight: ws, stride: (1, 1, 1), padding: p))?.channelsLast
        }
        XCTAssertEqual(layout([2, 16, 8, 32, 32], [16, 16, 1, 3, 3], (0, 1, 1)), true)
        XCTAssertEqual(layout([2, 12, 4, 32, 32], [16, 12, 3, 3, 3], (1, 1, 1)), false)   // 12 channels in
        XCTAssertEqual(layout([2, 16, 4, 32, 32], [12, 16, 3, 3, 3], (1, 1, 1)), false)   // 12 out
        XCTAssertEqual(layout([2, 32, 2, 16, 16], [32, 32, 1, 3, 3], (0, 1, 1)), false)   // F(2×2) forward
        XCTAssertEqual(layout([2, 64, 2, 32, 32], [64, 64, 1, 3, 3], (0, 1, 1)), false)   // 64 channels
        func weightGradientLayout(_ xs: [Int], _ ws: [Int]) -> Bool? {
            WinogradConv(Conv3dGeometry(input: xs, weight: ws, stride: (1, 1, 1), padding: (1, 1, 1)), weightGradient: true)?.channelsLast
        }
        XCTAssertEqual(weightGradientLayout([2, 32, 2, 16, 16], [32, 32, 3, 3, 3]), true)   // F(2×2), three taps
        XCTAssertNil(WinogradConv(Conv3dGeometry(input: [2, 32, 2, 16, 16], weight: [32, 32, 1, 3, 3], stride: (1, 1, 1),
                                                 padding: (0, 1, 1)), weightGradient: true))   // one tap: direct
        XCTAssertNil(weightGradientLayout([2, 64, 2, 8, 8], [64, 64, 3, 3, 3]))   // 64 channels: vol2col + sgemm
    }
}
