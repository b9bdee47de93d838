import XCTest
import MCNTrain
@testable import MCNTUI

final class RunViewTests: XCTestCase {
    func testStepLines() {
        let ev = MetricsLineParser.parse(#"{"step": 12, "epoch": 1, "loss_con_support": 2.5, "loss_meta_query": 0.4, "acc_meta_query": 0.75, "lr": 0.001, "my_new_thing": 3, "step_s": 0.5, "data_wait_s": 0.1, "clips_per_s": 64, "note": "x"}"#, lineNumber: 1)
        guard case .step(let m)? = ev.first, ev.count == 1 else { return XCTFail("\(ev)") }
        XCTAssertEqual(m.step, 12); XCTAssertEqual(m.epoch, 1)
        XCTAssertEqual(Set(m.values.keys), ["loss_con_support", "loss_meta_query", "acc_meta_query", "lr", "my_new_thing"])
        XCTAssertEqual(m.stepSeconds, 0.5); XCTAssertEqual(m.dataWaitSeconds, 0.1); XCTAssertEqual(m.clipsPerSecond, 64)
    }

    func testEvalMonitorCheckpointAndBadLines() {
        let eval = MetricsLineParser.parse(#"{"kind": "eval", "step": 500, "R@1": 0.2, "R@5": 0.4, "r@10": 0.5, "recall@20": 0.6, "R50": 0.8, "knn_top1": 0.3}"#, lineNumber: 2)
        guard case .retrieval(let r)? = eval.first else { return XCTFail("\(eval)") }
        XCTAssertEqual(r.recall, [1: 0.2, 5: 0.4, 10: 0.5, 20: 0.6, 50: 0.8]); XCTAssertEqual(r.step, 500)
        XCTAssertEqual(eval.last, .monitors(step: 500, ["knn_top1": 0.3]))
        XCTAssertEqual(MetricsLineParser.parse(#"{"kind": "monitor", "step": 3, "embedding_std": 0.9}"#, lineNumber: 3),
                       [.monitors(step: 3, ["embedding_std": 0.9])])
        XCTAssertEqual(MetricsLineParser.parse(#"{"kind": "checkpoint", "step": 3, "path": "c/step-3"}"#, lineNumber: 4),
                       [.logEntry(.info, "checkpoint written: c/step-3", step: 3), .checkpointSaved(step: 3, path: "c/step-3")])
        XCTAssertEqual(MetricsLineParser.parse("{oops", file: "m.jsonl", lineNumber: 5), [.log(.warning, "m.jsonl:5: not a JSON object, skipped")])
        XCTAssertEqual(MetricsLineParser.parse(#"{"loss": 1}"#, file: "m.jsonl", lineNumber: 6), [.log(.warning, "m.jsonl:6: no `step`, skipped")])
        XCTAssertEqual(MetricsLineParser.parse("   ", lineNumber: 7), [])
        if case .step(let m)? = MetricsLineParser.parse(#"{"step": 1, "loss_total": "NaN", "ok": true}"#, lineNumber: 8).first {
            XCTAssertTrue(m.values["loss_total"]!.isNaN); XCTAssertNil(m.values["ok"])
        } else { XCTFail() }
    }

    /// Files from before the trainer wrote a `kind` (old-style lines): their monitor and evaluation
    /// rows are told from step rows by what they hold, and neither becomes a loss curve or a 0
    /// clips/s step.
    func testRowsWithoutKindAreToldApartByContent() {
        var p = MetricsLineParser()
        let step = p.parse(#"{"step":50,"epoch":0,"clips_per_s":20,"data_wait":0.1,"data_wait_seconds":0.05,"loss_total":2,"lr":0.01,"step_seconds":0.5}"#, lineNumber: 1)
        guard case .step(let m)? = step.first, step.count == 1 else { return XCTFail("\(step)") }
        XCTAssertEqual(m.clipsPerSecond, 20); XCTAssertEqual(Set(m.values.keys), ["data_wait", "loss_total", "lr"])
        XCTAssertEqual(p.parse(#"{"step":50,"epoch":0,"embedding_std":0.2,"embedding_std_ref":0.1,"knn_top1":0.5,"monitor_R@1":0.25}"#, lineNumber: 2),
                       [.monitors(step: 50, ["embedding_std": 0.2, "embedding_std_ref": 0.1, "knn_top1": 0.5, "monitor_R@1": 0.25])])
        XCTAssertEqual(p.parse(#"{"step":50,"epoch":0,"R@1":0.5,"R@5":0.75}"#, lineNumber: 3),
                       [.retrieval(RetrievalSummary(step: 50, recall: [1: 0.5, 5: 0.75], queries: [], thumbnails: [:]))])
        // After timed step rows, an untimed row with a name the parser does not know is a monitor too.
        XCTAssertEqual(p.parse(#"{"step":60,"epoch":0,"feature_rank":12}"#, lineNumber: 4), [.monitors(step: 60, ["feature_rank": 12])])
        // A file without timing (another tool's) keeps its plain rows as steps, with clips/s unknown.
        guard case .step(let plain)? = MetricsLineParser.parse(#"{"step":3,"loss":1.5}"#, lineNumber: 5).first else { return XCTFail() }
        XCTAssertEqual(plain.values, ["loss": 1.5]); XCTAssertTrue(plain.clipsPerSecond.isNaN)
        // MetricsLog writes NaN as null; a step that is not a finite number is a bad line, not a crash.
        if case .step(let n)? = MetricsLineParser.parse(#"{"step":4,"loss":null}"#, lineNumber: 6).first {
            XCTAssertTrue(n.values["loss"]!.isNaN)
        } else { XCTFail() }
        XCTAssertEqual(MetricsLineParser.parse(#"{"step":"nan","loss":1}"#, file: "m", lineNumber: 7), [.log(.warning, "m:7: no `step`, skipped")])

        // Folded: the monitors reach the System panel, not the curves, and clips/s stays the steps' rate.
        var b = SnapshotBuilder()
        var q = MetricsLineParser()
        for (i, line) in [#"{"step":1,"epoch":0,"clips_per_s":40,"loss_total":3,"lr":0.01,"step_seconds":0.4}"#,
                          #"{"step":1,"epoch":0,"embedding_std":0.2,"knn_top1":0.5,"monitor_R@1":0.25}"#,
                          #"{"step":1,"epoch":0,"R@1":0.5}"#].enumerated() {
            b.apply(q.parse(line, lineNumber: i + 1))
        }
        let s = b.snapshot()
        XCTAssertEqual(Set(s.series.keys), ["loss_total", "lr"])
        XCTAssertEqual(s.monitors["knn_top1"], 0.5); XCTAssertEqual(s.monitors["monitor_R@1"], 0.25)
        XCTAssertEqual(s.clipsPerSecond, 40); XCTAssertEqual(s.stepsSeen, 1)
        XCTAssertEqual(s.retrieval?.recall, [1: 0.5])
        let frame = ScreenRenderer.render(s, UIState(readOnly: true), width: 120, height: 40, Fixtures.dark).textDump()
        XCTAssertTrue(frame.contains("knn_top1"), frame)
        XCTAssertTrue(frame.contains("40.00 clips/s"), frame)
    }

    /// The trainer names each row's kind, and a step row holds its tasks: the kind decides (an
    /// untimed step is a step, a monitor named like a loss is a monitor), the tasks follow the step,
    /// and a malformed `tasks` member is said and skipped while the rest of its line counts.
    func testRowsWithKindAndTasks() {
        var p = MetricsLineParser()
        let tasks = [TaskLoss(video: "v_A_g01_c01", metaLoss: 0.75, pairAccuracy: 0.5), TaskLoss(video: "v_B_g02_c01", metaLoss: 0.25, pairAccuracy: 1)]
        let line = MetricsRow(step: 10, epoch: 0, kind: .step, values: ["clips_per_s": 20, "loss_total": 2, "inner_drop": 0.125, "step_seconds": 0.5],
                              tasks: tasks).jsonLine
        let ev = p.parse(line, lineNumber: 1)
        XCTAssertEqual(ev.count, 2, "\(ev)")
        guard case .step(let m)? = ev.first else { return XCTFail("\(ev)") }
        XCTAssertEqual(m.values, ["loss_total": 2, "inner_drop": 0.125]); XCTAssertEqual(m.clipsPerSecond, 20)
        XCTAssertEqual(ev.last, .tasks(step: 10, tasks))
        XCTAssertEqual(p.parse(#"{"step":10,"epoch":0,"kind":"monitor","feature_rank":12,"loss_probe":0.5}"#, lineNumber: 2),
                       [.monitors(step: 10, ["feature_rank": 12, "loss_probe": 0.5])])
        XCTAssertEqual(p.parse(#"{"step":10,"epoch":0,"kind":"eval","R@1":0.5}"#, lineNumber: 3),
                       [.retrieval(RetrievalSummary(step: 10, recall: [1: 0.5], queries: [], thumbnails: [:]))])
        // After timed rows an untimed row would read as monitors; its kind says it is a step.
        guard case .step(let untimed)? = p.parse(#"{"step":11,"epoch":0,"kind":"step","loss_total":1.5}"#, lineNumber: 4).first else { return XCTFail() }
        XCTAssertEqual(untimed.values, ["loss_total": 1.5])
        // Malformed tasks: the step stays, the tasks are skipped with a warning naming the line.
        for bad in [#""oops""#, "[1, 2]", #"[{"video": 3, "meta_loss": 1, "pair_accuracy": 1}]"#, #"[{"video": "v", "meta_loss": "x", "pair_accuracy": 1}]"#,
                    #"[{"video": "v", "meta_loss": 1}]"#, #"{"video": "v"}"#] {
            let ev = MetricsLineParser.parse(#"{"step":12,"epoch":0,"kind":"step","loss_total":1,"tasks":"# + bad + "}", file: "m.jsonl", lineNumber: 5)
            XCTAssertEqual(ev.count, 2, "\(bad): \(ev)")
            guard case .step(let s)? = ev.first else { return XCTFail("\(bad): \(ev)") }
            XCTAssertEqual(s.values, ["loss_total": 1], bad)
            XCTAssertEqual(ev.last, .log(.warning, "m.jsonl:5: `tasks` is not a list of tasks, skipped"), bad)
        }
        // null is NaN, as MetricsLog writes it; an empty list is no event (the engine sends none).
        let nan = MetricsLineParser.parse(#"{"step":13,"epoch":0,"kind":"step","tasks":[{"video":"v","meta_loss":null,"pair_accuracy":0.5}]}"#, lineNumber: 6)
        guard case .tasks(13, let t)? = nan.last else { return XCTFail("\(nan)") }
        XCTAssertTrue(t[0].metaLoss.isNaN); XCTAssertEqual(t[0].pairAccuracy, 0.5)
        XCTAssertEqual(MetricsLineParser.parse(#"{"step":14,"epoch":0,"kind":"step","loss_total":1,"tasks":[]}"#, lineNumber: 7).count, 1)
    }

    /// `view` shows what the live screen showed: a real run's tasks and inner-drop sparkline read
    /// back from its files give the same Tasks panel as its events did.
    func testViewShowsTheTasksTheLiveScreenShowed() throws {
        let root = NSTemporaryDirectory() + "mcn-view-tasks-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = RunDirectory(path: root)
        let (l, v) = try Fixtures.liveAndViewed(run: run, ["run.steps=10", "run.checkpoint_every=0"])
        XCTAssertEqual(l.tasks.count, 2); XCTAssertEqual(l.tasksStep, 10)
        XCTAssertEqual(v.tasks, l.tasks); XCTAssertEqual(v.tasksStep, l.tasksStep)
        XCTAssertEqual(v.series["inner_drop"]?.values.count, 1, "measured on step 10")
        XCTAssertEqual(v.series["inner_drop"]?.values, l.series["inner_drop"]?.values)
        XCTAssertFalse(v.logs.contains { $0.level == .warning && $0.text.contains("metrics.jsonl") }, "\(v.logs)")
        let rect = Rect(x: 0, y: 0, width: 60, height: 10)
        func panel(_ s: Snapshot) -> String {
            var b = ScreenBuffer(width: rect.width, height: rect.height)
            TasksPanel.render(s, UIState(readOnly: true), into: &b, rect: rect, Fixtures.dark)
            return b.textDump()
        }
        XCTAssertEqual(panel(v), panel(l))
        XCTAssertFalse(panel(v).contains("no tasks yet"), panel(v))
        XCTAssertTrue(panel(v).contains("inner drop"), panel(v))
    }

    /// train.log lines become the live log's entries: level and message without the timestamp,
    /// the step the message names or none (not the step the viewer happens to be at).
    func testTrainLogLinesReadLikeTheLiveLog() {
        let paused = TrainLogLine("2026-11-28T12:44:01.499Z info    paused at step 40")
        XCTAssertEqual(paused, TrainLogLine(level: .info, message: "paused at step 40", step: 40))
        XCTAssertEqual(TrainLogLine("2026-11-28T12:44:01.499Z warning skipped a.avi: no frames"),
                       TrainLogLine(level: .warning, message: "skipped a.avi: no frames", step: nil))
        XCTAssertEqual(TrainLogLine("2026-11-28T12:44:01.499Z error   step 13: non-finite loss_total=nan; paused")?.step, 13)
        XCTAssertEqual(TrainLogLine("2026-11-28T12:44:01.499Z info    training 12 steps: sample-data: ucf101 split 1")?.step, nil,
                       "a total is not a step")
        XCTAssertEqual(TrainLogLine("2026-11-28T12:44:01.499Z info    finished 12 steps")?.step, 12)
        XCTAssertEqual(TrainLogLine("2026-11-28T12:44:01.499Z info    retrieval at step 6: R@1 0.250 R@5 0.500")?.step, 6)
        XCTAssertNil(TrainLogLine("   "))
        XCTAssertEqual(TrainLogLine("an old free-form error line"), TrainLogLine(level: .error, message: "an old free-form error line", step: nil))
        // A checkpoint line also records the checkpoint, at the step of its file.
        XCTAssertEqual(TrainLogLine("2026-11-28T12:44:01.499Z info    checkpoint written: r/checkpoints/step-00000012.safetensors")?.events,
                       [.logEntry(.info, "checkpoint written: r/checkpoints/step-00000012.safetensors", step: 12),
                        .checkpointSaved(step: 12, path: "r/checkpoints/step-00000012.safetensors")])

        var b = SnapshotBuilder()
        b.apply(.step(StepMetrics(step: 40, epoch: 0, values: [:], clipsPerSecond: 1, dataWaitSeconds: 0, stepSeconds: 1)))
        for line in ["2026-11-28T12:44:01.499Z info    970162 parameters, BLAS threads 2",
                     "2026-11-28T12:44:01.499Z info    paused at step 40"] { b.apply(TrainLogLine(line)!.events) }
        XCTAssertEqual(b.snapshot().logs, [LogLine(level: .info, text: "970162 parameters, BLAS threads 2", step: nil),
                                           LogLine(level: .info, text: "paused at step 40", step: 40)])
        let pane = ScreenRenderer.render(b.snapshot(), UIState(readOnly: true), width: 120, height: 40, Fixtures.dark).textDump()
        XCTAssertTrue(pane.contains("│       970162 parameters"), pane)
        XCTAssertTrue(pane.contains("│    40 paused at step 40"), pane)
        XCTAssertFalse(pane.contains("2026-11-28"), pane)
    }

    /// A temporary run directory holding `files` (name → text), removed by the caller.
    func runDirectory(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mcn-tui-view-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    func appendLine(_ line: String, to file: URL) throws {
        let h = try FileHandle(forWritingTo: file)
        h.seekToEndOfFile(); h.write((line + "\n").data(using: .utf8)!); try h.close()
    }

    /// A finished run in the trainer's own formats (config.toml from RunConfig, rows as MetricsLog
    /// writes them, a monitor row and an evaluation row, train.log ending in "finished") reads back
    /// as the live screen showed it.
    func testAFinishedRunReadsBackAsTheWorkbenchShowedIt() throws {
        var config = RunConfig()
        try config.set("run.name=ucf-mcn"); try config.set("data.dir=/data/ucf101")
        try config.set("data.clip_frames=16"); try config.set("data.clip_size=112"); try config.set("run.steps=12")
        try config.set("optim.batch_videos=8"); try config.set("model.backbone=r3d-18")
        let step = { (n: Int) in MetricsRow(step: n, epoch: 0, values: ["loss_total": 3 - Double(n) / 10, "lr": 0.01, "clips_per_s": 40,
                                                                       "data_wait": 0.1, "data_wait_seconds": 0.05, "step_seconds": 0.4]).jsonLine }
        let rows = [step(11), step(12),
                    MetricsRow(step: 12, epoch: 0, values: ["knn_top1": 0.5, "monitor_R@1": 0.25, "embedding_std": 0.2, "embedding_std_ref": 0.18]).jsonLine,
                    MetricsRow(step: 12, epoch: 0, values: ["R@1": 0.3, "R@5": 0.6]).jsonLine]
        let t = "2026-11-28T12:44:01.499Z"
        let log = ["\(t) info    training 12 steps: /data/ucf101: ucf101 split 1, 101 classes, 9537 train / 3783 test videos",
                   "\(t) info    970162 parameters, BLAS threads 2, core SkylakeX",
                   "\(t) info    checkpoint written: runs/ucf-mcn/checkpoints/step-00000012.safetensors",
                   "\(t) info    retrieval at step 12: R@1 0.300 R@5 0.600",
                   "\(t) info    finished 12 steps"]
        let dir = try runDirectory(["config.toml": config.toml(), "metrics.jsonl": rows.joined(separator: "\n") + "\n",
                                    "train.log": log.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        let s = b.snapshot()
        XCTAssertEqual(s.run?.name, "ucf-mcn"); XCTAssertEqual(HeaderPanel.methodLabel(s.run), "MCN first-order")
        XCTAssertEqual(s.run?.backbone, "r3d-18"); XCTAssertEqual(s.run?.clipShape, [16, 112, 112]); XCTAssertEqual(s.run?.batchVideos, 8)
        XCTAssertEqual(s.run?.totalSteps, 12); XCTAssertEqual(s.run?.baseLearningRate, 0.01)
        XCTAssertEqual(s.run?.datasetSummary, "/data/ucf101: ucf101 split 1, 101 classes, 9537 train / 3783 test videos")
        XCTAssertEqual(s.state, .finished); XCTAssertEqual(s.step, 12); XCTAssertNil(s.etaSeconds)
        XCTAssertEqual(Set(s.series.keys), ["loss_total", "lr", "data_wait"])
        XCTAssertEqual(s.clipsPerSecond, 40, accuracy: 1e-9); XCTAssertEqual(s.stepsSeen, 2)
        XCTAssertEqual(s.monitors, ["knn_top1": 0.5, "monitor_R@1": 0.25, "embedding_std": 0.2, "embedding_std_ref": 0.18])
        XCTAssertEqual(s.retrieval?.recall, [1: 0.3, 5: 0.6])
        XCTAssertEqual(s.checkpoints, [CheckpointRecord(step: 12, path: "runs/ucf-mcn/checkpoints/step-00000012.safetensors")])
        XCTAssertEqual(s.logs.map(\.step), [nil, nil, 12, 12, 12])
        XCTAssertEqual(s.logs.filter { $0.text.contains("checkpoint") }.count, 1, "one checkpoint, one line")
        XCTAssertEqual(s.logs.first?.text, "training 12 steps: /data/ucf101: ucf101 split 1, 101 classes, 9537 train / 3783 test videos")
        let frame = ScreenRenderer.render(s, UIState(readOnly: true), width: 120, height: 40, Fixtures.dark)
        XCTAssertTrue(frame.rowText(0).contains("r3d-18 · 16×112×112 · batch 8 · /data/ucf101"), frame.rowText(0))
        XCTAssertTrue(frame.rowText(0).contains("FINISHED"), frame.rowText(0))

        // Old configs (other key names) still fill the header; a contrastive run names no mode.
        let old = try runDirectory(["config.toml": "[run]\nname = \"old\"\nmethod = \"contrastive\"\nmode = \"first-order\"\n[data]\ndata_dir = \"d/ucf\"\nframes = 8\ncrop_size = 64\n"])
        defer { try? FileManager.default.removeItem(at: old) }
        let (info, warning) = RunConfigReader.runInfo(directory: old.path)
        XCTAssertNil(warning)
        XCTAssertEqual(info.clipShape, [8, 64, 64]); XCTAssertEqual(info.datasetSummary, "ucf"); XCTAssertEqual(info.mode, "")
        // A run given in epochs takes its length from train.log.
        try config.set("run.epochs=3")
        let epochs = try runDirectory(["config.toml": config.toml()])
        defer { try? FileManager.default.removeItem(at: epochs) }
        let (e, _) = RunConfigReader.runInfo(directory: epochs.path, log: [TrainLogLine(level: .info, message: "training 36 steps: d", step: nil)])
        XCTAssertEqual(e.totalSteps, 36); XCTAssertEqual(e.stepsPerEpoch, 12)
        // A line that starts like the engine's but has no number is no total (and no crash).
        let (odd, _) = RunConfigReader.runInfo(directory: epochs.path, log: [TrainLogLine(level: .info, message: "training steps: 1000", step: nil)])
        XCTAssertEqual(odd.totalSteps, 0)
    }

    /// RUNNING, PAUSED, FINISHED and ERROR come from what train.log says, not from the files' age.
    func testTheStateComesFromTrainLog() throws {
        let t = "2026-11-28T12:44:01.499Z"
        let dir = try runDirectory([
            "metrics.jsonl": #"{"step":1,"epoch":0,"clips_per_s":40,"loss_total":3,"step_seconds":0.4}"# + "\n",
            "train.log": "\(t) info    training 12 steps: sample-data: ucf101 split 1\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("train.log")
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        func state(after line: String?, at now: Date = Date()) throws -> EngineState {
            if let line { try appendLine("\(t) \(line)", to: log) }
            b.apply(f.poll(now: now))
            return b.snapshot().state
        }
        XCTAssertEqual(try state(after: nil), .running)
        // A paused run stays paused however long it sits.
        XCTAssertEqual(try state(after: "info    paused at step 1"), .paused)
        XCTAssertEqual(try state(after: nil, at: Date() + 3600), .paused)
        XCTAssertEqual(try state(after: "info    resumed at step 1"), .running)
        // A run that just finished is finished at once; the header has no ETA for it.
        XCTAssertEqual(try state(after: "info    finished 12 steps"), .finished)
        XCTAssertNil(b.snapshot().etaSeconds)
        // Resumed, then stopped with q.
        XCTAssertEqual(try state(after: "info    resumed at step 12 of 24"), .running)
        XCTAssertEqual(try state(after: "info    stopped at step 14"), .finished)
        XCTAssertEqual(try state(after: "info    resumed at step 14 of 24"), .running)
        // Errors that training survives leave the state alone; the one that ends a run does not.
        XCTAssertEqual(try state(after: "error   evaluation failed: no test videos"), .running)
        XCTAssertEqual(try state(after: "error   step 15: non-finite loss_total=nan; paused without applying the update (no checkpoint of it is written). Lower optim.lr or method.alpha1, then resume."), .paused)
        XCTAssertEqual(try state(after: "info    resumed at step 15"), .running)
        XCTAssertEqual(try state(after: "error   frames.cache: disk full"), .error)
        XCTAssertEqual(b.snapshot().logs.last?.level, .error)
    }

    /// A run resumed with another length while `view` follows it: the header takes the new total
    /// from train.log's `resumed at step S of N`, and keeps the curves and the step it is at.
    func testAResumeWithAnotherLengthChangesTheTotal() throws {
        let t = "2026-11-28T12:44:01.499Z"
        let row = { (n: Int) in #"{"step":\#(n),"epoch":0,"kind":"step","loss_total":\#(3 - Double(n) / 100),"step_seconds":0.5,"clips_per_s":40}"# }
        let dir = try runDirectory([
            "config.toml": "[run]\nname = \"r\"\nsteps = 200\n",
            "metrics.jsonl": (1...100).map(row).joined(separator: "\n") + "\n",
            "train.log": ["\(t) info    training 200 steps: sample-data: ucf101 split 1",
                          "\(t) info    checkpoint written: runs/r/checkpoints/step-00000100.safetensors",
                          "\(t) info    stopped at step 100"].joined(separator: "\n") + "\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().totalSteps, 200); XCTAssertEqual(b.snapshot().state, .finished)
        // Resumed with --steps 130: the line and the first steps of it in one poll.
        try appendLine("\(t) info    resumed at step 100 of 130", to: dir.appendingPathComponent("train.log"))
        for n in 101...110 { try appendLine(row(n), to: dir.appendingPathComponent("metrics.jsonl")) }
        b.apply(f.poll())
        var s = b.snapshot()
        XCTAssertEqual(s.totalSteps, 130); XCTAssertEqual(s.run?.startStep, 100)
        XCTAssertEqual(s.step, 110, "the steps read in the same poll come after the new start")
        XCTAssertEqual(s.state, .running)
        XCTAssertEqual(s.etaSeconds!, 20 * 0.5, accuracy: 1e-6)
        XCTAssertEqual(s.series["loss_total"]?.steps.count, 110, "the curves keep the steps before the resume")
        XCTAssertEqual(s.run?.datasetSummary, "sample-data: ucf101 split 1")
        // Nothing new about the length: nothing sent again.
        for n in 111...130 { try appendLine(row(n), to: dir.appendingPathComponent("metrics.jsonl")) }
        try appendLine("\(t) info    finished 130 steps", to: dir.appendingPathComponent("train.log"))
        let last = f.poll()
        XCTAssertFalse(last.contains { if case .started = $0 { return true } else { return false } })
        b.apply(last)
        s = b.snapshot()
        XCTAssertEqual(s.state, .finished); XCTAssertEqual(s.step, 130)
        let header = ScreenRenderer.render(s, UIState(readOnly: true), width: 120, height: 40, Fixtures.dark).rowText(1)
        XCTAssertTrue(header.contains("step 130/130") && header.contains("100.0%"), header)
        // A view opened after the resume reads the new length and start at once.
        var g = RunDirectoryFollower(directory: dir.path)
        var c = SnapshotBuilder()
        c.apply(g.poll())
        XCTAssertEqual(c.snapshot().totalSteps, 130); XCTAssertEqual(c.snapshot().run?.startStep, 100)
        XCTAssertEqual(c.snapshot().step, 130)
    }

    /// A resume cuts metrics.jsonl back to its checkpoint, so an open `view` reads the file again
    /// from the start: its elapsed time and step count had counted the rows twice.
    func testARewrittenMetricsFileIsCountedOnce() throws {
        let row = { (n: Int) in #"{"step":\#(n),"epoch":0,"kind":"step","loss_total":1,"step_seconds":0.5,"clips_per_s":40}"# }
        let dir = try runDirectory(["metrics.jsonl": (1...60).map(row).joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().trainSeconds, 30, accuracy: 1e-9)
        // Killed at 60, resumed from its checkpoint at 40: the file is cut back, then grows again.
        try ((1...40).map(row) + (41...45).map(row)).joined(separator: "\n").appending("\n")
            .write(to: dir.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
        let events = f.poll()
        XCTAssertEqual(events.first, .metricsRestarted)
        b.apply(events)
        let s = b.snapshot()
        XCTAssertEqual(s.step, 45)
        XCTAssertEqual(s.stepsSeen, 45)
        XCTAssertEqual(s.trainSeconds, 22.5, accuracy: 1e-9, "45 steps of 0.5 s, not 60 + 45")
        XCTAssertEqual(s.series["loss_total"]?.steps.count, 45)
    }

    /// Without an ending in train.log (no log, or a killed trainer), a long quiet reads as finished.
    func testQuietFilesFallBackToFinished() throws {
        let dir = try runDirectory(["metrics.jsonl": #"{"step":1,"epoch":0,"loss":3}"# + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().state, .running)
        b.apply(f.poll(now: Date() + f.quietSeconds + 1))
        XCTAssertEqual(b.snapshot().state, .finished)
        XCTAssertTrue(b.snapshot().logs.last?.text.contains("does not say the run ended") ?? false)
        // New lines: it is running after all.
        try appendLine(#"{"step":2,"epoch":0,"loss":2}"#, to: dir.appendingPathComponent("metrics.jsonl"))
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().state, .running)
    }

    func testFollowerReadsAGrowingRunDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mcn-tui-view-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        [run]
        name = "ucf-mcn"
        method = "mcn"
        mode = "first-order"
        total_steps = 1000
        steps_per_epoch = 50
        [model]
        backbone = "r21d-vcop"
        [data]
        clip = [8, 64, 64]
        batch_videos = 8
        """.write(to: dir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let metrics = dir.appendingPathComponent("metrics.jsonl")
        try #"{"step": 1, "epoch": 0, "loss_total": 3.0}"#.appending("\n{\"step\": 2, \"epo").write(to: metrics, atomically: true, encoding: .utf8)
        try "started\nwarning: skipped a.avi\n".write(to: dir.appendingPathComponent("train.log"), atomically: true, encoding: .utf8)

        XCTAssertNoThrow(try RunDirectoryFollower.validate(directory: dir.path))
        XCTAssertThrowsError(try RunDirectoryFollower.validate(directory: dir.path + "-missing"))
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        var s = b.snapshot()
        XCTAssertEqual(s.run?.name, "ucf-mcn"); XCTAssertEqual(s.run?.mode, "first-order"); XCTAssertEqual(s.run?.backbone, "r21d-vcop")
        XCTAssertEqual(s.run?.totalSteps, 1000); XCTAssertEqual(s.run?.clipShape, [8, 64, 64]); XCTAssertEqual(s.run?.batchVideos, 8)
        XCTAssertEqual(s.step, 1, "the partial second line waits")
        XCTAssertEqual(s.logs.map(\.level), [.info, .warning])
        // The run grows: the rest of line 2 and an evaluation arrive.
        let h = try FileHandle(forWritingTo: metrics)
        h.seekToEndOfFile()
        h.write("ch\": 0, \"loss_total\": 2.5}\n{\"kind\": \"eval\", \"step\": 2, \"R@1\": 0.25}\n".data(using: .utf8)!)
        try h.close()
        b.apply(f.poll())
        s = b.snapshot()
        XCTAssertEqual(s.series["loss_total"]?.values, [3.0, 2.5])
        XCTAssertEqual(s.retrieval?.recall[1], 0.25)
        XCTAssertEqual(f.poll(), [], "nothing new, nothing sent")
        // The view renders without a terminal.
        let frame = ScreenRenderer.render(s, UIState(readOnly: true), width: 120, height: 40, Fixtures.dark)
        XCTAssertTrue(frame.rowText(0).contains("ucf-mcn")); XCTAssertTrue(frame.rowText(0).contains("VIEW"))
    }

    /// `view` showed only the evaluations made during training: what `mcn-tui eval` wrote into the
    /// run's results.json afterwards was not on the screen.
    func testViewShowsWhatTheEvalCommandsWrote() throws {
        let dir = try runDirectory(["metrics.jsonl": #"{"kind":"eval","step":79,"epoch":6,"R@1":0.229}"# + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = RunDirectory(path: dir.path)
        var f = RunDirectoryFollower(directory: dir.path)
        var b = SnapshotBuilder()
        b.apply(f.poll())
        XCTAssertNil(b.snapshot().savedResults)
        let protocolOf = { (step: Double) -> [String: ResultValue] in
            ["feature": .string("gap"), "clips": .number(10), "format": .string("ucf101"), "split": .number(1), "step": .number(step)]
        }
        var results = RunResults(retrieval: ["R@1": 0.1875, "R@5": 0.5729, "R@10": 0.6979, "R@20": 0.8958, "R@50": 1])
        results.retrievalProtocol = protocolOf(200)
        try results.write(to: run.resultsPath)
        b.apply(f.poll())
        XCTAssertEqual(b.snapshot().savedResults, results)
        XCTAssertEqual(f.poll(), [], "unchanged: not read again")
        // A probe evaluated later is picked up.
        results.probe = ["top1": 0.302, "top5": 0.635]
        results.probeProtocol = protocolOf(200)
        try results.write(to: run.resultsPath)
        b.apply(f.poll())
        let s = b.snapshot()
        XCTAssertEqual(s.savedResults?.probe?["top1"], 0.302)
        let text = ScreenRenderer.render(s, UIState(readOnly: true), width: 120, height: 40, Fixtures.dark).textDump()
        XCTAssertTrue(text.contains("│R@1 22.9%"), text)
        XCTAssertTrue(text.contains("│eval retrieval @200 · gap · 10 clips · ucf101 split 1"), text)
        XCTAssertTrue(text.contains("│R@1 18.8%  R@5 57.3%  R@10 69.8%  R@20 89.6%  R@50 100.0%"), text)
        XCTAssertTrue(text.contains("│eval probe @200 · gap · 10 clips · ucf101 split 1"), text)
        XCTAssertTrue(text.contains("│top-1 30.2%  top-5 63.5%"), text)
        // With no evaluation during training, the panel shows them instead of "no evaluation yet".
        var none = s
        none.retrieval = nil
        let alone = ScreenRenderer.render(none, UIState(readOnly: true), width: 120, height: 40, Fixtures.dark).textDump()
        XCTAssertTrue(alone.contains("│eval retrieval @200"), alone)
        XCTAssertFalse(alone.contains("no evaluation yet"), alone)
        // A file that is not a results file: its old figures go, with one warning naming it.
        try "{ not json".write(toFile: run.resultsPath, atomically: true, encoding: .utf8)
        let events = f.poll()
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events.first, .savedResults(nil))
        guard case .logEntry(.warning, let message, _)? = events.last else { return XCTFail("\(events)") }
        XCTAssertTrue(message.hasPrefix(run.resultsPath + ": not a valid results file"), message)
        // Written again, then removed: shown, then gone.
        try results.write(to: run.resultsPath)
        XCTAssertEqual(f.poll(), [.savedResults(results)])
        try FileManager.default.removeItem(atPath: run.resultsPath)
        XCTAssertEqual(f.poll(), [.savedResults(nil)])
        XCTAssertEqual(f.poll(), [])
        // Figures without any protocol are shown under a plain heading.
        let bare = SavedResultsRows.rows(RunResults(probe: ["top1": 0.5]), run: nil, width: 60)
        XCTAssertEqual(bare.map(\.heading), ["eval probe"])
        // What sets an evaluation apart from the run's own checkpoints is in its heading.
        let info = RunInfo(name: "r", runDirectory: dir.path, method: "mcn", mode: "first-order", backbone: "r3d-tiny",
                           totalSteps: 200, stepsPerEpoch: 12, startStep: 0, batchVideos: 16, clipShape: [8, 64, 64],
                           datasetSummary: "")
        let random: [String: ResultValue] = ["feature": .string("gap"), "clips": .number(10), "step": .string("random"),
                                             "backbone": .string("r2plus1d-tiny"), "clip_frames": .number(16),
                                             "clip_size": .number(112), "centre": .bool(true)]
        XCTAssertEqual(SavedResultsRows.heading("retrieval", random, run: info),
                       "eval retrieval · random weights · r2plus1d-tiny · 16×112 · centred · gap · 10 clips")
        XCTAssertEqual(SavedResultsRows.heading("retrieval", protocolOf(200).merging(
                           ["backbone": .string("r3d-tiny"), "clip_frames": .number(8), "clip_size": .number(64),
                            "centre": .bool(false)]) { a, _ in a }, run: info),
                       "eval retrieval @200 · gap · 10 clips · ucf101 split 1", "the run's own: nothing added")
        // Rows that do not fit: how many more there are.
        var small = s
        small.savedResults = RunResults(retrieval: ["R@1": 0.1], probe: ["top1": 0.5], finetune: ["top1": 0.6])
        small.retrieval = nil
        var frame = ScreenBuffer(width: 60, height: 6)
        RetrievalPanel.render(small, UIState(readOnly: true), into: &frame, rect: frame.bounds, Fixtures.dark)
        XCTAssertTrue(frame.textDump().contains("│+2 more"), frame.textDump())
        XCTAssertTrue(frame.textDump().contains("│eval retrieval"), frame.textDump())
    }

    /// `view` worked out a run's epoch length from the wording of the dataset summary (training
    /// videos ÷ batch, the loader's rule written twice); the engine now says it in train.log.
    func testTheEpochLengthComesFromTheEnginesLine() throws {
        let t = "2026-11-28T12:44:01.499Z"
        let start = try XCTUnwrap(TrainLogLine("\(t) info    training 200 steps, 11 steps an epoch: /data: ucf101 split 1, 12 classes, 192 train / 96 test videos"))
        XCTAssertEqual(start.runLength?.totalSteps, 200)
        XCTAssertEqual(start.runLength?.datasetSummary, "/data: ucf101 split 1, 12 classes, 192 train / 96 test videos")
        XCTAssertEqual(start.stepsPerEpoch, 11)
        XCTAssertNil(start.step, "a total is not a step")
        let resumed = try XCTUnwrap(TrainLogLine("\(t) info    resumed at step 100 of 300, 11 steps an epoch"))
        XCTAssertEqual(resumed.runLength?.totalSteps, 300); XCTAssertEqual(resumed.stepsPerEpoch, 11); XCTAssertEqual(resumed.step, 100)
        // Logs from before: no epoch length in the line; the summary's videos give it (192 / 16).
        let old = try XCTUnwrap(TrainLogLine("\(t) info    training 200 steps: /data: ucf101 split 1, 12 classes, 192 train / 96 test videos"))
        XCTAssertEqual(old.runLength?.totalSteps, 200); XCTAssertNil(old.stepsPerEpoch)
        XCTAssertNil(TrainLogLine("\(t) info    warning: 3 steps an epoch, surely")?.stepsPerEpoch, "not a run-length line")
        XCTAssertEqual(TrainLogLine("\(t) info    training 5 steps, 1 step an epoch: d")?.stepsPerEpoch, 1)
        var config = RunConfig()
        try config.set("optim.batch_videos=16")
        let dir = try runDirectory(["config.toml": config.toml()])
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertEqual(RunConfigReader.runInfo(directory: dir.path, log: [old]).0.stepsPerEpoch, 12)
        // The engine's figure wins over the rule (here it differs: the loader's own count).
        XCTAssertEqual(RunConfigReader.runInfo(directory: dir.path, log: [start]).0.stepsPerEpoch, 11)
        XCTAssertEqual(RunConfigReader.runInfo(directory: dir.path, log: [start, resumed]).0.stepsPerEpoch, 11)
    }
}
