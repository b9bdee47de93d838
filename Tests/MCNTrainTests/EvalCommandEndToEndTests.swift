import XCTest
@testable import MCNTrain

/// `mcn-tui eval retrieval|probe|finetune` as a user runs them, on the real clips.
final class EvalCommandEndToEndTests: XCTestCase {
    static let packageRoot = BuiltBinary.packageRoot

    func binary() throws -> String { try BuiltBinary.path() }

    func realData(_ name: String) throws -> String {
        let p = Self.packageRoot.appendingPathComponent("../shared/data/real-clips/\(name)").standardized.path
        guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("\(p) is absent") }
        return p
    }

    static let tiny = ["--set", "model.width=0.25", "--set", "data.clip_frames=4", "--set", "data.clip_size=16",
                       "--set", "data.cache_dir=none", "--clips", "2"]

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try BuiltBinary.run(args) }

    /// The UCF101 split files name 13,320 videos of which five exist: numbers, and one line
    /// about the missing ones.
    func testRetrievalOnRealUCF101ClipsFinishesWithNumbers() throws {
        let data = try realData("ucf101")
        let root = try temporaryDirectory()
        let r = try run(["eval", "retrieval", "--checkpoint", "random", "--data", data, "--run-dir", root + "/random",
                         "--json", "--save-features", root + "/features"] + Self.tiny)
        XCTAssertEqual(r.status, 0, r.err)
        let json = try XCTUnwrap(EvalJSON.parse(Data(r.out.utf8)), r.out)
        for k in ["R@1", "R@5", "R@10", "R@20", "R@50"] { XCTAssertNotNil(json[k]?.double, k) }
        XCTAssertEqual((json["queries"]?.double ?? 0) + (json["gallery"]?.double ?? 0), 5)
        XCTAssertEqual(json["missing_listed_videos"]?.double, 13_315)
        XCTAssertEqual(r.err.components(separatedBy: "\n").filter { $0.contains("13315 listed videos are missing") }.count, 1, r.err)
        XCTAssertNotNil(try RunResults.read(path: root + "/random/results.json").retrieval?["R@1"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/features/test.npy"))

        // The probe reuses the features the retrieval kept.
        let p = try run(["eval", "probe", "--checkpoint", "random", "--data", data, "--run-dir", root + "/random", "--epochs", "5"] + Self.tiny)
        XCTAssertEqual(p.status, 0, p.err)
        XCTAssertTrue(p.err.contains("features: reusing"), p.err)
        XCTAssertTrue(p.out.contains("top-1"), p.out)
        // The three test clips' classes have no training clip here: said, as retrieval says it.
        XCTAssertTrue(p.out.contains("3 test videos have classes with no training video (counted as misses)"), p.out)
        let results = try RunResults.read(path: root + "/random/results.json")
        XCTAssertNotNil(results.probe?["top1"])
        XCTAssertNotNil(results.retrieval?["R@1"])
    }

    /// Fine-tuning from random weights end to end, with colour jitter named in its report; an
    /// out-of-range jitter is refused before anything runs.
    func testFinetuneWithColourJitterOnRealClips() throws {
        let data = try realData("ucf101")
        let root = try temporaryDirectory()
        let r = try run(["eval", "finetune", "--checkpoint", "random", "--data", data, "--run-dir", root + "/random",
                         "--steps", "2", "--batch-videos", "2", "--validate-every", "1", "--colour-jitter", "0.5", "--json"] + Self.tiny)
        XCTAssertEqual(r.status, 0, r.err)
        let json = try XCTUnwrap(EvalJSON.parse(Data(r.out.utf8)), r.out)
        XCTAssertNotNil(json["top1"]?.double, r.out)
        XCTAssertTrue(r.out.contains("colour jitter p 0.50"), r.out)
        XCTAssertNotNil(try RunResults.read(path: root + "/random/results.json").finetune?["top1"])

        let bad = try run(["eval", "finetune", "--checkpoint", "random", "--data", data, "--colour-jitter", "1.5"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.err.contains("--colour-jitter 1.5: must be in [0, 1]"), bad.err)
        // The refusal names the flag at fault (it listed every rule), with the subcommand's usage.
        let validation = try run(["eval", "finetune", "--checkpoint", "random", "--validation", "1.5"])
        XCTAssertTrue(validation.err.contains("--validation 1.5: must be in [0, 1)"), validation.err)
        XCTAssertTrue(validation.err.contains("mcn-tui eval finetune"), validation.err)
        let probe = try run(["eval", "probe", "--checkpoint", "random", "--batch-size", "0"])
        XCTAssertTrue(probe.err.contains("--batch-size 0: must be at least 1"), probe.err)
    }

    func testBadCheckpointIsOneLine() throws {
        let r = try run(["eval", "probe", "--checkpoint", "/nonexistent/step-00000001.safetensors"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n").count, 1, r.err)
        XCTAssertTrue(r.err.contains("/nonexistent/step-00000001"), r.err)
    }

    /// `--random-init` beside a checkpoint evaluated random weights and ignored the checkpoint.
    func testRandomInitBesideACheckpointIsRefused() throws {
        let r = try run(["eval", "probe", "--checkpoint", "/tmp/some-run", "--random-init"])
        XCTAssertEqual(r.status, 64, r.err)
        XCTAssertTrue(r.err.contains("--random-init and --checkpoint /tmp/some-run name two models: give one"), r.err)
    }
}
