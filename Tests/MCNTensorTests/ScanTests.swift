import XCTest
@testable import MCNTensor

/// firstBlockAbove against a plain loop: every start, threshold and length around the block sizes.
final class ScanTests: XCTestCase {
    func testFirstBlockAboveMatchesAPlainScan() {
        var rng = RNG(seed: 7)
        for n in [0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 200, 1000] {
            let x = (0..<n).map { _ in rng.uniform(-1, 1) }
            for threshold: Float in [-2, 0.9, 0.99, 2] {
                for start in Swift.stride(from: 0, through: n, by: 16) {
                    // Reference: first block start j >= start (step 16, j + 16 <= n) with a value above.
                    var expected = start
                    while expected + 16 <= n && !x[expected..<(expected + 16)].contains(where: { $0 > threshold }) { expected += 16 }
                    let got = x.withUnsafeBufferPointer {
                        firstBlockAbove($0.baseAddress ?? UnsafePointer(bitPattern: 16)!, from: start, count: n, threshold: threshold)
                    }
                    XCTAssertEqual(got, expected, "n \(n) start \(start) threshold \(threshold)")
                }
            }
        }
    }
}
