import Foundation
import XCTest
import MCNTrain
@testable import MCNTUI

/// The live header of a real engine's run.
final class LiveHeaderTests: XCTestCase {
    /// The contrastive baseline has no first/second-order mode: its header names none (the
    /// read-only view's header was fixed not to; the live one never did, and this keeps it so).
    func testContrastiveBaselineNamesNoMode() throws {
        let root = NSTemporaryDirectory() + "mcn-live-header-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (method, label) in [("contrastive", "Contrastive baseline · "), ("mcn", "MCN first-order · ")] {
            let engine = try Fixtures.tinyEngine(run: RunDirectory(path: root + "/" + method),
                                                 ["method.method=\(method)", "method.mode=first-order", "run.steps=1"])
            engine.runLoop()
            var b = SnapshotBuilder()
            b.apply(engine.events.drain())
            XCTAssertEqual(b.snapshot().run?.mode, method == "mcn" ? "first-order" : "")
            let header = ScreenRenderer.render(b.snapshot(), UIState(), width: 120, height: 40, Fixtures.dark).rowText(0)
            XCTAssertTrue(header.contains(label), header)
            if method == "contrastive" { XCTAssertFalse(header.contains("order"), header) }
        }
    }
}
