import XCTest
@testable import MCNTUI

/// Cutting, eliding and wrapping text to a width.
final class TextFitTests: XCTestCase {
    let summary = "/work/main/sample-data: ucf101 split 1, 12 classes, 192 train / 96 test videos"

    func testAtBoundaryCutsAtAClauseThenAWordNeverInsideANumber() {
        XCTAssertEqual(TextFit.atBoundary(summary, width: 200), summary)
        XCTAssertEqual(TextFit.atBoundary(summary, width: 76), "/work/main/sample-data: ucf101 split 1, 12 classes…")
        XCTAssertEqual(TextFit.atBoundary(summary, width: 40), "/work/main/sample-data: ucf101 split 1…")
        XCTAssertEqual(TextFit.atBoundary(summary, width: 30), "/work/main/sample-data…")
        XCTAssertNil(TextFit.atBoundary(summary, width: 20), "not even the first word fits")
        XCTAssertEqual(TextFit.atBoundary("192 train / 96 test videos", width: 17), "192 train / 96…")
        XCTAssertEqual(TextFit.atBoundary("192 train / 96 test videos", width: 13), "192 train…", "no dangling separator")
        // Every cut of the summary ends in a whole word.
        let words = Set(summary.split(separator: " ").map { String($0).trimmingTrailing(",;:/") })
        for w in 23..<summary.count {
            let cut = TextFit.atBoundary(summary, width: w)!
            XCTAssertLessThanOrEqual(cut.count, w)
            XCTAssertTrue(words.contains(String(cut.dropLast().split(separator: " ").last!)), cut)
        }
    }

    func testMiddleKeepsTheTail() {
        XCTAssertEqual(TextFit.middle("MoveLeft_g01_c01", width: 20, tail: 8), "MoveLeft_g01_c01")
        XCTAssertEqual(TextFit.middle("MoveLeft_g01_c01", width: 14, tail: 8), "MoveL…_g01_c01")
        XCTAssertEqual(TextFit.middle("MoveLeft_g01_c01", width: 10, tail: 8), "M…_g01_c01", "the tail before the start")
        XCTAssertEqual(TextFit.middle("MoveLeft_g01_c01", width: 8, tail: 8), "M…01_c01", "one character of the start stays")
        XCTAssertEqual(TextFit.middle("abcdef", width: 2, tail: 3), "a…")
    }

    func testWrapBreaksAtSpacesAndLongWordsAtTheRowEnd() {
        XCTAssertEqual(TextFit.wrap("one two three", width: 7), ["one two", "three"])
        XCTAssertEqual(TextFit.wrap("skipped /a/very/long/path.avi", width: 10), ["skipped", "/a/very/", "long/", "path.avi"], "paths break after a slash")
        XCTAssertEqual(TextFit.wrap("skipped /a/verylongname.avi", width: 10), ["skipped", "/a/verylon", "gname.avi"], "else at the row's end")
        XCTAssertEqual(TextFit.wrap("", width: 5), [""])
        XCTAssertEqual(TextFit.wrap("fits", width: 4), ["fits"])
        XCTAssertEqual(TextFit.wrap("one two three", width: 9, firstWidth: 3), ["one", "two three"])
        XCTAssertEqual(TextFit.chunk("abcdefgh", width: 3, firstWidth: 2), ["ab", "cde", "fgh"])
        XCTAssertEqual(TextFit.chunk("", width: 3), [""])
    }

    func testShortenPathsKeepsTheirLastTwoParts() {
        XCTAssertEqual(TextFit.shortenPaths("skipped: /work/data/MoveLeft/v_MoveLeft_g01_c01.avi: bad"), "skipped: …/MoveLeft/v_MoveLeft_g01_c01.avi: bad")
        XCTAssertEqual(TextFit.shortenPaths("see runs/a/b and /x/y ok"), "see …/a/b and /x/y ok", "relative paths too; short ones stay")
        XCTAssertEqual(TextFit.shortenPaths("192 train / 96 test"), "192 train / 96 test")
        XCTAssertEqual(TextFit.shortenPaths("./runs/a/checkpoints/step-1.pt", ellipsis: "~"), "~/checkpoints/step-1.pt")
        XCTAssertEqual(TextFit.shortenPaths("at /a/b/c.avi:", keep: 1), "at …/c.avi:")
    }
}
