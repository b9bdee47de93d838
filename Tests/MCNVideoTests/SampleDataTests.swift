import Foundation
import MCNTensor
import XCTest
@testable import MCNVideo

final class SampleDataTests: XCTestCase {
    let sampleDir = packageRoot + "/sample-data"

    func testCommittedSampleDataLoadsWithTheRightCounts() throws {
        let ds = try VideoDataset.load(dir: sampleDir)
        XCTAssertEqual(ds.format, .ucf101)
        XCTAssertEqual(ds.classNames, SampleDataGenerator.classNames)
        XCTAssertEqual(ds.train.count, 12 * 16)
        XCTAssertEqual(ds.test.count, 12 * 8)
        XCTAssertTrue(ds.missing.isEmpty, ds.summary)
        for c in 0..<12 {
            XCTAssertEqual(ds.train.filter { $0.label == c }.count, 16)
            XCTAssertEqual(ds.test.filter { $0.label == c }.count, 8)
        }
        XCTAssertEqual(ds.test.first?.relativeName, "MoveLeft/v_MoveLeft_g01_c01.avi")
        let r = try VideoReader(path: ds.train[0].path)
        XCTAssertEqual(r.width, 80)
        XCTAssertEqual(r.height, 80)
        XCTAssertEqual(r.codec, "mpeg4")
        XCTAssertEqual(r.container, "avi")
        XCTAssertEqual(try r.frameCount(exact: true), 32)
    }

    func testCommittedVideosMatchTheGenerator() throws {
        let g = SampleDataGenerator()
        let dir = try makeTempDir(self)
        for (k, group, clip) in [(0, 0, 0), (4, 9, 0), (11, 23, 0)] {
            XCTAssertEqual(g.renderClip(classIndex: k, group: group, clip: clip),
                           g.renderClip(classIndex: k, group: group, clip: clip))
            let rel = g.relativeName(classIndex: k, group: group, clip: clip)
            let fresh = dir + "/fresh.avi"
            try g.writeClip(classIndex: k, group: group, clip: clip, to: fresh)
            let a = try VideoReader(path: sampleDir + "/" + rel).decodeAll(outWidth: 80, outHeight: 80)
            let b = try VideoReader(path: fresh).decodeAll(outWidth: 80, outHeight: 80)
            XCTAssertEqual(a.count, 32)
            XCTAssertTrue(a.rgb == b.rgb, "sample-data/\(rel) is not what the generator makes now: regenerate it "
                          + "with `mcn-tui sample-data --out sample-data` (or FFmpeg's MPEG-4 encoder changed)")
        }
    }

    func testGeneratorWritesAUCF101LayoutAndHardVariantDiffers() throws {
        let dir = try makeTempDir(self)
        var g = SampleDataGenerator(seed: 5)
        g.classCount = 2; g.groups = 2; g.clipsPerGroup = 2; g.testGroups = 1; g.frames = 12
        XCTAssertEqual(try g.generate(to: dir), 8)
        let ds = try VideoDataset.load(dir: dir)
        XCTAssertEqual(ds.classNames, ["MoveLeft", "MoveRight"])
        XCTAssertEqual(ds.train.count, 4)
        XCTAssertEqual(ds.test.count, 4)
        XCTAssertEqual(try VideoReader(path: ds.train[0].path).frameCount(exact: true), 12)
        var h = g
        h.hard = true
        XCTAssertNotEqual(h.renderClip(classIndex: 0, group: 0, clip: 0), g.renderClip(classIndex: 0, group: 0, clip: 0))
    }

    func testLoaderOnSampleData() throws {
        let ds = try VideoDataset.load(dir: sampleDir)
        let cfg = TrainLoaderConfig(clipFrames: 8, size: 64, viewsPerVideo: 2, batchVideos: 8,
                                    augmentation: .sampleData, seed: 1)
        let loader = try TrainBatchLoader(items: ds.train, config: cfg, cache: try FrameCache(directory: try makeTempDir(self)))
        XCTAssertEqual(loader.batchesPerEpoch, 24)
        let b = try loader.next()
        XCTAssertEqual(b.clips.shape, [16, 3, 8, 64, 64])
        XCTAssertEqual(loader.stats.skippedVideos, 0)
        XCTAssertEqual(loader.stats.shortVideos, 0)
    }

    /// `sample-data --out` into a real dataset's folder replaced its classInd and split-1 lists.
    func testSampleDataWritesOnlyWhereNothingIsLost() throws {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "mcn-sample-out-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: root) }
        XCTAssertTrue(SampleDataGenerator.canWrite(into: root + "/new"), "missing")
        try fm.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        XCTAssertTrue(SampleDataGenerator.canWrite(into: root + "/empty"))
        try "".write(toFile: root + "/empty/.DS_Store", atomically: true, encoding: .utf8)
        XCTAssertTrue(SampleDataGenerator.canWrite(into: root + "/empty"), "hidden files only")
        try fm.createDirectory(atPath: root + "/ucf/ucfTrainTestlist", withIntermediateDirectories: true)
        try "1 ApplyEyeMakeup\r\n2 Archery\r\n".write(toFile: root + "/ucf/ucfTrainTestlist/classInd.txt", atomically: true, encoding: .utf8)
        XCTAssertFalse(SampleDataGenerator.canWrite(into: root + "/ucf"), "a real dataset")
        try fm.createDirectory(atPath: root + "/run", withIntermediateDirectories: true)
        try "[run]\n".write(toFile: root + "/run/config.toml", atomically: true, encoding: .utf8)
        XCTAssertFalse(SampleDataGenerator.canWrite(into: root + "/run"), "a run directory")
        try fm.createDirectory(atPath: root + "/sample/ucfTrainTestlist", withIntermediateDirectories: true)
        try "1 MoveLeft\r\n2 MoveRight\r\n3 MoveUp\r\n".write(toFile: root + "/sample/ucfTrainTestlist/classInd.txt", atomically: true, encoding: .utf8)
        XCTAssertTrue(SampleDataGenerator.canWrite(into: root + "/sample"), "a sample dataset written before")
        // The sample data is told by its classes, wherever it lies (fine-tuning's crops, training's flip note).
        XCTAssertTrue(SampleDataGenerator.isSampleData(classNames: SampleDataGenerator.classNames.reversed()))
        XCTAssertTrue(SampleDataGenerator.isSampleData(classNames: ["MoveUp", "MoveLeft", "MoveRight"]))
        XCTAssertFalse(SampleDataGenerator.isSampleData(classNames: ["MoveLeft", "Archery"]))
        XCTAssertFalse(SampleDataGenerator.isSampleData(classNames: []))
    }
}
