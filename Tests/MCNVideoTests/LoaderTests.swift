import Foundation
import MCNTensor
import XCTest
@testable import MCNVideo

final class LoaderTests: XCTestCase {
    private func items() throws -> [VideoItem] {
        let ds = try VideoDataset.load(dir: try realClipsDir() + "/hmdb51", seed: 1)
        return ds.all
    }

    private let config = TrainLoaderConfig(clipFrames: 4, size: 16, viewsPerVideo: 2, batchVideos: 3,
                                           augmentation: .standard, seed: 42)

    func testResumedLoaderGivesIdenticalBatches() throws {
        let dir = try makeTempDir(self)
        let cache = try FrameCache(directory: dir)
        let all = try items()
        let a = try TrainBatchLoader(items: all, config: config, cache: cache)
        XCTAssertEqual(a.batchesPerEpoch, 3)
        var saved = LoaderPosition()
        var later: [TrainBatch] = []
        for i in 0..<6 {
            if i == 2 { saved = a.position }
            let b = try a.next()
            XCTAssertEqual(b.clips.shape, [6, 3, 4, 16, 16])
            XCTAssertEqual(b.videoNames.count, 3)
            XCTAssertEqual(Set(b.videoNames).count, 3)
            XCTAssertGreaterThanOrEqual(b.waitSeconds, 0)
            if i >= 2 { later.append(b) }
        }
        XCTAssertEqual(saved, LoaderPosition(epoch: 0, batch: 2))
        XCTAssertEqual(later[1].epoch, 1)
        // A fresh loader (fresh pipeline, no cache) restored to the saved position.
        let b = try TrainBatchLoader(items: all, config: config, cache: nil, position: saved)
        for expected in later {
            let got = try b.next()
            XCTAssertEqual(got.videoNames, expected.videoNames)
            XCTAssertEqual(got.labels, expected.labels)
            XCTAssertEqual(got.position, expected.position)
            XCTAssertTrue(got.clips.toArray() == expected.clips.toArray(), "batch \(expected.position) differs")
        }
        // restore() on a running loader too.
        a.restore(saved)
        XCTAssertTrue(try a.next().clips.toArray() == later[0].clips.toArray())
        // Views of one video differ; the first epoch's misses become hits later.
        let x = later[0].clips.toArray(), clip = 3 * 4 * 16 * 16
        XCTAssertNotEqual(Array(x[0..<clip]), Array(x[clip..<2 * clip]))
        XCTAssertGreaterThan(a.stats.cacheHits, 0)
        XCTAssertEqual(a.stats.cacheMisses, 11)
        XCTAssertEqual(a.stats.shortVideos, 0)
    }

    func testUnreadableVideosAreSkippedAndCounted() throws {
        let dir = try makeTempDir(self)
        var all = try items()
        let broken = try BrokenInputTests.makeBrokenFiles(in: dir, validVideo: all[0].path)
        for (k, (path, _)) in broken.enumerated() {
            all.append(VideoItem(path: path, relativeName: "broken/\(k)", label: 0, className: "broken"))
        }
        all.append(VideoItem(path: dir + "/gone.avi", relativeName: "broken/gone", label: 0, className: "broken"))
        let logged = LogBox()
        let loader = try TrainBatchLoader(items: all, config: config, cache: try FrameCache(directory: dir + "/cache"),
                                          log: { logged.add($0) })
        var names: [String] = []
        for _ in 0..<(2 * loader.batchesPerEpoch) { names += try loader.next().videoNames }
        XCTAssertFalse(names.contains { $0.hasPrefix("broken/") })
        XCTAssertEqual(loader.stats.skippedVideos, broken.count + 1)
        XCTAssertEqual(logged.lines.filter { $0.hasPrefix("skipped unreadable video") }.count, broken.count + 1)
        for (path, reason) in broken {
            XCTAssertTrue(loader.stats.skippedReasons.contains { $0.hasPrefix(path + ": ") && $0.contains(reason) }, path)
        }
    }

    func testShortVideosAreLoopedAndCounted() throws {
        var c = config
        c.clipFrames = 64
        c.batchVideos = 2
        let loader = try TrainBatchLoader(items: try items(), config: c, cache: nil)
        _ = try loader.next()
        _ = try loader.next()
        XCTAssertGreaterThan(loader.stats.shortVideos, 0)
    }

    func testEvalClipsAndThumbnail() throws {
        let item = try items()[0]
        let p = VideoPipeline(cache: nil, shortSide: 18)
        let e = try p.evalClips(item, count: 10, clipFrames: 4, size: 16)
        XCTAssertEqual(e.shape, [10, 3, 4, 16, 16])
        XCTAssertTrue(e.toArray() == (try p.evalClips(item, count: 10, clipFrames: 4, size: 16)).toArray())
        let th = try p.thumbnail(item, width: 24, height: 18)
        XCTAssertEqual(th.rgb.count, 24 * 18 * 3)
    }
}

final class LogBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    func add(_ s: String) { lock.withLock { _lines.append(s) } }
    var lines: [String] { lock.withLock { _lines } }
}
