import XCTest
@testable import MCNTUI

final class BufferTests: XCTestCase {
    func testTextIsClippedAndBoxesHaveTitles() {
        var b = ScreenBuffer(width: 12, height: 4)
        b.box(b.bounds, title: "Title that is long", style: .plain, titleStyle: Style(attrs: .bold), glyphs: .unicode)
        b.text("hello world!", x: 1, y: 1, style: .plain, clip: b.bounds.inset(1))
        XCTAssertEqual(b.textDump(), "┌ Title t… ┐\n│hello worl│\n│          │\n└──────────┘\n")
        XCTAssertTrue(b.attributeDump().hasPrefix("a fg=default bg=default +b\n--\n"))
    }

    func testWideAndControlCharactersKeepTheGrid() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.text("a\t漢b", x: 0, y: 0, style: .plain)
        XCTAssertEqual(b.rowText(0), "a ?b  ")
    }

    func testBarsAndRects() {
        var b = ScreenBuffer(width: 4, height: 1)
        b.bar(x: 0, y: 0, width: 4, fraction: 0.5 + 1.0 / 32, style: .plain, track: .plain, glyphs: .unicode)
        XCTAssertEqual(b.rowText(0), "██▏·")
        let r = Rect(x: 0, y: 0, width: 10, height: 10)
        XCTAssertEqual(r.columns([1, 1, 1]).map(\.width), [3, 3, 4])
        XCTAssertEqual(r.splitTop(3).rest, Rect(x: 0, y: 3, width: 10, height: 7))
        XCTAssertEqual(r.centered(width: 4, height: 2), Rect(x: 3, y: 4, width: 4, height: 2))
    }

    func testLayoutGivesHiddenPanelsRoomToOthers() {
        let all = ScreenLayout(width: 120, height: 40, visible: Set(PanelID.allCases))
        XCTAssertEqual(Set(all.panels.keys), Set(PanelID.allCases))
        let two = ScreenLayout(width: 120, height: 40, visible: [.curves, .retrieval])
        XCTAssertEqual(two.panels[.curves]?.width, 120); XCTAssertEqual(two.panels[.retrieval]?.width, 120)
        let one = ScreenLayout(width: 120, height: 40, visible: [.log])
        XCTAssertEqual(one.panels[.log], one.body)
    }
}
