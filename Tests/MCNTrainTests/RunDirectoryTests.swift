import XCTest
@testable import MCNTrain

final class RunDirectoryTests: XCTestCase {
    private func save(_ run: RunDirectory, step: Int, config: RunConfig = RunConfig(), keep: Int = 3) throws {
        var p = SafeTensorsWriter()
        try p.add("fc.weight", shape: [2, 2], floats: [Float(step), 1, 2, 3])
        var o = SafeTensorsWriter()
        try o.add("fc.weight.momentum", shape: [2, 2], floats: [0, 0, 0, 0])
        let meta = CheckpointMeta(step: step, epoch: step / 10, rngState: [1, 2, UInt64.max, 0x9E37_79B9_7F4A_7C15],
                                  dataPosition: DataPosition(epoch: step / 10, index: step % 10), config: config)
        try run.saveCheckpoint(step: step, parameters: p, optimizer: o, meta: meta, keepLast: keep)
    }

    func testLayoutDefaultNameAndConfig() throws {
        let root = try temporaryDirectory()
        XCTAssertTrue(RunDirectory.defaultName().hasPrefix("run-"))
        XCTAssertEqual(RunDirectory(root: root, name: "").name.count, "run-20261127-094922".count)
        let run = RunDirectory(root: root, name: "a")
        try run.create()
        var config = RunConfig()
        try config.set("optim.lr=0.01")
        try run.writeConfig(config)
        XCTAssertEqual(try RunConfig.load(file: run.configPath), config)
        XCTAssertEqual(run.checkpointFiles(step: 1200).parameters, root + "/a/checkpoints/step-00001200.safetensors")
        XCTAssertEqual(run.checkpointFiles(step: 1200).optimizer, root + "/a/checkpoints/step-00001200.optim.safetensors")
        XCTAssertEqual(run.checkpointFiles(step: 1200).meta, root + "/a/checkpoints/step-00001200.json")
    }

    func testSaveKeepsLastKAndPointsToNewest() throws {
        let run = RunDirectory(path: try temporaryDirectory() + "/r")
        for s in [10, 20, 30, 40, 50] { try save(run, step: s, keep: 3) }
        XCTAssertEqual(run.checkpointSteps(), [30, 40, 50])
        XCTAssertEqual(run.lastPointer(), "step-00000050")
        let c = try XCTUnwrap(run.latestValidCheckpoint())
        XCTAssertEqual(c.meta.step, 50)
        XCTAssertEqual(c.meta.rngState, [1, 2, UInt64.max, 0x9E37_79B9_7F4A_7C15])
        XCTAssertEqual(c.meta.dataPosition, DataPosition(epoch: 5, index: 0))
        XCTAssertEqual(c.meta.parametersFile, "step-00000050.safetensors")
        XCTAssertEqual(c.meta.optimizerFile, "step-00000050.optim.safetensors")
        XCTAssertEqual(try SafeTensorsFile(path: c.files.parameters).floats("fc.weight"), [50, 1, 2, 3])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.checkpointsPath).filter { $0.hasPrefix(".") }, [])
    }

    func testTruncatedNewestFallsBackWithWarning() throws {
        let run = RunDirectory(path: try temporaryDirectory() + "/r")
        for s in [10, 20, 30] { try save(run, step: s) }
        // Truncate the newest parameters by hand; break the middle one's JSON.
        let p30 = run.checkpointFiles(step: 30).parameters
        let d = FileManager.default.contents(atPath: p30)!
        try d.prefix(d.count - 3).write(to: URL(fileURLWithPath: p30))
        var warnings: [String] = []
        let c = try XCTUnwrap(run.latestValidCheckpoint { warnings.append($0) })
        XCTAssertEqual(c.meta.step, 20)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("step-00000030"), warnings[0])
        XCTAssertTrue(warnings[0].contains("truncated"), warnings[0])

        try "{\"step\": 2".write(toFile: run.checkpointFiles(step: 20).meta, atomically: false, encoding: .utf8)
        warnings = []
        XCTAssertEqual(run.latestValidCheckpoint { warnings.append($0) }?.meta.step, 10)
        XCTAssertEqual(warnings.count, 2)
        XCTAssertTrue(warnings[1].contains("not valid JSON"), warnings[1])

        // --resume PATH on a bad checkpoint is refused with one line; a good one resolves.
        XCTAssertThrowsError(try RunDirectory.checkpoint(at: p30)) { XCTAssertTrue("\($0)".contains("truncated"), "\($0)") }
        XCTAssertEqual(try RunDirectory.checkpoint(at: run.checkpointFiles(step: 10).meta).meta.step, 10)
        XCTAssertEqual(try RunDirectory.checkpoint(at: run.path).meta.step, 10)
        XCTAssertThrowsError(try RunDirectory.checkpoint(at: run.path + "/config.toml"))
        // checkpoints/last resolves to the checkpoint it names (a checkpoint's file name too), even
        // when a newer one verifies; a pointer to a broken checkpoint, to none, or an empty one is
        // refused in one line.
        XCTAssertThrowsError(try RunDirectory.checkpoint(at: run.lastPointerPath)) { XCTAssertTrue("\($0)".contains("truncated"), "\($0)") }
        try save(run, step: 40, keep: 4)
        try "step-00000010\nleft over\n".write(toFile: run.lastPointerPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RunDirectory.checkpoint(at: run.lastPointerPath).meta.step, 10)
        XCTAssertEqual(try RunDirectory.checkpoint(at: run.path).meta.step, 40)
        try "step-00000010.safetensors".write(toFile: run.lastPointerPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RunDirectory.checkpoint(at: run.lastPointerPath).meta.step, 10)
        try "config\n".write(toFile: run.lastPointerPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunDirectory.checkpoint(at: run.lastPointerPath)) {
            XCTAssertTrue("\($0)".contains("checkpoints/last: names \"config\", not a checkpoint"), "\($0)")
        }
        try "\n".write(toFile: run.lastPointerPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunDirectory.checkpoint(at: run.lastPointerPath)) {
            XCTAssertTrue("\($0)".hasSuffix("checkpoints/last: is empty (it names the newest checkpoint)"), "\($0)")
        }
    }

    func testCheckpointFromAnotherConfigIsRefusedNamingKeys() throws {
        let run = RunDirectory(path: try temporaryDirectory() + "/r")
        try save(run, step: 10)
        let meta = try XCTUnwrap(run.latestValidCheckpoint()).meta
        var same = RunConfig()
        try same.set("run.steps=999")        // may change on resume
        XCTAssertNoThrow(try meta.checkCompatible(with: same, source: "ck"))
        var other = RunConfig()
        try other.set("optim.lr=0.1")
        try other.set("model.backbone=r3d-18")
        XCTAssertEqual(meta.differences(from: other), ["model.backbone", "optim.lr"])
        XCTAssertThrowsError(try meta.checkCompatible(with: other, source: "ck")) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("optim.lr (\(RunConfig().optim.lr) in the checkpoint, 0.1 now)"), m)
            XCTAssertTrue(m.contains("model.backbone"), m)
        }
        XCTAssertEqual(meta.configHash, RunConfig().hash)
    }

    /// Evaluation needs the weights, not the optimiser state (often deleted: it is as large as
    /// them); resuming training still needs it.
    func testACheckpointWithoutItsOptimiserStateServesEvaluation() throws {
        let run = RunDirectory(path: try temporaryDirectory() + "/r")
        for s in [10, 20] { try save(run, step: s) }
        try FileManager.default.removeItem(atPath: run.checkpointFiles(step: 20).optimizer)
        XCTAssertEqual(try RunDirectory.checkpoint(at: run.path, optimizer: false).meta.step, 20)
        XCTAssertEqual(try RunDirectory.checkpoint(at: run.checkpointFiles(step: 20).parameters, optimizer: false).meta.step, 20)
        XCTAssertThrowsError(try RunDirectory.checkpoint(at: run.checkpointFiles(step: 20).parameters))
        var warnings: [String] = []
        XCTAssertEqual(run.latestValidCheckpoint { warnings.append($0) }?.meta.step, 10, "a resume falls back to one it can continue")
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("checkpoint step-00000020 has no usable optimiser state"), warnings[0])
    }
}
