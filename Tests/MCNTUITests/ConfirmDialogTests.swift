import XCTest
import MCNTrain
@testable import MCNTUI

/// The quit dialog says one true thing about the last checkpoint: its age, counting the one a
/// resumed run started from, or that there is none.
final class ConfirmDialogTests: XCTestCase {
    func dialog(startStep: Int, step: Int, written: [Int]) -> String {
        var info = Fixtures.generator.runInfo
        info.startStep = startStep
        var b = SnapshotBuilder()
        b.apply(.started(info))
        b.apply(written.map { .checkpointSaved(step: $0, path: "/c/step-\($0)") })
        b.apply(.step(StepMetrics(step: step, epoch: 0, values: ["loss_total": 1], clipsPerSecond: 10, dataWaitSeconds: 0, stepSeconds: 1)))
        var ui = UIState(); ui.confirmQuit = true
        return ScreenRenderer.render(b.snapshot(), ui, width: 80, height: 24, Fixtures.dark).textDump()
    }

    func testTheLastCheckpointsAgeOrThatThereIsNone() {
        let fresh = dialog(startStep: 0, step: 117, written: [])
        XCTAssertTrue(fresh.contains("(there is no checkpoint yet)."), fresh)
        let resumed = dialog(startStep: 100, step: 117, written: [])
        XCTAssertTrue(resumed.contains("(the last checkpoint is 17 steps old)."), resumed)
        let written = dialog(startStep: 100, step: 251, written: [150, 250])
        XCTAssertTrue(written.contains("(the last checkpoint is 1 step old)."), written)
        for text in [fresh, resumed, written] { XCTAssertFalse(text.contains("none written"), text) }
    }
}
