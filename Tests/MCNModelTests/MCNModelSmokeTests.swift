import XCTest
@testable import MCNModel

final class MCNModelSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
