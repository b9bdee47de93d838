import XCTest
import MCNTrain
@testable import MCNTUI

/// Whole screens and panel states rendered to text, compared with golden files at 120×40 and 80×24.
final class PanelGoldenTests: XCTestCase {
    let s = Fixtures.snapshot

    func render(_ ui: UIState = UIState(), _ w: Int, _ h: Int, ctx: RenderContext = Fixtures.dark, snapshot: Snapshot? = nil) -> ScreenBuffer {
        ScreenRenderer.render(snapshot ?? s, ui, width: w, height: h, ctx)
    }

    func testFullScreenAtTwoSizes() {
        GoldenFiles.check(render(UIState(), 120, 40), "screen-120x40")
        GoldenFiles.check(render(UIState(), 80, 24), "screen-80x24")
    }

    func testCurvesSettings() {
        var ui = UIState()
        ui.smoothingIndex = 0; ui.logY = true; ui.zoomSteps = 200
        GoldenFiles.check(render(ui, 120, 40), "curves-raw-logy-zoom-120x40")
        ui = UIState(); ui.seriesSet = 3; ui.smoothingIndex = 3
        GoldenFiles.check(render(ui, 80, 24), "curves-accuracy-80x24")
    }

    func testRetrievalBrowserFocusedAndFiltered() {
        var ui = UIState()
        ui.focus = .retrieval; ui.filter = "band"; ui.filterEditing = true; ui.selectedQuery = 1
        GoldenFiles.check(render(ui, 120, 40), "retrieval-filter-120x40")
    }

    func testDetailViewAtTwoSizes() {
        var ui = UIState()
        ui.focus = .retrieval; ui.detailOpen = true; ui.selectedQuery = 2
        GoldenFiles.check(render(ui, 120, 40), "detail-120x40")
        GoldenFiles.check(render(ui, 80, 24), "detail-80x24")
    }

    func testHelpAndQuitDialog() {
        var ui = UIState(); ui.helpOpen = true
        GoldenFiles.check(render(ui, 120, 40), "help-120x40")
        ui = UIState(); ui.confirmQuit = true
        GoldenFiles.check(render(ui, 80, 24), "quit-dialog-80x24")
    }

    /// At 80×24 the help does not fit even in two columns: it is one column that scrolls, and its
    /// border says there is more (the top, the end, and a read-only view without the engine keys).
    func testHelpScrollsWhenItDoesNotFit() {
        var ui = UIState(); ui.helpOpen = true
        GoldenFiles.check(render(ui, 80, 24), "help-80x24")
        ui.helpScroll = 1000  // past the end: drawn at the end
        GoldenFiles.check(render(ui, 80, 24), "help-end-80x24")
        var view = UIState(readOnly: true); view.helpOpen = true
        GoldenFiles.check(render(view, 120, 40), "help-view-120x40")
    }

    func testHiddenPanelsReflow() {
        var ui = UIState(); ui.visible = [.curves, .log]; ui.focus = .log
        GoldenFiles.check(render(ui, 120, 40), "panels-curves-log-120x40")
    }

    func testTooSmall() {
        GoldenFiles.check(render(UIState(), 70, 20), "too-small-70x20")
    }

    func testASCIIAndMono() throws {
        let mono = try Theme.load("mono", searchDirectories: [])
        GoldenFiles.check(render(UIState(), 80, 24, ctx: RenderContext(theme: mono, glyphs: .ascii, colour: false)), "ascii-mono-80x24")
        GoldenFiles.check(render(UIState(), 80, 24, ctx: RenderContext(theme: .dark, glyphs: .block)), "block-80x24")
    }

    func testEmptyRunBeforeTheEngineSpeaks() {
        GoldenFiles.check(render(UIState(), 80, 24, snapshot: Snapshot()), "empty-80x24")
    }

    func testASCIIScreensHaveOnlyASCII() {
        let b = render(UIState(), 120, 40, ctx: RenderContext(theme: .dark, glyphs: .ascii))
        XCTAssertTrue(b.cells.allSatisfy { $0.ch.isASCII })
    }

    /// The System panel names OpenBLAS's kernel set when the engine reports it.
    func testSystemPanelNamesTheBLASCore() {
        var snapshot = s
        snapshot.system?.blasCore = "SkylakeX"
        XCTAssertTrue(render(UIState(), 120, 40, snapshot: snapshot).textDump().contains("BLAS SkylakeX ×2"))
        XCTAssertFalse(render(UIState(), 120, 40).textDump().contains("SkylakeX"))
    }
}
