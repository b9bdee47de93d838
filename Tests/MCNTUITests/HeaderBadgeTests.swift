import XCTest
import MCNTrain
@testable import MCNTUI

/// The header's state badges fit the row whole, however many there are.
final class HeaderBadgeTests: XCTestCase {
    func testBadgesEndAtTheRightEdgeWhole() {
        var s = Fixtures.snapshot; s.state = .finished
        var ui = UIState(readOnly: true); ui.frozen = true
        let row = ScreenRenderer.render(s, ui, width: 120, height: 40, Fixtures.dark).rowText(0)
        XCTAssertTrue(row.hasSuffix(" VIEW   FROZEN   FINISHED "), row)
        let one = ScreenRenderer.render(s, UIState(), width: 120, height: 40, Fixtures.dark).rowText(0)
        XCTAssertTrue(one.hasSuffix(" FINISHED "), one)
    }
}
