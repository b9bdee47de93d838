import XCTest
@testable import MCNTrain

final class RunConfigTests: XCTestCase {
    func testDefaultsAndTypedSections() {
        let c = RunConfig()
        XCTAssertEqual(c.data.dir, "sample-data")
        XCTAssertEqual(c.data.clipFrames, 8)
        XCTAssertEqual(c.model.backbone, "r3d-tiny")
        XCTAssertNil(c.model.layers)
        XCTAssertEqual(c.method.temperature, 0.07)
        XCTAssertEqual(c.optim.weightDecay, 5e-4)
        XCTAssertEqual(c.optim.batchVideos, 16)
        XCTAssertEqual(c.run.steps, 300)
        XCTAssertEqual(c.eval.feature, "gap")
        XCTAssertEqual(ConfigSchema.keys.count, Set(ConfigSchema.keys.map(\.dotted)).count)
    }

    func testParseFileAndOverrides() throws {
        let dir = try temporaryDirectory()
        let file = dir + "/c.toml"
        try """
        [model]
        backbone = "r2plus1d-tiny"
        layers = "2,2,2,2"
        width = 1   # an integer is fine for a number

        [optim]
        lr = 0.1
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let c = try RunConfig.load(file: file, overrides: ["optim.lr=0.05", "run.steps=40", "method.mode=\"second-order\"", "data.flip=true"])
        XCTAssertEqual(c.model.backbone, "r2plus1d-tiny")
        XCTAssertEqual(c.model.layers, [2, 2, 2, 2])
        XCTAssertEqual(c.model.width, 1.0)
        XCTAssertEqual(c.optim.lr, 0.05)
        XCTAssertEqual(c.run.steps, 40)
        XCTAssertEqual(c.method.mode, "second-order")
        XCTAssertTrue(c.data.flip)
    }

    func testUnknownKeySuggestsClosest() {
        XCTAssertThrowsError(try RunConfig.parse(toml: "[optim]\nlrate = 0.1\n", source: "x.toml")) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("x.toml"), m)
            XCTAssertTrue(m.contains("optim.lrate"), m)
            XCTAssertTrue(m.contains("did you mean 'optim.lr'"), m)
        }
        var c = RunConfig()
        XCTAssertThrowsError(try c.set("optim.momentun=0.5")) { e in
            XCTAssertTrue("\(e)".contains("did you mean 'optim.momentum'"), "\(e)")
        }
        XCTAssertThrowsError(try c.set("temprature=0.1")) { e in
            XCTAssertTrue("\(e)".contains("method.temperature"), "\(e)")
        }
        XCTAssertThrowsError(try RunConfig.parse(toml: "[optimm]\nlr = 0.1\n")) { e in
            XCTAssertTrue("\(e)".contains("did you mean [optim]"), "\(e)")
        }
        // Nothing close: no guess, the sections or nothing instead.
        XCTAssertThrowsError(try RunConfig.parse(toml: "[bogus]\nlr = 0.1\n")) { e in
            XCTAssertFalse("\(e)".contains("did you mean"), "\(e)")
            XCTAssertTrue("\(e)".contains("sections: data, model"), "\(e)")
        }
        XCTAssertThrowsError(try c.set("foo=1")) { e in XCTAssertFalse("\(e)".contains("did you mean"), "\(e)") }
    }

    func testWrongTypeAndRange() {
        var c = RunConfig()
        XCTAssertThrowsError(try c.set("data.split=4")) { e in
            XCTAssertTrue("\(e)".contains("data.split"), "\(e)")
            XCTAssertTrue("\(e)".contains("1...3"), "\(e)")
        }
        XCTAssertThrowsError(try c.set("model.backbone=resnet")) { e in
            XCTAssertTrue("\(e)".contains("\"r3d-tiny\""), "\(e)")
        }
        XCTAssertThrowsError(try c.set("method.temperature=0")) { e in
            XCTAssertTrue("\(e)".contains("> 0.0"), "\(e)")
        }
        XCTAssertThrowsError(try c.set("optim.batch_videos=1"))
        XCTAssertThrowsError(try c.set("optim.lr=fast"))
        XCTAssertThrowsError(try c.set("model.layers=1,2,3"))
        XCTAssertThrowsError(try c.set("run.name=a/b"))
        XCTAssertThrowsError(try c.set("data.flip=yes"))
        XCTAssertThrowsError(try c.set("data.hue=0.6")) { e in XCTAssertTrue("\(e)".contains("data.hue"), "\(e)") }
        XCTAssertThrowsError(try c.set("data.jitter_strength=-0.1"))
        XCTAssertThrowsError(try c.set("noequals"))
        XCTAssertThrowsError(try RunConfig.parse(toml: "[data]\nsplit = \"one\"\n")) { e in
            XCTAssertTrue("\(e)".contains("data.split must be an integer"), "\(e)")
        }
        XCTAssertThrowsError(try RunConfig.parse(toml: "[data\nsplit = 1\n")) { e in
            XCTAssertTrue("\(e)".contains("invalid TOML"), "\(e)")
        }
    }

    func testResolvedTOMLRoundTripsAndHashIsStable() throws {
        var c = RunConfig()
        try c.set("optim.lr=0.0001")
        try c.set("data.dir=/tmp/with \"quote\"")
        try c.set("model.width=0.5")
        let back = try RunConfig.parse(toml: c.toml())
        XCTAssertEqual(back, c)
        XCTAssertEqual(back.hash, c.hash)
        XCTAssertEqual(c.hash.count, 16)
        // A key that may change on resume leaves the hash alone; any other changes it.
        var d = c
        try d.set("run.steps=1000")
        XCTAssertEqual(d.hash, c.hash)
        try d.set("optim.lr=0.01")
        XCTAssertNotEqual(d.hash, c.hash)
        XCTAssertEqual(RunConfig().hash, RunConfig().hash)
    }

    func testConfigDifferences() throws {
        var a = RunConfig(), b = RunConfig()
        try b.set("optim.lr=0.1")
        try b.set("method.mode=mldg")
        try b.set("run.steps=5")
        try b.set("run.name=other")
        XCTAssertEqual(configDifferences(a, b), ["method.mode", "optim.lr"])
        try a.set("optim.lr=0.1"); try a.set("method.mode=mldg")
        XCTAssertEqual(configDifferences(a, b), [])
        XCTAssertEqual(configDifferences(["x.y": "1"], [:]), ["x.y"])
        // data.dir: a relative folder and the same folder absolute are one folder (runs before
        // data.dir was recorded absolute), another folder is not.
        let cwd = FileManager.default.currentDirectoryPath
        var rel = RunConfig(), abs = RunConfig()
        try rel.set("data.dir=sample-data"); try abs.set("data.dir=\(cwd)/./sample-data")
        XCTAssertEqual(configDifferences(rel, abs), [])
        try abs.set("data.dir=\(cwd)/other-data")
        XCTAssertEqual(configDifferences(rel, abs), ["data.dir"])
        XCTAssertEqual(absolutePath("a/../b"), (cwd as NSString).appendingPathComponent("b"))
    }

    func testFlagErrorsNameTheFlag() {
        XCTAssertThrowsError(try RunConfig.load(file: nil, flags: [FlagSetting("steps", 0, key: "run.steps")])) { e in
            XCTAssertTrue("\(e)".hasPrefix("--steps 0: run.steps"), "\(e)")
        }
        XCTAssertThrowsError(try RunConfig.load(file: nil, flags: [FlagSetting("split", 4, key: "data.split")])) { e in
            XCTAssertTrue("\(e)".hasPrefix("--split 4:"), "\(e)")
        }
        // A flag wins over --set of the same key.
        let c = try? RunConfig.load(file: nil, overrides: ["run.steps=7"], flags: [FlagSetting("steps", 9, key: "run.steps")])
        XCTAssertEqual(c?.run.steps, 9)
    }

    /// A key added later (method.fcm_input) means, in a run recorded before it, what runs did
    /// then (the features h), while a new config takes the default (the projections ẑ); such a
    /// run still resumes.
    func testKeysARecordedConfigLacksMeanWhatTheyMeantBefore() throws {
        let dir = try temporaryDirectory()
        let old = dir + "/config.toml"
        try "[method]\nfcm = \"concat\"\n".write(toFile: old, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RunConfig.load(file: old, recorded: true).method.fcmInput, "feature")
        XCTAssertEqual(try RunConfig.load(file: old, recorded: true).method.baselineLoss, "batch")
        XCTAssertEqual(RunConfig().method.baselineLoss, "sets")
        XCTAssertEqual(try RunConfig.load(file: old).method.fcmInput, "projection")
        XCTAssertEqual(RunConfig().method.fcmInput, "projection")
        var recorded = RunConfig().keyValues
        recorded["method.fcm_input"] = nil
        var now = RunConfig()
        XCTAssertEqual(configDifferences(recorded, now.keyValues), ["method.fcm_input"])
        try now.set("method.fcm_input=feature")
        XCTAssertEqual(configDifferences(recorded, now.keyValues), [])
        let (fromCheckpoint, _) = try RunConfig.recorded(recorded, source: "x.json")
        XCTAssertEqual(fromCheckpoint.method.fcmInput, "feature")
        // Refused under the new default, the message says what the checkpoint's silence meant.
        var meta = CheckpointMeta(step: 1, epoch: 0, rngState: [], dataPosition: DataPosition(epoch: 0, index: 0), config: RunConfig())
        meta.config = recorded
        XCTAssertThrowsError(try meta.checkCompatible(with: RunConfig(), source: "x.json")) { e in
            XCTAssertTrue("\(e)".contains("method.fcm_input (\"feature\", not recorded in the checkpoint, \"projection\" now)"), "\(e)")
        }
    }

    func testEveryNegativePairIsAllowed() throws {
        var c = RunConfig()
        try c.set("method.neg_per_pos=0")
        XCTAssertEqual(c.method.negPerPos, 0)
        XCTAssertThrowsError(try c.set("method.neg_per_pos=-1"))
    }
}

extension XCTestCase {
    /// A fresh empty directory under the system temporary directory, removed when the test ends.
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "mcntrain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
