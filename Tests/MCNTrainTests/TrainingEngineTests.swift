import XCTest
import MCNTensor
import MCNModel
@testable import MCNTrain

/// The engine on synthetic data with a very small R3D: resume, config checks, NaN handling.
final class TrainingEngineTests: XCTestCase {
    var root: String!

    override func setUp() {
        root = NSTemporaryDirectory() + "mcn-engine-\(UUID().uuidString)"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func config(_ extra: [String] = []) throws -> RunConfig {
        try RunConfig.load(file: nil, overrides: [
            "model.width=0.25", "model.feature_dim=32", "model.proj_dim=16", "model.meta_hidden=8",
            "data.clip_frames=4", "data.clip_size=16", "optim.batch_videos=4", "method.temperature=0.2",
            "run.checkpoint_every=4", "run.monitor_every=0", "optim.lr=0.01",
        ] + extra)
    }

    func data() -> SyntheticTrainingData {
        SyntheticTrainingData(videosPerBatch: 4, viewsPerVideo: 2, clipShape: [3, 4, 16, 16], stepsPerEpoch: 3)
    }

    /// Runs an engine to completion on this thread and returns its events.
    @discardableResult
    func train(_ cfg: RunConfig, run: RunDirectory, resume: VerifiedCheckpoint? = nil,
               commands: [EngineCommand] = []) throws -> [EngineEvent] {
        let engine = try TrainingEngine(config: cfg, run: run, data: data(), resume: resume)
        for c in commands { engine.commands.send(c) }
        engine.runLoop()
        return engine.events.drain()
    }

    func testResumedTrainingIsBitIdentical() throws {
        let straight = RunDirectory(path: root + "/a")
        try train(try config(["run.steps=8"]), run: straight)
        let split = RunDirectory(path: root + "/b")
        try train(try config(["run.steps=4"]), run: split)
        let ckpt = try XCTUnwrap(split.latestValidCheckpoint())
        XCTAssertEqual(ckpt.meta.step, 4)
        try train(try config(["run.steps=8"]), run: split, resume: ckpt)

        let a = MetricsLog.readRows(path: straight.metricsJSONLPath)
        let b = MetricsLog.readRows(path: split.metricsJSONLPath)
        XCTAssertEqual(a.map(\.step), Array(1...8))
        XCTAssertEqual(b.map(\.step), Array(1...8))
        for (ra, rb) in zip(a, b) {
            for key in ["loss_con_support", "loss_meta_query", "acc_meta_query", "loss_total", "inner_grad_norm"] {
                XCTAssertEqual(ra.values[key], rb.values[key], "step \(ra.step) \(key)")
            }
        }
    }

    /// Two runs of one seed give the same metrics to the bit with clips large enough that the
    /// convolutions split their samples over two cores (the split once summed gradients per core,
    /// in whatever order the cores took the samples).
    func testSeededRunsRepeatWithConvolutionsSplitOverCores() throws {
        let big = ["data.clip_size=32", "optim.blas_threads=2", "run.steps=3"]
        let shape = [3, 4, 32, 32]
        var rows: [[MetricsRow]] = []
        for name in ["d1", "d2"] {
            let run = RunDirectory(path: root + "/" + name)
            let engine = try TrainingEngine(config: try config(big), run: run,
                                            data: SyntheticTrainingData(videosPerBatch: 4, viewsPerVideo: 2, clipShape: shape, stepsPerEpoch: 3))
            engine.runLoop()
            rows.append(MetricsLog.readRows(path: run.metricsJSONLPath))
        }
        XCTAssertEqual(rows[0].map(\.step), [1, 2, 3])
        for (ra, rb) in zip(rows[0], rows[1]) {
            for key in ["loss_con_support", "loss_con_query", "loss_total", "inner_grad_norm"] {
                XCTAssertEqual(ra.values[key], rb.values[key], "step \(ra.step) \(key)")
            }
        }
    }

    func testCheckpointOfAnotherConfigIsRefusedNamingTheKeys() throws {
        let run = RunDirectory(path: root + "/c")
        try train(try config(["run.steps=2"]), run: run)
        let ckpt = try XCTUnwrap(run.latestValidCheckpoint())
        XCTAssertThrowsError(try TrainingEngine(config: try config(["run.steps=4", "method.temperature=0.5"]), run: run,
                                                data: data(), resume: ckpt)) { error in
            XCTAssertTrue("\(error)".contains("method.temperature"), "\(error)")
        }
    }

    func testEventsOfARun() throws {
        let events = try train(try config(["run.steps=3", "method.mode=second-order"]), run: RunDirectory(path: root + "/d"))
        XCTAssertTrue(events.contains { if case .started = $0 { return true }; return false })
        let steps = events.compactMap { if case .step(let m) = $0 { return m }; return nil }
        XCTAssertEqual(steps.map(\.step), [1, 2, 3])
        XCTAssertNotNil(steps[0].values["loss_meta_query"])
        XCTAssertTrue(events.contains { if case .tasks(_, let t) = $0 { return t.count == 2 }; return false })
        XCTAssertTrue(events.contains { if case .checkpointSaved(3, _) = $0 { return true }; return false })
        XCTAssertEqual(events.last, .finished(step: 3))
    }

    /// Each row of metrics.jsonl says what it is; a logged step keeps the tasks the screen got.
    func testMetricsRowsNameTheirKindAndKeepTheTasks() throws {
        let run = RunDirectory(path: root + "/k")
        let engine = try TrainingEngine(config: try config(["run.steps=4", "run.log_every=2", "run.monitor_every=2", "run.eval_every=2"]),
                                        run: run, data: data())
        engine.evaluator = FixedEvaluator()
        engine.runLoop()
        let events = engine.events.drain()
        let rows = MetricsLog.readRows(path: run.metricsJSONLPath)
        XCTAssertEqual(rows.map(\.step), [2, 2, 2, 4, 4, 4])
        XCTAssertEqual(rows.map(\.kind), [.step, .monitor, .eval, .step, .monitor, .eval])
        XCTAssertEqual(rows[1].values, ["knn_top1": 0.5]); XCTAssertEqual(rows[2].values, ["R@1": 0.25])
        // The tasks as sent to the screen, in the rows of logged steps that are every 10th or the
        // last: here step 4 (the last), not step 2.
        var sent: [Int: [TaskLoss]] = [:]
        for e in events { if case .tasks(let step, let t) = e { sent[step] = t } }
        XCTAssertEqual(sent.keys.sorted(), [1, 2, 3, 4])
        let stepRows = rows.filter { $0.kind == .step }
        XCTAssertEqual(stepRows.map(\.tasks.count), [0, 2])
        XCTAssertEqual(stepRows[1].tasks, sent[4])
        XCTAssertTrue(rows.filter { $0.kind != .step }.allSatisfy(\.tasks.isEmpty))

        // The contrastive baseline has no tasks: its step rows hold none.
        let baseline = RunDirectory(path: root + "/k2")
        try train(try config(["run.steps=2", "method.method=contrastive"]), run: baseline)
        let baselineRows = MetricsLog.readRows(path: baseline.metricsJSONLPath)
        XCTAssertEqual(baselineRows.map(\.kind), [.step, .step])
        XCTAssertTrue(baselineRows.allSatisfy(\.tasks.isEmpty))
        let text = try String(contentsOfFile: baseline.metricsJSONLPath, encoding: .utf8)
        XCTAssertFalse(text.contains("tasks"), text)
    }

    func testStopCommandCheckpointsAndEnds() throws {
        let run = RunDirectory(path: root + "/e")
        let events = try train(try config(["run.steps=50"]), run: run, commands: [.stop])
        XCTAssertEqual(events.last, .finished(step: 0))
        XCTAssertEqual(run.latestValidCheckpoint()?.meta.step, 0)
    }

    /// A checkpoint that cannot be written (a full disk; here `checkpoints` is a file) is said and
    /// training goes on; only the run's last checkpoint failing ends it as failed, once, naming why.
    func testACheckpointThatCannotBeWrittenDoesNotEndTheRun() throws {
        let run = RunDirectory(path: root + "/r")
        // Directories where the parameters of steps 2, 4 and 6 would go: those checkpoints fail.
        for s in [2, 4, 6] { try FileManager.default.createDirectory(atPath: run.checkpointFiles(step: s).parameters, withIntermediateDirectories: true) }
        let engine = try TrainingEngine(config: try config(["run.steps=6", "run.checkpoint_every=2"]), run: run, data: data(), resume: nil)
        engine.runLoop()
        let events = engine.events.drain()
        let errors = events.compactMap { e -> String? in if case .log(.error, let m) = e { return m } else { return nil } }
        XCTAssertEqual(errors.count, 3, "\(errors)")   // steps 2, 4 and 6; the last is also the run's failure
        XCTAssertEqual(errors[0], "checkpoint at step 2 not written: \(run.checkpointFiles(step: 2).parameters): rename failed: Is a directory; there is none yet, training goes on (c tries again)")
        XCTAssertTrue(errors[1].hasPrefix("checkpoint at step 4 not written:"), errors[1])
        XCTAssertEqual(events.compactMap { e -> Int? in if case .step(let m) = e { return m.step } else { return nil } }, Array(1...6))
        XCTAssertEqual(MetricsLog.readRows(path: run.metricsJSONLPath).map(\.step), Array(1...6))
        guard case .failed(let message)? = engine.outcome else { return XCTFail("\(String(describing: engine.outcome))") }
        XCTAssertEqual(message, "step 6: the last checkpoint could not be written; there is none")
        XCTAssertEqual(events.filter { if case .failed = $0 { return true } else { return false } }.count, 1)
        XCTAssertFalse(events.contains { if case .log(.error, let m) = $0 { return m == message } else { return false } },
                       "the ending is said once (as .failed), not also as a log line")
    }

    /// A checkpoint that fails half-way leaves none of its files, and `last` names the previous one.
    func testAHalfWrittenCheckpointLeavesNothingBehind() throws {
        let run = RunDirectory(path: root + "/r")
        try train(try config(["run.steps=4"]), run: run)
        XCTAssertEqual(run.lastPointer(), "step-00000004")
        let next = run.checkpointFiles(step: 5)
        // The optimiser's file cannot be put in place (a directory is there), after the parameters were.
        try FileManager.default.createDirectory(atPath: next.optimizer, withIntermediateDirectories: true)
        let engine = try TrainingEngine(config: try config(["run.steps=5"]), run: run, data: data(),
                                        resume: try RunDirectory.checkpoint(at: run.path, warn: { _ in }))
        engine.runLoop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: next.parameters), "the parameters written before the failure are removed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: next.meta))
        XCTAssertEqual(run.lastPointer(), "step-00000004")
        guard case .failed(let message)? = engine.outcome else { return XCTFail("\(String(describing: engine.outcome))") }
        XCTAssertEqual(message, "step 5: the last checkpoint could not be written; the newest one is step 4")
    }

    /// `e` pressed twice before the engine takes it: one evaluation of that step.
    func testOneEvaluationAStepHoweverOftenAsked() throws {
        let engine = try TrainingEngine(config: try config(["run.steps=2"]), run: RunDirectory(path: root + "/r"), data: data(), resume: nil)
        engine.evaluator = FixedEvaluator()
        engine.commands.send(.evaluateNow)
        engine.commands.send(.evaluateNow)
        engine.runLoop()
        let retrievals = engine.events.drain().filter { if case .retrieval = $0 { return true } else { return false } }
        XCTAssertEqual(retrievals.count, 1)
    }

    /// A stop asked for during an evaluation is taken when it ends, before another step.
    func testAStopDuringAnEvaluationIsTakenBeforeAnotherStep() throws {
        let engine = try TrainingEngine(config: try config(["run.steps=10"]), run: RunDirectory(path: root + "/r"), data: data(), resume: nil)
        engine.evaluator = StoppingEvaluator(commands: engine.commands)
        engine.commands.send(.evaluateNow)
        engine.runLoop()
        XCTAssertEqual(engine.outcome, .finished(step: 0))
        XCTAssertFalse(engine.events.drain().contains { if case .step = $0 { return true } else { return false } })
    }

    func testNonFiniteLossPausesWithoutCheckpointingIt() throws {
        let run = RunDirectory(path: root + "/f")
        let cfg = try config(["run.steps=6", "optim.lr=1e30", "run.checkpoint_every=0"])
        let engine = try TrainingEngine(config: cfg, run: run, data: data())
        engine.start()
        var sawPause = false, logged = ""
        let deadline = Date().addingTimeInterval(60)
        while !sawPause && Date() < deadline {
            for e in engine.events.drain() {
                if case .state(.paused) = e { sawPause = true }
                if case .log(.error, let m) = e { logged += m }
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertTrue(sawPause, "a non-finite loss pauses the run")
        XCTAssertTrue(logged.contains("non-finite"), logged)
        XCTAssertTrue(logged.contains("first at"), "the first op with a NaN/Inf is named: \(logged)")
        engine.commands.send(.stop)
        var finished = false
        while !finished && Date() < deadline {
            for e in engine.events.drain() { if case .finished = e { finished = true } }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertTrue(finished)
        for step in run.checkpointSteps() {
            let file = try SafeTensorsFile(path: run.checkpointFiles(step: step).parameters)
            for name in file.names { XCTAssertTrue(try file.floats(name).allSatisfy(\.isFinite), name) }
        }
    }
}

/// Fixed figures for the engine's evaluations.
final class FixedEvaluator: RunEvaluator {
    func retrieval(network: MCNNetwork, theta: Slab, buffers: Slab, step: Int) throws -> RetrievalSummary {
        RetrievalSummary(step: step, recall: [1: 0.25], queries: [], thumbnails: [:])
    }

    func monitors(network: MCNNetwork, theta: Slab, buffers: Slab, step: Int) throws -> [String: Double] { ["knn_top1": 0.5] }
}

/// An evaluation during which the user asks the run to stop.
final class StoppingEvaluator: RunEvaluator {
    let commands: MessageChannel<EngineCommand>
    init(commands: MessageChannel<EngineCommand>) { self.commands = commands }

    func retrieval(network: MCNNetwork, theta: Slab, buffers: Slab, step: Int) throws -> RetrievalSummary {
        commands.send(.stop)
        return RetrievalSummary(step: step, recall: [1: 0.25], queries: [], thumbnails: [:])
    }

    func monitors(network: MCNNetwork, theta: Slab, buffers: Slab, step: Int) throws -> [String: Double] { [:] }
}
