import Foundation
import XCTest
import MCNTrain
@testable import MCNTUI

/// One checkpoint is one log line, with its path, live and read back (it was two: the engine's
/// "checkpoint written: PATH" and the snapshot's own "checkpoint at step N: PATH").
final class CheckpointLogTests: XCTestCase {
    func checkpointLines(_ s: Snapshot) -> [LogLine] { s.logs.filter { $0.text.lowercased().contains("checkpoint") } }

    func testOneCheckpointIsOneLogLineLiveAndReadBack() throws {
        let root = NSTemporaryDirectory() + "mcn-ckpt-log-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = RunDirectory(path: root)
        let engine = try Fixtures.tinyEngine(run: run, ["run.checkpoint_every=2", "run.steps=3"])
        engine.runLoop()
        var live = SnapshotBuilder()
        live.apply(engine.events.drain())
        let s = live.snapshot()
        XCTAssertEqual(s.checkpoints.map(\.step), [2, 3])
        XCTAssertEqual(checkpointLines(s).map(\.text), s.checkpoints.map { "checkpoint written: \($0.path)" })
        XCTAssertEqual(checkpointLines(s).map(\.step), [2, 3])

        var view = SnapshotBuilder()
        let log = try String(contentsOfFile: run.logPath, encoding: .utf8)
        for line in log.split(separator: "\n") { if let l = TrainLogLine(String(line)) { view.apply(l.events) } }
        XCTAssertEqual(view.snapshot().checkpoints, s.checkpoints)
        XCTAssertEqual(checkpointLines(view.snapshot()).map(\.text), checkpointLines(s).map(\.text))
    }

    func testTheDemoSaysACheckpointOnce() {
        var b = SnapshotBuilder()
        b.apply(Fixtures.generator.history(steps: 500))
        XCTAssertEqual(checkpointLines(b.snapshot()).map(\.text), ["checkpoint written: runs/demo-mcn/checkpoints/step-00000250.safetensors",
                                                                   "checkpoint written: runs/demo-mcn/checkpoints/step-00000500.safetensors"])
    }
}
