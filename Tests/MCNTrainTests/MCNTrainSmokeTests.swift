import XCTest
@testable import MCNTrain

final class MCNTrainSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
