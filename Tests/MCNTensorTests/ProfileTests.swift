import XCTest
@testable import MCNTensor

final class ProfileTests: XCTestCase {
    /// A profiled pass lists each convolution shape once, in order, with its calls' FLOPs summed:
    /// forward once per call, backward twice (dW and dX) when the input takes a gradient.
    func testProfileListsEachConvolutionShape() {
        var rng = RNG(seed: 3)
        let t = Tape()
        let profile = OpProfile()
        t.startProfiling(profile)
        let x = t.leaf(Tensor.randn([2, 3, 4, 8, 8], rng: &rng))
        let w1 = t.leaf(Tensor.randn([4, 3, 3, 3, 3], rng: &rng)), w2 = t.leaf(Tensor.randn([4, 4, 1, 1, 1], rng: &rng))
        var h = t.conv3d(x, w1, padding: (1, 1, 1))
        h = t.conv3d(h, w2)
        h = t.conv3d(h, w2)
        t.backward(t.mean(h))
        XCTAssertEqual(profile.details.map(\.label), ["conv.3x3x3.3-4.4x8x8.s1", "conv.1x1x1.4-4.4x8x8.s1"])
        let g1 = Conv3dGeometry(input: [2, 3, 4, 8, 8], weight: [4, 3, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        let g2 = Conv3dGeometry(input: [2, 4, 4, 8, 8], weight: [4, 4, 1, 1, 1], stride: (1, 1, 1), padding: (0, 0, 0))
        XCTAssertEqual(profile.details[0].forwardFlops, g1.forwardFlops)
        XCTAssertEqual(profile.details[0].backwardFlops, 2 * g1.forwardFlops)
        XCTAssertEqual(profile.details[1].forwardFlops, 2 * g2.forwardFlops)
        XCTAssertEqual(profile.details[1].backwardFlops, 4 * g2.forwardFlops)
        let table = profile.detailTable.split(separator: "\n")
        XCTAssertEqual(table.count, 2)
        XCTAssertTrue(table[1].hasPrefix("conv.1x1x1.4-4.4x8x8.s1"), String(table[1]))
        XCTAssertTrue(table[1].contains("GFLOP/s") && table[1].hasSuffix("%"), String(table[1]))
    }
}
