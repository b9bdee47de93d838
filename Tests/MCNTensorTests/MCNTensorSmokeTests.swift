import XCTest
@testable import MCNTensor

final class MCNTensorSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
