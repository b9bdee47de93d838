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
        let config = try RunConfig.load(file: nil, overrides: [
            "model.width=0.25", "model.feature_dim=32", "model.proj_dim=16", "model.meta_hidden=8",
            "data.clip_frames=4", "data.clip_size=16", "optim.batch_videos=4", "method.temperature=0.2",
            "run.checkpoint_every=2", "run.monitor_every=0", "run.steps=3",
        ])
        let run = RunDirectory(path: root)
        let engine = try TrainingEngine(config: config, run: run,
                                        data: SyntheticTrainingData(videosPerBatch: 4, viewsPerVideo: 2, clipShape: [3, 4, 16, 16], stepsPerEpoch: 3))
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
