import XCTest
import MCNTensor
import MCNVideo
@testable import MCNTrain

/// Loading a checkpoint for evaluation, retrieval and fine-tuning on the real clips.
final class EvalModelTests: XCTestCase {
    static let realClips = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/data/real-clips").standardized.path

    var root: String!
    override func setUp() { root = NSTemporaryDirectory() + "mcn-evalmodel-\(UUID().uuidString)" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    static let tiny = [
        "model.width=0.25", "model.feature_dim=32", "model.proj_dim=16", "model.meta_hidden=8",
        "data.clip_frames=4", "data.clip_size=16", "optim.batch_videos=4", "data.cache_dir=none",
        "run.monitor_every=0", "optim.lr=0.01", "eval.clips=2",
    ]

    func realData(_ name: String) throws -> String {
        let p = Self.realClips + "/" + name
        guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("\(p) is absent") }
        return p
    }

    func testRecordedConfigRoundTrips() throws {
        let c = try RunConfig.load(file: nil, overrides: Self.tiny + ["run.name=x", "data.dir=/a b/\"q\""])
        let (back, unknown) = try RunConfig.recorded(c.keyValues.merging(["old.key": "1"]) { a, _ in a }, source: "t.json")
        XCTAssertEqual(back, c)
        XCTAssertEqual(unknown, ["old.key"])
    }

    func testCheckpointLoadsWithItsConfigAndWeights() throws {
        let config = try RunConfig.load(file: nil, overrides: Self.tiny + ["run.steps=2", "run.seed=7"])
        let run = RunDirectory(path: root + "/run")
        let data = SyntheticTrainingData(videosPerBatch: 4, viewsPerVideo: 2, clipShape: [3, 4, 16, 16], stepsPerEpoch: 3)
        let engine = try TrainingEngine(config: config, run: run, data: data)
        engine.runLoop()
        let m = try EvalModel.load(checkpoint: run.path, overrides: ["eval.clips=3"])
        XCTAssertEqual(m.step, 2)
        XCTAssertEqual(m.run, run)
        XCTAssertEqual(m.config.model.width, 0.25)
        XCTAssertEqual(m.config.eval.clips, 3)
        XCTAssertEqual(m.theta.toArray(), engine.parameters.theta.toArray())
        XCTAssertEqual(m.buffers.toArray(), engine.parameters.buffers.toArray())
        XCTAssertFalse(m.isRandom)

        let r = try EvalModel.random(config: config, runDir: root + "/r")
        XCTAssertTrue(r.isRandom)
        XCTAssertNotEqual(r.theta.toArray(), m.theta.toArray())
        XCTAssertThrowsError(try EvalModel.load(checkpoint: root + "/nothing")) { e in
            XCTAssertTrue("\(e)".contains("nothing"), "\(e)")
        }
    }

    /// The UCF101 split files name 13,320 videos, five of which exist: retrieval runs on those.
    func testRetrievalOnRealClipsReportsMissingAndAbsentClasses() throws {
        let dir = try realData("ucf101")
        let config = try RunConfig.load(file: nil, overrides: Self.tiny + ["data.dir=\(dir)"])
        let model = try EvalModel.random(config: config, runDir: root + "/random")
        let dataset = try openDataset(config)
        XCTAssertEqual(dataset.missing.count, 13_315)
        let ex = model.extractor(pipeline: try model.pipeline())
        let (f, cachedFirst) = SplitFeaturesCache.features(model, ex, dataset: dataset)
        let (again, cachedSecond) = SplitFeaturesCache.features(model, ex, dataset: dataset)
        XCTAssertFalse(cachedFirst)
        XCTAssertTrue(cachedSecond)
        XCTAssertEqual(again.train.features, f.train.features)
        XCTAssertEqual(again.test.items, f.test.items)
        var other = ex
        other.clips = 3
        XCTAssertNotEqual(SplitFeaturesCache.key(model, other, dataset), SplitFeaturesCache.key(model, ex, dataset))
        let report = try RetrievalReport(features: f, dataset: dataset, protocolJSON: evalProtocol(model, dataset: dataset, extractor: ex), centre: false)
        XCTAssertEqual(report.result.queryCount + report.result.galleryCount, 5)
        XCTAssertEqual(report.missingListed, 13_315)
        let json = report.json
        for k in ["R@1", "R@5", "R@10", "R@20", "R@50"] {
            let v = try XCTUnwrap(json[k]?.double, k)
            XCTAssertTrue((0...1).contains(v))
        }
        XCTAssertEqual(json["absent_class_queries"]?.double, Double(report.result.queriesWithAbsentClass))
        XCTAssertEqual(json["protocol"]?["clips"]?.double, 2)
        XCTAssertNotNil(json["per_class_R@1"])

        // results.json as written reads back through RunResults (what `eval compare` uses).
        try EvalResultsFile.update(model.run.resultsPath, sections: [
            "retrieval": report.section, "protocol": report.protocolJSON,
            "retrieval_details": report.details.merging(.object(evalSource(model))),
        ])
        let back = try RunResults.read(path: model.run.resultsPath)
        XCTAssertEqual(back.retrieval?["R@1"], report.result.recall[1])
        XCTAssertEqual(back.retrieval?["absent_class_queries"], Double(report.result.queriesWithAbsentClass))
        XCTAssertEqual(back.protocol?["backbone"], .string("r3d-tiny"))
        XCTAssertFalse(report.table.isEmpty)
        XCTAssertFalse(try XCTUnwrap(dataset.missingLine).contains("\n"))
    }

    func testHoldOutIsStratifiedAndSeeded() {
        let items = (0..<20).map { VideoItem(path: "/v\($0)", relativeName: "c\($0 % 3)/v\($0)", label: $0 % 3, className: "c\($0 % 3)") }
            + [VideoItem(path: "/lone", relativeName: "c3/lone", label: 3, className: "c3")]
        let (train, val) = FineTuner.holdOut(items, fraction: 0.25, seed: 1)
        XCTAssertEqual(train.count + val.count, items.count)
        XCTAssertEqual(Set(val.map(\.label)), [0, 1, 2])  // a class of one keeps its video
        XCTAssertTrue(train.contains { $0.label == 3 })
        XCTAssertEqual(FineTuner.holdOut(items, fraction: 0.25, seed: 1).validation, val)
        XCTAssertEqual(FineTuner.holdOut(items, fraction: 0, seed: 1).validation, [])
    }

    /// Fine-tuning from random weights on the real HMDB51 clips (class folders), end to end.
    func testFineTuneRunsEndToEndFromRandomWeights() throws {
        let dir = try realData("hmdb51")
        let config = try RunConfig.load(file: nil, overrides: Self.tiny + ["data.dir=\(dir)"])
        let model = try EvalModel.random(config: config)
        let before = model.theta.toArray()
        let dataset = try openDataset(config)
        var ft = FineTuneConfig()
        ft.steps = 4; ft.validateEvery = 2; ft.batchVideos = 2; ft.clips = 2; ft.validationFraction = 0.5; ft.warmupSteps = 0
        let tuner = try FineTuner(network: model.network, theta: model.theta, buffers: model.buffers, dataset: dataset,
                                  pipeline: try model.pipeline(), clipFrames: 4, clipSize: 16,
                                  augmentation: fineTuneAugmentation(config, dataset: dataset, colourJitter: 0), config: ft)
        let r = try tuner.run()
        XCTAssertEqual(r.checks.map(\.step), [2, 4])
        XCTAssertEqual(r.testVideos, dataset.test.count)
        XCTAssertEqual(r.trainVideos + r.validationVideos, dataset.train.count)
        XCTAssertTrue((0...1).contains(r.testTop1) && r.testTop5 >= r.testTop1)
        XCTAssertTrue(r.checks.allSatisfy { $0.trainLoss.isFinite })
        XCTAssertEqual(model.theta.toArray(), before, "the caller's weights are not modified")
        XCTAssertNotEqual(tuner.theta.toArray(), before)
        let json = FineTuneReport(result: r, config: ft, augmentation: "a", protocolJSON: [:]).json
        XCTAssertEqual(json["top1"]?.double, r.testTop1)
    }

    /// Weights pre-trained on UCF101 split 1 evaluated on split 2 had split 2's test videos among
    /// the videos they learned from, without a word.
    func testAnotherSplitOfThePretrainingDataIsSaid() throws {
        let ucf = try realData("ucf101")
        var config = RunConfig()
        try config.set("data.dir=\(ucf)"); try config.set("model.width=0.25")
        var model = try EvalModel.random(config: config, runDir: NSTemporaryDirectory() + "unused")
        try config.set("data.split=2")
        let split2 = try openDataset(config)
        XCTAssertNil(model.splitLeak(split2), "random weights learned from nothing")
        model.pretrainedOn = (dir: ucf + "/.", split: 1, seed: 1)
        let said = try XCTUnwrap(model.splitLeak(split2))
        XCTAssertTrue(said.hasPrefix("these weights were pre-trained on split 1 of \(ucf); split 2's test videos"), said)
        try config.set("data.split=1")
        XCTAssertNil(model.splitLeak(try openDataset(config)), "the same split")
        model.pretrainedOn = (dir: "/elsewhere", split: 1, seed: 1)
        XCTAssertNil(model.splitLeak(split2), "other data")
        // A folders dataset's split is drawn from its split number and the seed.
        let hmdb = try realData("hmdb51")
        var folders = RunConfig()
        try folders.set("data.dir=\(hmdb)"); try folders.set("data.format=folders"); try folders.set("model.width=0.25")
        try folders.set("run.seed=9")
        var reseeded = try EvalModel.random(config: folders, runDir: NSTemporaryDirectory() + "unused")
        reseeded.pretrainedOn = (dir: hmdb, split: 1, seed: 1)
        let drawn = try openDataset(folders)
        XCTAssertTrue(reseeded.splitLeak(drawn)?.contains("split 1 with seed 1") ?? false, "\(String(describing: reseeded.splitLeak(drawn)))")
        reseeded.pretrainedOn = (dir: hmdb, split: 1, seed: 9)
        XCTAssertNil(reseeded.splitLeak(drawn), "the same draw")
    }
}

/// An extraction asked to stop (the run is stopping during an evaluation) ends before the next video.
final class FeatureExtractionStopTests: XCTestCase {
    func testAnExtractionAskedToStopEndsBeforeTheNextVideo() throws {
        let config = try RunConfig.load(file: nil, overrides: ["model.width=0.25", "data.clip_frames=4", "data.clip_size=16", "eval.clips=1"])
        let model = try EvalModel.random(config: config, runDir: NSTemporaryDirectory() + "mcn-stop-\(UUID().uuidString)")
        var extractor = model.extractor(pipeline: VideoPipeline(cache: nil, shortSide: 18))
        let videos = (0..<3).map { VideoItem(path: "/nonexistent/v\($0).avi", relativeName: "v\($0).avi", label: 0, className: "c") }
        var asked = 0
        extractor.shouldStop = { asked += 1; return asked > 1 }
        let out = extractor.extract(videos)
        XCTAssertTrue(out.stopped)
        XCTAssertEqual(out.skipped.count, 1, "one video tried (unreadable, skipped), then stopped")
        XCTAssertEqual(asked, 2)
        extractor.shouldStop = nil
        XCTAssertFalse(extractor.extract(videos).stopped)
    }
}
