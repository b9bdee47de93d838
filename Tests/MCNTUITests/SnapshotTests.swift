import XCTest
import MCNTrain
@testable import MCNTUI

final class SnapshotTests: XCTestCase {
    func metrics(_ s: Int, _ v: Double = 1) -> EngineEvent {
        .step(StepMetrics(step: s, epoch: s / 10, values: ["loss_total": v, "inner_drop": 0.1], clipsPerSecond: 100,
                          dataWaitSeconds: 0.1, stepSeconds: 0.5))
    }

    func testFoldingEvents() {
        var b = SnapshotBuilder()
        let info = Fixtures.generator.runInfo
        b.apply([.started(info), .state(.running), metrics(1, 3), metrics(2, 2)])
        var s = b.snapshot()
        XCTAssertEqual(s.run, info); XCTAssertEqual(s.step, 2); XCTAssertEqual(s.state, .running)
        XCTAssertEqual(s.series["loss_total"]?.values, [3, 2]); XCTAssertEqual(s.latest["loss_total"], 2)
        XCTAssertEqual(s.clipsPerSecond, 100, accuracy: 1e-9); XCTAssertEqual(s.dataWaitShare, 0.2, accuracy: 1e-9)
        XCTAssertEqual(s.trainSeconds, 1, accuracy: 1e-9)
        XCTAssertEqual(s.etaSeconds!, Double(info.totalSteps - 2) * 0.5, accuracy: 1e-6)
        b.apply([.tasks(step: 2, [TaskLoss(video: "a", metaLoss: 1, pairAccuracy: 0.5)]), .checkpointSaved(step: 2, path: "/x"),
                 .monitors(step: 2, ["knn_top1": 0.3]), .state(.paused), .log(.warning, "one\ntwo")])
        s = b.snapshot()
        XCTAssertEqual(s.tasks.count, 1); XCTAssertEqual(s.lastCheckpointStep, 2); XCTAssertEqual(s.monitors["knn_top1"], 0.3)
        XCTAssertEqual(s.state, .paused)
        XCTAssertEqual(s.logs.map(\.text).suffix(2), ["one", "two"])
        XCTAssertFalse(s.logs.contains { $0.text.contains("/x") }, "a checkpoint's source logs it (CheckpointLogTests), not the snapshot")
        b.apply(.failed("NaN loss"))
        XCTAssertEqual(b.snapshot().state, .error); XCTAssertEqual(b.snapshot().failure, "NaN loss")
        b.apply(.finished(step: 2))
        XCTAssertEqual(b.snapshot().state, .finished)
    }

    func testSeriesStayBoundedAndKeepRecentStepsExact() {
        var h = SeriesHistory(capacity: 100)
        for s in 0..<1000 { h.append(step: s, value: Double(s)) }
        XCTAssertLessThanOrEqual(h.count, 100)
        XCTAssertEqual(h.steps.last, 999); XCTAssertEqual(h.values.last, 999)
        XCTAssertEqual(h.steps.first, 0, "old steps are averaged, never dropped")
        XCTAssertEqual(h.steps, h.steps.sorted())
        XCTAssertGreaterThan(h.coarsePrefix, 0)
        // The newest quarter is exact.
        let tail = h.steps.suffix(25)
        XCTAssertEqual(Array(tail), Array(975..<1000))
    }

    func testResumedRunReplacesTheTail() {
        var h = SeriesHistory()
        for s in 1...10 { h.append(step: s, value: 1) }
        h.append(step: 6, value: 2)
        XCTAssertEqual(h.steps, [1, 2, 3, 4, 5, 6]); XCTAssertEqual(h.values.last, 2)
    }

    func testLogIsBounded() {
        var b = SnapshotBuilder(logCapacity: 10)
        for i in 0..<100 { b.apply(.log(.info, "line \(i)")) }
        XCTAssertLessThanOrEqual(b.snapshot().logs.count, 13)
        XCTAssertEqual(b.snapshot().logs.last?.text, "line 99")
    }

    func testScreenLoopPacesDataRedrawsButNotKeys() {
        var loop = ScreenLoop(options: WorkbenchOptions(dataRedrawSeconds: 0.25))
        let t0 = Date()
        var t = loop.tick(events: [.started(Fixtures.generator.runInfo), metrics(1)], key: nil, width: 120, height: 40, now: t0)
        XCTAssertNotNil(t.frame, "first tick draws")
        t = loop.tick(events: [metrics(2)], key: nil, width: 120, height: 40, now: t0.addingTimeInterval(0.1))
        XCTAssertNil(t.frame, "new data within the interval waits")
        t = loop.tick(events: [], key: .char("s"), width: 120, height: 40, now: t0.addingTimeInterval(0.15))
        XCTAssertTrue(t.frame?.rowText(1).contains("step 2/3000") ?? false, "a key redraws at once, with the waiting data")
        t = loop.tick(events: [metrics(3)], key: nil, width: 120, height: 40, now: t0.addingTimeInterval(0.2))
        XCTAssertNil(t.frame)
        t = loop.tick(events: [], key: nil, width: 120, height: 40, now: t0.addingTimeInterval(0.45))
        XCTAssertTrue(t.frame?.rowText(1).contains("step 3/3000") ?? false, "waiting data is drawn once the interval passed")
        t = loop.tick(events: [], key: nil, width: 100, height: 40, now: t0.addingTimeInterval(0.5))
        XCTAssertNotNil(t.frame, "a resize redraws at once")
    }

    func testScreenLoopFreezesAndQuits() {
        var loop = ScreenLoop(options: WorkbenchOptions())
        var t = loop.tick(events: [.started(Fixtures.generator.runInfo), metrics(1)], key: nil, width: 120, height: 40)
        XCTAssertNotNil(t.frame)
        XCTAssertTrue(t.frame!.rowText(1).contains("step 1/3000"))
        t = loop.tick(events: [], key: .char("f"), width: 120, height: 40)
        XCTAssertTrue(t.frame!.rowText(0).contains("FROZEN"))
        t = loop.tick(events: [metrics(2)], key: nil, width: 120, height: 40)
        XCTAssertTrue(t.frame?.rowText(1).contains("step 1/3000") ?? true, "frozen: the step stays")
        t = loop.tick(events: [], key: .char("f"), width: 120, height: 40)
        XCTAssertTrue(t.frame!.rowText(1).contains("step 2/3000"))
        t = loop.tick(events: [], key: nil, width: 120, height: 40, now: Date())
        XCTAssertNil(t.frame, "nothing changed: no redraw")
        t = loop.tick(events: [], key: .char("p"), width: 120, height: 40)
        XCTAssertEqual(t.commands, [.pause])
        t = loop.tick(events: [], key: .char("q"), width: 70, height: 20)
        XCTAssertTrue(t.quit, "q quits even on a too-small screen")
    }
}
