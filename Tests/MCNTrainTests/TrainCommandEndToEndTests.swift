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
        try ["train", "--headless", "--run-dir", runDir, "--steps", "\(steps)"] + dataArgs() + [
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

    func testKilledRunResumesBitIdentically() throws {
        let bin = try binary()
        let root = NSTemporaryDirectory() + "mcn-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = root + "/cache"
        let (status, out) = try run(bin, try args(root + "/straight", steps: 16, cache: cache))
        XCTAssertEqual(status, 0, out)

        // Start the same run, SIGKILL it once step 12 is logged (checkpoint at 10), resume to 16.
        let killed = root + "/killed"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = try args(killed, steps: 16, cache: cache)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && p.isRunning {
            if MetricsLog.readRows(path: killed + "/metrics.jsonl").contains(where: { $0.step >= 12 }) { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
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
        let root = NSTemporaryDirectory() + "mcn-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
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

    /// A run records its data folder absolute (eval finds it from anywhere); resuming it with
    /// fewer steps than its checkpoint has is refused before anything is written.
    func testRunRecordsItsDataAbsoluteAndRefusesToResumeBelowItsStep() throws {
        let bin = try binary()
        let root = NSTemporaryDirectory() + "mcn-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let runDir = root + "/r"
        var a = try args(runDir, steps: 5, cache: root + "/cache")
        // --data as a path relative to the directory the command runs in.
        let i = a.firstIndex(of: "--data")! + 1
        let data = URL(fileURLWithPath: a[i])
        a[i] = data.lastPathComponent
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

        let (status, out) = try run(bin, ["train", "--headless", "--resume", runDir, "--steps", "3"])
        XCTAssertNotEqual(status, 0, out)
        XCTAssertTrue(out.contains("step 5, beyond run.steps = 3"), out)
        XCTAssertEqual(out.split(separator: "\n").count, 1, "one line: \(out)")
        XCTAssertEqual(try RunConfig.load(file: runDir + "/config.toml").run.steps, 5, "config.toml left alone")

        let (status2, out2) = try run(bin, ["train", "--headless", "--steps", "3", "--epochs", "1"])
        XCTAssertNotEqual(status2, 0, out2)
        XCTAssertTrue(out2.contains("--steps and --epochs"), out2)
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
