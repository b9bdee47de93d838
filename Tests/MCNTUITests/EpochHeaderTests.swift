import XCTest
import MCNTrain
@testable import MCNTUI

/// The header's epoch: the epoch of the step shown, counted from 1, out of the run's epochs (the
/// last maybe partial), the same live and in `view`.
final class EpochHeaderTests: XCTestCase {
    func header(_ s: Snapshot, readOnly: Bool = false) -> String {
        ScreenRenderer.render(s, UIState(readOnly: readOnly), width: 120, height: 40, Fixtures.dark).rowText(1)
    }

    /// "ep E/T" as the header writes it.
    func epoch(_ header: String) -> String? {
        header.range(of: #" ep \d+(/\d+)?"#, options: .regularExpression).map { String(header[$0].dropFirst()) }
    }

    func info(total: Int, perEpoch: Int, start: Int = 0) -> RunInfo {
        RunInfo(name: "r", runDirectory: "/r", method: "mcn", mode: "", backbone: "", totalSteps: total, stepsPerEpoch: perEpoch,
                startStep: start, batchVideos: 8, clipShape: [], datasetSummary: "")
    }

    /// Step s as the engine reports it: trained on a batch of epoch (s − 1) / E, from 0.
    func step(_ s: Int, perEpoch: Int) -> EngineEvent {
        .step(StepMetrics(step: s, epoch: (s - 1) / perEpoch, values: ["loss_total": 1], clipsPerSecond: 10,
                          dataWaitSeconds: 0, stepSeconds: 1))
    }

    func testTheEpochOfTheStepShownCountedFromOne() {
        // 200 steps of 12 a epoch: 17 epochs, the last of 8 steps.
        var b = SnapshotBuilder()
        b.apply(.started(info(total: 200, perEpoch: 12)))
        XCTAssertEqual(epoch(header(b.snapshot())), "ep 1/17", "before the first step")
        for (s, shown) in [(1, "ep 1/17"), (12, "ep 1/17"), (13, "ep 2/17"), (192, "ep 16/17"), (193, "ep 17/17"), (200, "ep 17/17")] {
            b.apply(step(s, perEpoch: 12))
            XCTAssertEqual(epoch(header(b.snapshot())), shown, "step \(s)")
        }
        // A run resumed at the end of an epoch is in that epoch until its next step.
        var r = SnapshotBuilder()
        r.apply(.started(info(total: 200, perEpoch: 12, start: 24)))
        XCTAssertEqual(epoch(header(r.snapshot())), "ep 2/17")
        r.apply(step(25, perEpoch: 12))
        XCTAssertEqual(epoch(header(r.snapshot())), "ep 3/17")
    }

    /// A run given in steps: `view` takes the epoch's length from the engine's dataset summary and
    /// the batch, as the trainer's loader makes it (216 videos in batches of 8: 27 steps).
    func testViewKnowsTheEpochOfARunGivenInSteps() throws {
        let dir = NSTemporaryDirectory() + "mcn-epoch-view-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[run]\nsteps = 200\n[optim]\nbatch_videos = 8\n".write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
        try "2026-11-28T12:44:01.499Z info    training 200 steps: /d/sample-data: ucf101 split 1, 12 classes, 216 train / 72 test videos\n"
            .write(toFile: dir + "/train.log", atomically: true, encoding: .utf8)
        try #"{"step":200,"epoch":7,"kind":"step","loss_total":1,"step_seconds":0.5}"#.appending("\n")
            .write(toFile: dir + "/metrics.jsonl", atomically: true, encoding: .utf8)
        var f = RunDirectoryFollower(directory: dir)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().run?.stepsPerEpoch, 27)
        XCTAssertEqual(epoch(header(b.snapshot(), readOnly: true)), "ep 8/8")
        XCTAssertEqual(RunConfigReader.trainVideos(in: "d: hmdb51 split 1, 51 classes, 3570 train / 1530 test videos; 2 missing"), 3570)
        XCTAssertNil(RunConfigReader.trainVideos(in: "synthetic: 12 videos of [3, 4, 16, 16]"))
    }

    /// A real engine's run: its live header and `view`'s of the files it wrote say the same epoch.
    func testLiveAndViewSayTheSameEpoch() throws {
        let root = NSTemporaryDirectory() + "mcn-epoch-live-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = RunDirectory(path: root)
        // 3 steps an epoch (the synthetic data), 2 epochs.
        let (live, view) = try Fixtures.liveAndViewed(run: run, ["run.epochs=2", "run.checkpoint_every=0"])
        XCTAssertEqual(live.step, 6)
        XCTAssertEqual(epoch(header(live)), "ep 2/2")
        XCTAssertEqual(epoch(header(view, readOnly: true)), "ep 2/2")
    }
}
