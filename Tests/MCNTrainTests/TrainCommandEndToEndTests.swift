import XCTest
@testable import MCNTrain

/// `mcn-tui train` as a user runs it: SIGKILL in the middle, `--resume auto`, identical metrics.
final class TrainCommandEndToEndTests: XCTestCase {
    static let packageRoot = BuiltBinary.packageRoot

    func binary() throws -> String { try BuiltBinary.path() }

    /// A small dataset: the bundled sample data, else the real HMDB51 clips as class folders.
    func dataArgs() throws -> [String] {
        let sample = Self.packageRoot.appendingPathComponent("sample-data")
        if FileManager.default.fileExists(atPath: sample.appendingPathComponent("ucfTrainTestlist").path) {
            return ["--data", sample.path]
        }
        let hmdb = Self.packageRoot.appendingPathComponent("../shared/data/real-clips/hmdb51").standardized
        guard FileManager.default.fileExists(atPath: hmdb.path) else { throw XCTSkip("no sample data and no ../shared/data/real-clips") }
        return ["--data", hmdb.path, "--set", "data.format=folders"]
    }

    func args(_ runDir: String, steps: Int, cache: String) throws -> [String] {
        try ["train", "--headless", "--run-dir", runDir, "--steps", "\(steps)"] + dataArgs() + tiny(cache: cache)
    }

    /// A tiny network and clips, so that a run takes a second.
    func tiny(cache: String) -> [String] {
        [
            "--set", "model.width=0.25", "--set", "model.feature_dim=32", "--set", "model.proj_dim=16",
            "--set", "model.meta_hidden=8", "--set", "data.clip_frames=4", "--set", "data.clip_size=16",
            "--set", "optim.batch_videos=4", "--set", "run.checkpoint_every=5", "--set", "run.monitor_every=0",
            "--set", "data.cache_dir=\(cache)", "--set", "optim.lr=0.01",
        ]
    }

    func run(_ bin: String, _ args: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = args
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    /// Starts `mcn-tui ARGS` (output to `output`, else nowhere) and returns once its run directory's
    /// metrics.jsonl has a row at `step` or later (or it ended, or two minutes passed).
    func startTraining(_ bin: String, _ args: [String], runDir: String, untilStep step: Int,
                       output: Pipe? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = args
        p.standardOutput = output ?? FileHandle.nullDevice
        p.standardError = output ?? FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && p.isRunning {
            if MetricsLog.readRows(path: runDir + "/metrics.jsonl").contains(where: { $0.step >= step }) { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return p
    }

    func testKilledRunResumesBitIdentically() throws {
        let bin = try binary()
        let root = try temporaryDirectory()
        let cache = root + "/cache"
        let (status, out) = try run(bin, try args(root + "/straight", steps: 16, cache: cache))
        XCTAssertEqual(status, 0, out)

        // Start the same run, SIGKILL it once step 12 is logged (checkpoint at 10), resume to 16.
        let killed = root + "/killed"
        let p = try startTraining(bin, try args(killed, steps: 16, cache: cache), runDir: killed, untilStep: 12)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let (status2, out2) = try run(bin, try args(killed, steps: 16, cache: cache) + ["--resume", "auto"])
        XCTAssertEqual(status2, 0, out2)
        XCTAssertTrue(out2.contains("resumed at step"), out2)

        let a = MetricsLog.readRows(path: root + "/straight/metrics.jsonl").filter { $0.values["loss_total"] != nil }
        let b = MetricsLog.readRows(path: killed + "/metrics.jsonl").filter { $0.values["loss_total"] != nil }
        XCTAssertEqual(a.map(\.step), Array(1...16))
        XCTAssertEqual(b.map(\.step), Array(1...16), "a resumed run neither loses nor repeats rows")
        for (ra, rb) in zip(a, b) where ra.step > 10 {
            for key in ["loss_con_support", "loss_meta_query", "loss_total", "inner_grad_norm"] {
                XCTAssertEqual(ra.values[key], rb.values[key], "step \(ra.step) \(key)")
            }
        }
    }

    func testTruncatedCheckpointFallsBackToThePreviousOne() throws {
        let bin = try binary()
        let root = try temporaryDirectory()
        let runDir = root + "/r"
        let (status, out) = try run(bin, try args(runDir, steps: 10, cache: root + "/cache"))
        XCTAssertEqual(status, 0, out)
        let newest = RunDirectory(path: runDir).checkpointFiles(step: 10).parameters
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: newest))
        try h.truncate(atOffset: 100)
        try h.close()
        let (status2, out2) = try run(bin, try args(runDir, steps: 12, cache: root + "/cache") + ["--resume", "auto"])
        XCTAssertEqual(status2, 0, out2)
        XCTAssertTrue(out2.contains("step-00000010") && out2.contains("resumed at step 5"), out2)
    }

    /// A run records its data folder absolute (eval finds it from anywhere), and a resume without
    /// --data keeps it (not the sample data); resuming with fewer steps than its checkpoint has is
    /// refused before anything is written.
    func testRunRecordsItsDataAbsoluteAndRefusesToResumeBelowItsStep() throws {
        let bin = try binary()
        let root = try temporaryDirectory()
        let runDir = root + "/r"
        // A small dataset of its own, so that the run's data is not the default.
        let (made, madeOut) = try run(bin, ["sample-data", "--out", root + "/tiny", "--groups", "2", "--clips-per-group", "1", "--test-groups", "1"])
        XCTAssertEqual(made, 0, madeOut)
        let data = URL(fileURLWithPath: root + "/tiny")
        // --data as a path relative to the directory the command runs in.
        let a = ["train", "--headless", "--run-dir", runDir, "--steps", "5", "--data", "tiny"] + tiny(cache: root + "/cache")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = a
        p.currentDirectoryURL = data.deletingLastPathComponent()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let config = try RunConfig.load(file: runDir + "/config.toml")
        XCTAssertEqual(config.data.dir, data.standardized.path)

        let (resumed, resumedOut) = try run(bin, ["train", "--headless", "--resume", runDir, "--steps", "6"])
        XCTAssertEqual(resumed, 0, resumedOut)
        XCTAssertTrue(resumedOut.contains("resumed at step 5 of 6"), resumedOut)
        let (status, out) = try run(bin, ["train", "--headless", "--resume", runDir, "--steps", "3"])
        XCTAssertNotEqual(status, 0, out)
        XCTAssertTrue(out.contains("step 6, beyond run.steps = 3; give --steps 6 or more"), out)
        XCTAssertEqual(out.split(separator: "\n").count, 1, "one line: \(out)")
        XCTAssertEqual(try RunConfig.load(file: runDir + "/config.toml").run.steps, 6, "config.toml left alone")
        // Given in epochs (12 training videos, 4 a batch: 3 steps an epoch), the advice is in epochs.
        let (inEpochs, epochsOut) = try run(bin, ["train", "--headless", "--resume", runDir, "--epochs", "1"])
        XCTAssertNotEqual(inEpochs, 0, epochsOut)
        XCTAssertTrue(epochsOut.contains("beyond run.epochs = 1 (3 steps); give --epochs 2 or more"), epochsOut)

        let (status2, out2) = try run(bin, ["train", "--headless", "--steps", "3", "--epochs", "1"])
        XCTAssertNotEqual(status2, 0, out2)
        XCTAssertTrue(out2.contains("--steps and --epochs"), out2)
    }

    /// A run from before method.fcm_input (its config.toml and checkpoint do not name it) meant
    /// the features h: it resumes and evaluates as it was trained (here the meta classifier's
    /// input width, 2 × feature_dim, tells h from ẑ's 2 × proj_dim).
    func testRunFromBeforeFCMInputResumesAndEvaluates() throws {
        let bin = try binary()
        let root = try temporaryDirectory()
        let runDir = root + "/old"
        let (status, out) = try run(bin, try args(runDir, steps: 5, cache: root + "/cache") + ["--set", "method.fcm_input=feature"])
        XCTAssertEqual(status, 0, out)
        // Make it look as an earlier version wrote it.
        let configPath = runDir + "/config.toml"
        let toml = try String(contentsOfFile: configPath, encoding: .utf8)
        try toml.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("fcm_input") }
            .joined(separator: "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        let meta = RunDirectory(path: runDir).checkpointFiles(step: 5).meta
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: meta))) as! [String: Any]
        var recorded = json["config"] as! [String: Any]
        XCTAssertNotNil(recorded.removeValue(forKey: "method.fcm_input"))
        json["config"] = recorded
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: meta))

        let (resumed, resumedOut) = try run(bin, ["train", "--headless", "--resume", runDir, "--steps", "6"])
        XCTAssertEqual(resumed, 0, resumedOut)
        XCTAssertTrue(resumedOut.contains("resumed at step 5 of 6"), resumedOut)
        let (evaluated, evalOut) = try run(bin, ["eval", "retrieval", "--checkpoint", meta, "--clips", "1", "--no-results"])
        XCTAssertEqual(evaluated, 0, evalOut)
        XCTAssertTrue(evalOut.contains("R@1"), evalOut)

        // Its results.json, from before each kind of figure kept its own protocol: a probe now
        // leaves the retrieval figures with the protocol they were measured with.
        let results = RunDirectory(path: runDir).resultsPath
        try #"{"retrieval": {"R@1": 0.5}, "protocol": {"feature": "conv5-maxpool", "clips": 2}}"#
            .write(toFile: results, atomically: true, encoding: .utf8)
        let (probed, probeOut) = try run(bin, ["eval", "probe", "--checkpoint", meta, "--clips", "1"])
        XCTAssertEqual(probed, 0, probeOut)
        let r = try RunResults.read(path: results)
        XCTAssertEqual(r.protocolOf("retrieval")?["feature"], .string("conv5-maxpool"))
        XCTAssertEqual(r.protocolOf("probe")?["feature"], .string("gap"))
    }

    /// A run directory takes one run: a new run there is refused (its metrics would be truncated),
    /// and so is a second trainer while one trains; once the first is killed, a resume goes on.
    func testARunDirectoryIsNeverTrainedOverOrTwiceAtOnce() throws {
        let bin = try binary()
        let root = try temporaryDirectory()
        let (cache, runDir) = (root + "/cache", root + "/r")
        let (status, out) = try run(bin, try args(runDir, steps: 5, cache: cache))
        XCTAssertEqual(status, 0, out)
        let metrics = try String(contentsOfFile: runDir + "/metrics.jsonl", encoding: .utf8)

        let (again, againOut) = try run(bin, try args(runDir, steps: 5, cache: cache))
        XCTAssertNotEqual(again, 0, againOut)
        XCTAssertTrue(againOut.contains("\(runDir): already holds a run (checkpoint at step 5); --run-dir \(runDir) --resume auto continues it"), againOut)
        XCTAssertEqual(againOut.split(separator: "\n").count, 1, "one line: \(againOut)")
        XCTAssertEqual(try String(contentsOfFile: runDir + "/metrics.jsonl", encoding: .utf8), metrics, "nothing written")

        // A trainer resumes it for many steps; a second one is refused while the first trains.
        let p = try startTraining(bin, try args(runDir, steps: 100_000, cache: cache) + ["--resume", "auto"],
                                  runDir: runDir, untilStep: 7)
        XCTAssertEqual(RunDirectory(path: runDir).trainerIsRunning, true)
        let (second, secondOut) = try run(bin, try args(runDir, steps: 100_000, cache: cache) + ["--resume", "auto"])
        XCTAssertNotEqual(second, 0, secondOut)
        XCTAssertTrue(secondOut.contains("\(runDir): process \(p.processIdentifier) is training this run"), secondOut)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(RunDirectory(path: runDir).trainerIsRunning, false, "the kernel dropped the killed trainer's lock")
        let last = RunDirectory(path: runDir).checkpointSteps().last ?? 0
        let (resumed, resumedOut) = try run(bin, try args(runDir, steps: last + 2, cache: cache) + ["--resume", "auto"])
        XCTAssertEqual(resumed, 0, resumedOut)
    }

    /// The SSH connection drops: SIGHUP (here twice, as a session's leader and its foreground
    /// group may each get one) stops the run with a checkpoint of the step it was at, and output to
    /// a reader that has gone away does not kill it first.
    func testAHangupStopsTheRunWithACheckpoint() throws {
        let bin = try binary()
        let root = try temporaryDirectory()
        let runDir = root + "/r"
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()   // the terminal is gone: writes fail
        let p = try startTraining(bin, try args(runDir, steps: 100_000, cache: root + "/cache") + ["--set", "run.checkpoint_every=1000"],
                                  runDir: runDir, untilStep: 3, output: pipe)
        kill(p.processIdentifier, SIGHUP)
        kill(p.processIdentifier, SIGHUP)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit)
        XCTAssertEqual(p.terminationStatus, 0)
        try assertStoppedWithItsCheckpoint(runDir)
    }

    /// On a terminal the screen cannot use (a TERM this machine's terminfo lacks, as over SSH from a
    /// newer terminal), the run trains as lines instead of ending with ncurses' "Error opening
    /// terminal". `script` gives the command a terminal of its own.
    func testAnUnusableTerminalTrainsAsLines() throws {
        let (bin, script) = (try binary(), try scriptBinary())
        let root = try temporaryDirectory()
        let command = shellCommand([bin] + (try args(root + "/r", steps: 3, cache: root + "/cache")).filter { $0 != "--headless" })
        let (status, out) = try run(script, ["-qec", "env TERM=no-such-terminal \(command)", "/dev/null"])
        XCTAssertEqual(status, 0, out)
        XCTAssertTrue(out.contains("TERM=no-such-terminal: this machine's terminfo has no such terminal"), out)
        XCTAssertTrue(out.contains("printing lines instead of the workbench"), out)
        XCTAssertTrue(out.contains("finished 3 steps"), out)
    }

    /// A run killed before its first checkpoint, resumed with `--resume auto` from elsewhere and no
    /// flags: it starts over with its own config.toml (seed, learning rate, steps, data), not the
    /// defaults, and says so where the run's messages go.
    func testAResumeWithoutACheckpointStartsOverWithTheRunsConfig() throws {
        let bin = try binary()
        let root = try temporaryDirectory()
        let runDir = root + "/r"
        let first = try args(runDir, steps: 100_000, cache: root + "/cache")
            + ["--seed", "7", "--set", "optim.lr=0.005", "--set", "run.checkpoint_every=100000"]
        let p = try startTraining(bin, first, runDir: runDir, untilStep: 2)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertTrue(RunDirectory(path: runDir).checkpointSteps().isEmpty)
        let (status, out) = try run(bin, ["train", "--headless", "--resume", "auto", "--run-dir", runDir, "--steps", "3"])
        XCTAssertEqual(status, 0, out)
        XCTAssertTrue(out.contains("no checkpoint to resume; starting from step 0 with the run's config.toml"), out)
        let config = try RunConfig.load(file: runDir + "/config.toml")
        XCTAssertEqual(config.run.seed, 7)
        XCTAssertEqual(config.optim.lr, 0.005)
        XCTAssertEqual(config.model.width, 0.25)
        let log = try String(contentsOfFile: runDir + "/train.log", encoding: .utf8)
        XCTAssertTrue(log.contains("no checkpoint to resume; starting from step 0 with the run's config.toml"), log)
        // A --run-dir with nothing there (a typo, often): said as such.
        let (newStatus, newOut) = try run(bin, try args(root + "/typo", steps: 1, cache: root + "/cache") + ["--resume", "auto"])
        XCTAssertEqual(newStatus, 0, newOut)
        XCTAssertTrue(newOut.contains("\(root)/typo: no run there yet (is the path right?); starting a new one from step 0"), newOut)
    }

    /// The run's train.log says it stopped at a step, and that step's checkpoint is its newest.
    func assertStoppedWithItsCheckpoint(_ runDir: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let log = try String(contentsOfFile: runDir + "/train.log", encoding: .utf8)
        let stopped = try XCTUnwrap(log.split(separator: "\n").last { $0.contains("stopped at step ") }, log, file: file, line: line)
        let step = try XCTUnwrap(Int(stopped.split(separator: " ").last ?? ""), file: file, line: line)
        XCTAssertEqual(RunDirectory(path: runDir).checkpointSteps().last, step, log, file: file, line: line)
    }

    /// `script` (util-linux), which gives a command a terminal of its own; skips where it is missing.
    func scriptBinary() throws -> String {
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script) else { throw XCTSkip("no \(script) to give the command a terminal") }
        return script
    }

    /// `mcn-tui ARGS` as one shell word list, for `script -c`.
    func shellCommand(_ words: [String]) -> String { words.map { "'\($0)'" }.joined(separator: " ") }

    /// The trainer's process id, from its lock on the run directory.
    func trainerPID(_ runDir: String) throws -> pid_t {
        let text = try String(contentsOfFile: RunDirectory(path: runDir).trainerLockPath, encoding: .utf8)
        return try XCTUnwrap(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The screen open (under `script`, a terminal of its own), the connection drops: two hangups at
    /// once still stop the run with its checkpoint (the screen's handlers left on the second).
    func testTwoHangupsOnTheScreenStopTheRunWithACheckpoint() throws {
        let (bin, script) = (try binary(), try scriptBinary())
        let root = try temporaryDirectory()
        let runDir = root + "/r"
        let command = shellCommand([bin] + (try args(runDir, steps: 100_000, cache: root + "/cache")).filter { $0 != "--headless" }
                                   + ["--set", "run.checkpoint_every=100000"])
        let p = try startTraining(script, ["-qec", "env TERM=xterm-256color \(command)", "/dev/null"], runDir: runDir, untilStep: 3)
        let pid = try trainerPID(runDir)
        kill(pid, SIGHUP)
        usleep(5_000)   // delivered one after the other (pending signals of one kind merge), within a screen tick
        kill(pid, SIGHUP)
        p.waitUntilExit()
        try assertStoppedWithItsCheckpoint(runDir)
    }

    /// Under `nohup` a hangup is ignored on purpose: the run goes on (a SIGTERM then stops it cleanly).
    func testUnderNohupAHangupIsIgnored() throws {
        let bin = try binary()
        let nohup = "/usr/bin/nohup"
        guard FileManager.default.isExecutableFile(atPath: nohup) else { throw XCTSkip("no \(nohup)") }
        let root = try temporaryDirectory()
        let runDir = root + "/r"
        let p = try startTraining(nohup, [bin] + (try args(runDir, steps: 100_000, cache: root + "/cache")), runDir: runDir, untilStep: 2)
        let pid = try trainerPID(runDir)
        kill(pid, SIGHUP)
        let before = MetricsLog.readRows(path: runDir + "/metrics.jsonl").map(\.step).max() ?? 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && (MetricsLog.readRows(path: runDir + "/metrics.jsonl").map(\.step).max() ?? 0) < before + 3 {
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertTrue(p.isRunning, "a hangup under nohup does not stop the run")
        kill(pid, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertTrue(try String(contentsOfFile: runDir + "/train.log", encoding: .utf8).contains("stopped at step "))
    }

    /// Ways around "one run a directory" that resuming offered: a run whose checkpoints are all
    /// unreadable would start over on top of them, and another run's checkpoint resumed into a
    /// directory holding a run would cut its metrics at a foreign step. Both refused, nothing written.
    func testResumingNeverStartsAnotherRunOverOne() throws {
        let bin = try binary()
        let root = try temporaryDirectory()
        let cache = root + "/cache"
        for name in ["a", "b"] {
            let (status, out) = try run(bin, try args(root + "/" + name, steps: 5, cache: cache))
            XCTAssertEqual(status, 0, out)
        }
        let b = root + "/b"
        let metrics = try String(contentsOfFile: b + "/metrics.jsonl", encoding: .utf8)
        let (other, otherOut) = try run(bin, try args(b, steps: 8, cache: cache) + ["--resume", root + "/a/checkpoints/last"])
        XCTAssertNotEqual(other, 0, otherOut)
        XCTAssertTrue(otherOut.contains("\(b): already holds a run"), otherOut)

        let h = try FileHandle(forUpdating: URL(fileURLWithPath: RunDirectory(path: b).checkpointFiles(step: 5).parameters))
        try h.truncate(atOffset: 100)
        try h.close()
        let (unreadable, unreadableOut) = try run(bin, try args(b, steps: 8, cache: cache) + ["--resume", "auto"])
        XCTAssertNotEqual(unreadable, 0, unreadableOut)
        XCTAssertTrue(unreadableOut.contains("\(b): none of its checkpoints can be read"), unreadableOut)
        XCTAssertTrue(unreadableOut.contains("warning: "), "the reason comes first: \(unreadableOut)")
        XCTAssertEqual(try String(contentsOfFile: b + "/metrics.jsonl", encoding: .utf8), metrics, "nothing written")
    }

    func testBadConfigValueIsRefusedBeforeTraining() throws {
        let bin = try binary()
        let (status, out) = try run(bin, ["train", "--headless", "--set", "optim.lr=abc"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(out.contains("optim.lr"), out)
        XCTAssertEqual(out.split(separator: "\n").count, 1, "one line: \(out)")
    }

    func testMissingBLASLibraryIsAOneLineErrorNotALoaderCrash() throws {
        let bin = try binary()
        let missing = "/nonexistent/libopenblas.so.0"
        for args in [["train", "--headless", "--steps", "1"], ["eval", "retrieval", "--checkpoint", "random"],
                     ["bench", "--only", "sgemm"]] {
            let (status, out) = try run(bin, args, environment: ["MCN_BLAS_LIBRARY": missing])
            XCTAssertEqual(status, 2, "\(args): \(out)")
            XCTAssertTrue(out.contains(missing) && out.contains("install"), "\(args): \(out)")
            XCTAssertEqual(out.split(separator: "\n").count, 1, "one line for \(args): \(out)")
        }
    }
}
