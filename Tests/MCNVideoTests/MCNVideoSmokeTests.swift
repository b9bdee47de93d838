import XCTest
@testable import MCNVideo

final class MCNVideoSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
