import Foundation
import XCTest
@testable import MCNVideo

final class FrameCacheTests: XCTestCase {
    private func copyOfSampleVideo(_ dir: String, _ name: String = "v.avi") throws -> String {
        let src = packageRoot + "/sample-data/MoveUp/v_MoveUp_g01_c01.avi"
        let dst = dir + "/" + name
        try FileManager.default.copyItem(atPath: src, toPath: dst)
        return dst
    }

    func testMissThenHitWithTheSameFrames() throws {
        let dir = try makeTempDir(self)
        let video = try copyOfSampleVideo(dir)
        let cache = try FrameCache(directory: dir + "/cache")
        let (a, hitA) = try cache.frames(path: video, shortSide: 40)
        XCTAssertFalse(hitA)
        let (b, hitB) = try cache.frames(path: video, shortSide: 40)
        XCTAssertTrue(hitB)
        XCTAssertEqual(a.count, 32)
        XCTAssertEqual(b.width, 40)
        XCTAssertEqual(a.rgb, b.rgb)
        let direct = try VideoReader(path: video).decodeAll(outWidth: 40, outHeight: 40)
        XCTAssertEqual(direct.rgb, b.rgb)
        // Another size is another entry.
        XCTAssertFalse(try cache.frames(path: video, shortSide: 24).hit)
    }

    func testChangedVideoIsDecodedAgain() throws {
        let dir = try makeTempDir(self)
        let video = try copyOfSampleVideo(dir)
        let cache = try FrameCache(directory: dir + "/cache")
        let first = try cache.frames(path: video, shortSide: 32).video
        // Replace the file by another video: new size and modification time.
        try FileManager.default.removeItem(atPath: video)
        try FileManager.default.copyItem(atPath: packageRoot + "/sample-data/ZoomIn/v_ZoomIn_g01_c01.avi", toPath: video)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(10)], ofItemAtPath: video)
        let (second, hit) = try cache.frames(path: video, shortSide: 32)
        XCTAssertFalse(hit)
        XCTAssertNotEqual(first.rgb, second.rgb)
    }

    func testCorruptEntryIsRebuilt() throws {
        let dir = try makeTempDir(self)
        let video = try copyOfSampleVideo(dir)
        let cache = try FrameCache(directory: dir + "/cache")
        let good = try cache.frames(path: video, shortSide: 32).video.rgb
        let entry = try FileManager.default.contentsOfDirectory(atPath: dir + "/cache").first { $0.hasSuffix(".frames") }!
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/cache/" + entry))
        let (again, hit) = try cache.frames(path: video, shortSide: 32)
        XCTAssertFalse(hit)
        XCTAssertEqual(again.rgb, good)
        XCTAssertTrue(try cache.frames(path: video, shortSide: 32).hit)
    }

    func testSizeIsBounded() throws {
        let dir = try makeTempDir(self)
        let one = 32 * 32 * 32 * 3 + 256 // one entry at short side 32
        let cache = try FrameCache(directory: dir + "/cache", maxBytes: 2 * one + one / 2)
        var videos: [String] = []
        for i in 0..<4 { videos.append(try copyOfSampleVideo(dir, "v\(i).avi")) }
        for v in videos { _ = try cache.frames(path: v, shortSide: 32) }
        XCTAssertLessThanOrEqual(cache.currentBytes(), 2 * one + one / 2)
        XCTAssertTrue(try cache.frames(path: videos[3], shortSide: 32).hit, "the newest entry stays")
        XCTAssertFalse(try cache.frames(path: videos[0], shortSide: 32).hit, "the oldest went first")
    }
}
