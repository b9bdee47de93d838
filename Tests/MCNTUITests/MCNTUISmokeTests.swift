import XCTest
@testable import MCNTUI

final class MCNTUISmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
