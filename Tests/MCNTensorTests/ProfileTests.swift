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

    /// The per-kind table names every kind in full, in one column however long the names.
    func testKindTableNamesKindsInFull() {
        var rng = RNG(seed: 4)
        let t = Tape()
        let profile = OpProfile()
        t.startProfiling(profile)
        let x = t.leaf(Tensor.randn([2, 4, 2, 8, 8], rng: &rng)), w = t.leaf(Tensor.randn([4, 4, 1, 3, 3], rng: &rng))
        let state = BatchNormState(runningMean: Tensor.zeros([4]), runningVar: Tensor.filled([4], 1))
        let y = t.batchNormReLUConv3d(x, gamma: t.constant(Tensor.filled([4], 1)), beta: t.constant(Tensor.zeros([4])),
                                      state: state, w, padding: (0, 1, 1))
        t.backward(t.mean(y))
        let lines = profile.table.split(separator: "\n").map(String.init)
        let names = lines.map { $0.split(separator: " ").first.map(String.init) ?? "" }
        XCTAssertTrue(names.contains(OpKind.mean.rawValue), profile.table)
        XCTAssertTrue(names.contains(OpKind.conv3d.rawValue) || names.contains(OpKind.batchNormReLUConv3d.rawValue), profile.table)
        XCTAssertTrue(names.allSatisfy { OpKind(rawValue: $0) != nil }, profile.table)
        XCTAssertEqual(Set(lines.map { $0.range(of: " fwd ")!.lowerBound.utf16Offset(in: $0) }).count, 1, profile.table)
    }

    /// A median profile takes each row's median over the profiles, a row missing from a profile
    /// counting as 0 there, and lists detailed ops in order of first appearance in any of them.
    func testMedianProfileTakesEachRowsMedian() {
        let a = OpDetail(label: "conv.a", forwardFlops: 10, backwardFlops: 20)
        let b = OpDetail(label: "conv.b", forwardFlops: 5, backwardFlops: 0)
        let profiles = (0..<3).map { _ in OpProfile() }
        for (p, s) in zip(profiles, [3.0, 1.0, 2.0]) {
            p.add(.conv3d, a, forward: s)
            p.add(.conv3d, a, backward: 10 * s)
            p.add(.relu, nil, forward: s)
        }
        profiles[1].add(.conv3d, b, forward: 7)
        profiles[2].add(.conv3d, b, forward: 9)
        let m = OpProfile.median(profiles)
        XCTAssertEqual(m.details.map(\.label), ["conv.a", "conv.b"])
        XCTAssertEqual(m.details[0].forward, 2)
        XCTAssertEqual(m.details[0].backward, 20)
        XCTAssertEqual(m.details[0].forwardFlops, 10)
        XCTAssertEqual(m.details[0].backwardFlops, 20)
        XCTAssertEqual(m.details[1].forward, 7)  // 0, 7, 9
        XCTAssertEqual(m.forward[.relu], 2)
        XCTAssertEqual(m.backward[.relu], 0)
        XCTAssertEqual(m.forward[.conv3d], 8)  // 3, 1 + 7, 2 + 9
        XCTAssertEqual(m.backward[.conv3d], 20)
    }
}
