import XCTest
@testable import MCNTUI
@testable import MCNTrain

/// A resumed run's screen starts from the run's history (RunHistory).
final class RunHistoryTests: XCTestCase {
    func testTheHistoryUpToTheResumedStep() throws {
        let dir = NSTemporaryDirectory() + "mcn-history-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = (1...10).map { MetricsRow(step: $0, epoch: 0, kind: .step, values: ["loss_total": 3 - 0.1 * Double($0), "clips_per_s": 50]).jsonLine }
            + [MetricsRow(step: 5, epoch: 0, kind: .eval, values: ["R@1": 0.25]).jsonLine]
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/metrics.jsonl", atomically: true, encoding: .utf8)
        let t = "2026-11-28T12:44:01.499Z"
        try """
        \(t) info    training 10 steps: sample-data
        \(t) info    checkpoint written: \(dir)/checkpoints/step-00000006.safetensors
        \(t) info    checkpoint written: \(dir)/checkpoints/step-00000008.safetensors
        \(t) info    paused at step 8

        """.write(toFile: dir + "/train.log", atomically: true, encoding: .utf8)

        var b = SnapshotBuilder()
        b.apply(RunHistory.events(directory: dir, throughStep: 6))
        let s = b.snapshot()
        XCTAssertEqual(s.series["loss_total"]?.values.count, 6, "steps 1–6: the rows after the checkpoint are cut by the trainer")
        XCTAssertEqual(s.retrieval?.recall[1], 0.25)
        XCTAssertEqual(s.checkpoints.map(\.step), [6])
        XCTAssertEqual(s.logs.map(\.text).last, "paused at step 8")
        XCTAssertTrue(RunHistory.events(directory: dir + "/none", throughStep: 6).isEmpty)
    }

    func testALongFileIsReadFromItsTail() throws {
        let path = NSTemporaryDirectory() + "mcn-history-tail-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ((1...100).map { "line \($0)" }.joined(separator: "\n") + "\n{\"step\":10").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(RunHistory.tailLines(path, limit: 30), ["line 99", "line 100"], "the partial lines at the cut and at the end are dropped")
        XCTAssertEqual(RunHistory.tailLines(path).count, 100)
    }
}
