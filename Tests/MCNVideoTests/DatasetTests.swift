import Foundation
import XCTest
@testable import MCNVideo

final class DatasetTests: XCTestCase {
    func testUCF101SplitFilesParse() throws {
        let lists = try realClipsDir() + "/ucf101/ucfTrainTestlist"
        let s1 = try UCF101Splits.parse(listDir: lists, split: 1)
        XCTAssertEqual(s1.classNames.count, 101)
        XCTAssertEqual(s1.train.count, 9537)
        XCTAssertEqual(s1.test.count, 3783)
        XCTAssertEqual(s1.classNames[0], "ApplyEyeMakeup")
        XCTAssertFalse(s1.classNames.contains { $0.hasSuffix("\r") })
        // HandStandPushups files listed under the HandstandPushups folder get that class's label.
        let hs = s1.classNames.firstIndex(of: "HandstandPushups")!
        XCTAssertTrue(s1.test.contains { $0.0.hasPrefix("HandstandPushups/v_HandStandPushups_g01") && $0.1 == hs })
        let s2 = try UCF101Splits.parse(listDir: lists, split: 2)
        XCTAssertEqual(s2.train.count + s2.test.count, 13320)
    }

    func testUCF101PresentVideosFoundWithLabels() throws {
        let root = try realClipsDir() + "/ucf101"
        XCTAssertEqual(VideoDataset.detect(root), .ucf101)
        let ds = try VideoDataset.load(dir: root, split: 1)
        XCTAssertEqual(ds.format, .ucf101)
        XCTAssertEqual(ds.classNames.count, 101)
        let found = Dictionary(uniqueKeysWithValues: ds.all.map { ($0.relativeName, $0) })
        XCTAssertEqual(found.count, 5)
        XCTAssertEqual(ds.train.count, 2)
        XCTAssertEqual(ds.test.count, 3)
        XCTAssertEqual(found["ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi"]?.label, 0)
        XCTAssertEqual(found["Basketball/v_Basketball_g01_c01.avi"]?.label, 7)
        XCTAssertEqual(found["HeadMassage/v_HeadMassage_g02_c05.avi"]?.label, 38)
        XCTAssertEqual(found["SoccerJuggling/v_SoccerJuggling_g23_c01.avi"]?.label, 83)
        XCTAssertEqual(found["SoccerJuggling/v_SoccerJuggling_g24_c01.avi"]?.className, "SoccerJuggling")
        XCTAssertEqual(ds.missing.count, 13320 - 5)
        XCTAssertTrue(ds.summary.contains("13315 listed videos are missing"), ds.summary)
        XCTAssertThrowsError(try VideoDataset.load(dir: root, split: 1, strict: true)) { e in
            XCTAssertTrue("\(e)".contains("13315 listed videos are missing"), "\(e)")
        }
    }

    func testFolderLayoutSplitIsSeededAndDeterministic() throws {
        let root = try realClipsDir() + "/hmdb51"
        XCTAssertEqual(VideoDataset.detect(root), .folders)
        let a = try VideoDataset.load(dir: root, seed: 7)
        let b = try VideoDataset.load(dir: root, seed: 7)
        XCTAssertEqual(a.classNames.count, 9)
        XCTAssertEqual(a.train.count + a.test.count, 11)
        XCTAssertEqual(a.train, b.train)
        XCTAssertEqual(a.test, b.test)
        XCTAssertTrue(a.all.contains { $0.relativeName.contains("!!!!") })
        XCTAssertEqual(Set(a.test.map(\.className)), ["wave"], "only the class with 3 videos holds one out")
    }

    func testHMDB51SplitTags() throws {
        let root = try makeTempDir(self)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/testTrainMulti_7030_splits", withIntermediateDirectories: true)
        for c in ["wave", "brush_hair"] {
            try fm.createDirectory(atPath: root + "/" + c, withIntermediateDirectories: true)
            for v in 0..<3 { _ = fm.createFile(atPath: "\(root)/\(c)/\(c)_\(v).avi", contents: Data([1])) }
            let lines = "\(c)_0.avi 1 \r\n\(c)_1.avi 2 \r\n\(c)_2.avi 0 \r\n\(c)_9.avi 1 \r\n"
            try lines.write(toFile: "\(root)/testTrainMulti_7030_splits/\(c)_test_split1.txt", atomically: true, encoding: .utf8)
        }
        let ds = try VideoDataset.load(dir: root)
        XCTAssertEqual(ds.format, .hmdb51)
        XCTAssertEqual(ds.classNames, ["brush_hair", "wave"])
        XCTAssertEqual(ds.train.map(\.relativeName), ["brush_hair/brush_hair_0.avi", "wave/wave_0.avi"])
        XCTAssertEqual(ds.test.map(\.label), [0, 1])
        XCTAssertEqual(ds.missing, ["brush_hair/brush_hair_9.avi", "wave/wave_9.avi"])
        XCTAssertThrowsError(try VideoDataset.load(dir: root, split: 2)) // no split-2 files
    }

    func testBadDatasetDirectories() throws {
        XCTAssertThrowsError(try VideoDataset.load(dir: "/nonexistent/mcn")) { e in
            XCTAssertEqual("\(e)", "/nonexistent/mcn: no such dataset directory")
        }
        let dir = try makeTempDir(self)
        XCTAssertThrowsError(try VideoDataset.load(dir: dir)) { e in
            XCTAssertTrue("\(e)".hasPrefix(dir + ": no classes found"), "\(e)")
        }
    }

    /// `videoFiles(under:)` (what `inspect FOLDER` reads): videos by extension at any depth, sorted,
    /// without hidden files or folders; nothing for a folder that cannot be listed.
    func testVideoFilesUnderAFolder() throws {
        let dir = try makeTempDir(self)
        let fm = FileManager.default
        for sub in ["b", "a/deep", ".cache"] { try fm.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        for f in ["b/x.AVI", "a/deep/y.mp4", "a/z.webm", "notes.txt", ".hidden.avi", ".cache/c.avi", "a/list.txt"] {
            XCTAssertTrue(fm.createFile(atPath: dir + "/" + f, contents: Data()))
        }
        XCTAssertEqual(videoFiles(under: dir), ["a/deep/y.mp4", "a/z.webm", "b/x.AVI"].map { dir + "/" + $0 })
        XCTAssertEqual(videoFiles(under: dir + "/missing"), [])
    }
}

final class DatasetProblemTests: XCTestCase {
    func testUnreadableClassFolderIsReportedAndSkipped() throws {
        if getuid() == 0 { throw XCTSkip("running as root: folder permissions don't stop root from listing") }
        let root = try makeTempDir(self)
        let fm = FileManager.default
        for c in ["a", "b"] {
            try fm.createDirectory(atPath: "\(root)/\(c)", withIntermediateDirectories: true)
            for v in 0..<2 { _ = fm.createFile(atPath: "\(root)/\(c)/\(v).avi", contents: Data([1])) }
        }
        try fm.setAttributes([.posixPermissions: 0], ofItemAtPath: root + "/b")
        addTeardownBlock { try? fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/b") }
        let ds = try VideoDataset.load(dir: root)
        XCTAssertEqual(ds.classNames, ["a"])
        XCTAssertEqual(ds.unreadableFolders.map(\.path), [root + "/b"])
        XCTAssertTrue(ds.summary.contains("1 unreadable folder(s): \(root)/b"), ds.summary)
        XCTAssertThrowsError(try VideoDataset.load(dir: root, strict: true))
    }

    func testDatasetRootThatIsAFile() throws {
        let dir = try makeTempDir(self)
        _ = FileManager.default.createFile(atPath: dir + "/x", contents: Data([1]))
        XCTAssertThrowsError(try VideoDataset.load(dir: dir + "/x")) { e in
            XCTAssertEqual("\(e)", dir + "/x: is a file, not a dataset directory")
        }
    }

    func testProbeReportsGoodAndBrokenFiles() throws {
        let good = VideoInfo.probe(packageRoot + "/sample-data/Orbit/v_Orbit_g01_c01.avi")
        XCTAssertNil(good.error)
        XCTAssertEqual(good.frames, 32)
        XCTAssertEqual(good.codec, "mpeg4")
        let dir = try makeTempDir(self)
        for (path, reason) in try BrokenInputTests.makeBrokenFiles(in: dir, validVideo: packageRoot + "/sample-data/Orbit/v_Orbit_g01_c01.avi") {
            let info = VideoInfo.probe(path)
            XCTAssertEqual(info.error?.path, path)
            XCTAssertTrue(info.error?.reason.contains(reason) ?? false, "\(path): \(String(describing: info.error))")
        }
    }
}
