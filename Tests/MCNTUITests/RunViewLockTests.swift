import XCTest
@testable import MCNTUI
@testable import MCNTrain

/// `view` asks the trainer's lock whether the run's trainer is still there (RunLock).
final class RunViewLockTests: XCTestCase {
    func makeRun(log: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mcn-view-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try (#"{"step":1,"epoch":0,"clips_per_s":40,"loss_total":3,"step_seconds":0.4}"# + "\n")
            .write(to: dir.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
        try log.write(to: dir.appendingPathComponent("train.log"), atomically: true, encoding: .utf8)
        return dir
    }

    static let t = "2026-11-28T12:44:01.499Z"

    /// A paused run whose trainer is killed no longer reads as paused for ever; while the trainer
    /// holds its lock, a long quiet is no ending.
    func testATrainerGoneWithoutAnEndingReadsAsInterrupted() throws {
        let dir = try makeRun(log: "\(Self.t) info    training 12 steps: sample-data: ucf101 split 1\n\(Self.t) info    paused at step 1\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        var lock: RunLock? = try RunDirectory(path: dir.path).lockForTraining()
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().state, .paused)
        b.apply(f.poll(now: Date() + 3600))
        XCTAssertEqual(b.snapshot().state, .paused)
        withExtendedLifetime(lock) {}
        lock = nil   // the trainer is gone (as after kill -9: the kernel drops the lock)
        // Files that grew moments ago may be written by a trainer whose lock this machine cannot
        // see (NFS without shared locks); some seconds later, nothing new: interrupted.
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().state, .paused)
        b.apply(f.poll(now: Date() + RunDirectoryFollower.growthWithoutLockSeconds + 1))
        XCTAssertEqual(b.snapshot().state, .interrupted)
        XCTAssertNil(b.snapshot().etaSeconds)
        let warning = try XCTUnwrap(b.snapshot().logs.last?.text)
        XCTAssertTrue(warning.contains("not running") && warning.contains("--resume auto"), warning)
        // Resumed: running again.
        lock = try RunDirectory(path: dir.path).lockForTraining()
        let h = try FileHandle(forWritingTo: dir.appendingPathComponent("train.log"))
        try h.seekToEnd()
        try h.write(contentsOf: Data("\(Self.t) info    resumed at step 1 of 12\n".utf8))
        try h.close()
        b.apply(f.poll(now: Date() + 7200))
        XCTAssertEqual(b.snapshot().state, .running, "a held lock: running, however quiet")
        withExtendedLifetime(lock) {}
    }

    /// A run that said it finished is finished, lock or no lock; a run from before the lock keeps
    /// the quiet-files rule (testQuietFilesFallBackToFinished).
    func testAnEndingInTrainLogWins() throws {
        let dir = try makeRun(log: "\(Self.t) info    training 12 steps: x\n\(Self.t) info    finished 12 steps\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try RunDirectory(path: dir.path).lockForTraining()   // taken and dropped at once
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().state, .finished)
        XCTAssertEqual(HeaderPanel.stateBadge(b.snapshot()).0, "FINISHED")
    }

    func testTheInterruptedBadge() {
        var s = Snapshot()
        s.state = .interrupted
        XCTAssertEqual(HeaderPanel.stateBadge(s).0, "INTERRUPTED")
        XCTAssertFalse(KeyTable.canSteer(UIState(readOnly: false), state: .interrupted))
    }
}

/// Errors after which the engine trains on do not read as the run's end in `view`.
final class TrainLogRecoverableErrorTests: XCTestCase {
    func testErrorsTheRunSurvivesLeaveTheStateAlone() {
        let t = "2026-11-28T12:44:01.499Z"
        for survived in [
            "checkpoint at step 200 not written: /r/checkpoints/step-00000200.safetensors: write failed: No space left on device; the newest is still step 100, training goes on (c tries again)",
            "metrics not written from step 201: /r/metrics.jsonl: write failed: No space left on device; training goes on",
        ] {
            XCTAssertNil(TrainLogLine("\(t) error   \(survived)")?.state, survived)
        }
        XCTAssertEqual(TrainLogLine("\(t) error   step 300: the last checkpoint could not be written; the newest one is step 200")?.state, .error)
    }
}
