import XCTest
import MCNTrain
@testable import MCNTUI

/// What the panels say in `view` about what only a live screen has: the retrieval neighbours and
/// the system figures are not in the run's files.
final class ReadOnlyPanelsTests: XCTestCase {
    /// A run as `view` reads it: steps and an in-run evaluation from metrics.jsonl (R@k, no neighbours).
    func viewed() -> Snapshot {
        var b = SnapshotBuilder()
        var p = MetricsLineParser()
        b.apply(.started(Fixtures.generator.runInfo))
        for (n, line) in [#"{"step":10,"epoch":0,"kind":"step","loss_total":3,"step_seconds":0.4,"clips_per_s":40}"#,
                          #"{"step":10,"epoch":0,"kind":"eval","R@1":0.25,"R@5":0.5}"#].enumerated() {
            b.apply(p.parse(line, lineNumber: n + 1))
        }
        return b.snapshot()
    }

    func testRetrievalWithoutNeighboursSaysTheyAreOnlyShownLive() {
        let s = viewed()
        XCTAssertEqual(s.retrieval?.queries.count, 0)
        var ui = UIState(readOnly: true); ui.focus = .retrieval
        let frame = ScreenRenderer.render(s, ui, width: 120, height: 40, Fixtures.dark)
        let text = frame.textDump()
        XCTAssertTrue(text.contains("R@1 25.0%"), text)
        XCTAssertTrue(text.contains("│ the neighbours are only shown live: the run's files keep R@k"), text)
        for gone in ["0 queries", "(/ filter)", "no query matches"] { XCTAssertFalse(text.contains(gone), gone) }
        // The footer offers no browsing of an empty list; Enter says why.
        let footer = frame.rowText(39)
        for gone in [" ↑/↓ query", " / filter", " Enter detail"] { XCTAssertFalse(footer.contains(gone), "\(gone) in \(footer)") }
        XCTAssertTrue(footer.contains(" q close"), footer)
        let ctx = KeyContext(snapshot: s, ui: ui, quitConfirmSteps: 100)
        XCTAssertEqual(KeyDispatch.handle(ui, .enter, ctx).ui.message, "the neighbours are only shown live")
        XCTAssertFalse(KeyDispatch.handle(ui, .enter, ctx).ui.detailOpen)
        // Narrow: the line wraps, still at the same indent.
        let narrow = ScreenRenderer.render(s, ui, width: 80, height: 24, Fixtures.dark).textDump()
        XCTAssertTrue(narrow.contains("│ the neighbours are only shown live: the run's"), narrow)
        // Live, with neighbours, the browser's keys are offered; a filter that hides all says so.
        var live = UIState(); live.focus = .retrieval
        let liveFooter = ScreenRenderer.render(Fixtures.snapshot, live, width: 200, height: 40, Fixtures.dark).rowText(39)
        XCTAssertTrue(liveFooter.contains(" / filter") && liveFooter.contains(" Enter detail"), liveFooter)
        live.filter = "no such video"
        let liveCtx = KeyContext(snapshot: Fixtures.snapshot, ui: live, quitConfirmSteps: 100)
        XCTAssertEqual(KeyDispatch.handle(live, .enter, liveCtx).ui.message, "no query matches the filter")
    }

    func testSystemPanelSaysItsFiguresAreOnlyShownLive() {
        var s = viewed()
        func panel(_ s: Snapshot, _ ui: UIState) -> [String] {
            var b = ScreenBuffer(width: 48, height: 8)
            SystemPanel.render(s, ui, into: &b, rect: Rect(x: 0, y: 0, width: 48, height: 8), Fixtures.dark)
            return (0..<8).map { b.rowText($0) }
        }
        var rows = panel(s, UIState(readOnly: true))
        XCTAssertTrue(rows[1].hasPrefix("│ system figures are only shown live"), rows[1])
        rows = panel(s, UIState())
        XCTAssertTrue(rows[1].hasPrefix("│ no system figures yet"), rows[1])
        // The monitors follow under the line, as under the figures.
        s.monitors = ["knn_top1": 0.5]
        rows = panel(s, UIState(readOnly: true))
        XCTAssertTrue(rows[2].hasPrefix("│knn_top1"), rows[2])
    }

    /// Live: an evaluation from the run's files (a resumed run's history) says how to get neighbours,
    /// and an evaluation under way says so instead of "no evaluation yet".
    func testLiveRetrievalFromTheFilesAndUnderWay() {
        var s = viewed()
        s.state = .running
        let fromFiles = ScreenRenderer.render(s, UIState(), width: 120, height: 40, Fixtures.dark).textDump()
        XCTAssertTrue(fromFiles.contains("read from the run's files, which keep R@k only: e evaluates now"), fromFiles)
        var fresh = SnapshotBuilder()
        fresh.apply(.started(Fixtures.generator.runInfo))
        fresh.apply(.state(.evaluating))
        let underWay = ScreenRenderer.render(fresh.snapshot(), UIState(), width: 120, height: 40, Fixtures.dark).textDump()
        XCTAssertTrue(underWay.contains("│ evaluating …"), underWay)
        XCTAssertFalse(underWay.contains("no evaluation yet"), underWay)
    }
}
