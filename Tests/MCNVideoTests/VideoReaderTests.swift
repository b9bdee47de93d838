import Foundation
import XCTest
@testable import MCNVideo

final class VideoReaderTests: XCTestCase {
    func testEveryRealClipDecodesWithFFprobeFrameCount() throws {
        let files = videoFiles(under: try realClipsDir())
        XCTAssertEqual(files.count, 20)
        let haveFFprobe = runTool("ffprobe", ["-version"]) != nil
        // Two files at a time (the machine's two cores): our count and ffprobe's.
        let results = ResultBox(files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { k in
            let f = files[k]
            var ours: Result<(VideoReader, Int), Error>
            do {
                let r = try VideoReader(path: f)
                ours = .success((r, try r.frameCount(exact: true)))
            } catch { ours = .failure(error) }
            let probe = haveFFprobe ? runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames",
                                                          "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", f]) : nil
            results.set(k, (ours, probe.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }))
        }
        for (k, f) in files.enumerated() {
            let (ours, probe) = results.get(k)
            let (r, count) = try ours.get()
            XCTAssertGreaterThan(r.width, 0)
            XCTAssertGreaterThan(r.fps, 20, f)
            XCTAssertGreaterThanOrEqual(count, 40, f)
            let first = try r.decodeFrames(start: 0, count: 2, outWidth: 32, outHeight: 24)
            XCTAssertEqual(first.rgb.count, 2 * 32 * 24 * 3)
            if haveFFprobe { XCTAssertEqual(probe, count, f) }
        }
        if !haveFFprobe { print("ffprobe not on PATH: frame counts checked against the decoder only") }
    }

    func testClipFromMiddleEqualsFramesDecodedFromStart() throws {
        for f in videoFiles(under: try realClipsDir()) {
            let n = try VideoReader(path: f).frameCount()
            let start = n / 2 - 8
            // The first start+16 frames, decoded in order from the first one.
            let all = try VideoReader(path: f).decodeFrames(start: 0, count: start + 16, outWidth: 48, outHeight: 36)
            let r = try VideoReader(path: f) // fresh reader: timestamps not yet learnt, so it seeks
            let clip = try r.decodeFrames(start: start, count: 16, outWidth: 48, outHeight: 36)
            XCTAssertEqual(clip.count, 16, f)
            if f.contains("/ucf101/") || f.contains("/kinetics/") {
                XCTAssertEqual(r.clipsBySeeking, 1, "\(f): the clip should come from a seek")
            }
            let fb = all.frameBytes
            XCTAssertTrue(clip.rgb == Array(all.rgb[start * fb ..< (start + 16) * fb]),
                          "\(f): middle clip differs; its frames match frames \(matches(clip, all)) of the full decode")
            // And again after a full pass has learnt the exact count, and past the end (fewer frames).
            if f.contains("/kinetics/") || f.contains("/wave/") {
                let total = try r.frameCount(exact: true)
                let again = try r.decodeFrames(start: start, count: 16, outWidth: 48, outHeight: 36)
                XCTAssertTrue(again.rgb == clip.rgb, f)
                let tail = try r.decodeFrames(start: total - 4, count: 16, outWidth: 48, outHeight: 36)
                XCTAssertEqual(tail.count, 4, f)
            }
        }
    }

    func testPropertiesOfKnownClips() throws {
        let dir = try realClipsDir()
        let avi = try VideoReader(path: dir + "/ucf101/Basketball/v_Basketball_g01_c01.avi")
        XCTAssertEqual(avi.container, "avi")
        XCTAssertEqual(avi.codec, "mpeg4")
        XCTAssertEqual(avi.width, 320)
        XCTAssertEqual(avi.height, 240)
        XCTAssertEqual(avi.fps, 30000.0 / 1001.0, accuracy: 1e-6)
        let mp4 = try VideoReader(path: dir + "/kinetics/abseiling_k400.mp4")
        XCTAssertEqual(mp4.container, "mp4")
        XCTAssertEqual(mp4.codec, "h264")
        XCTAssertEqual(mp4.width, 454)
        XCTAssertEqual(try mp4.frameCount(exact: true), 250)
        let clip = try mp4.decodeClip(start: 245, count: 8, outWidth: 16, outHeight: 16)
        XCTAssertEqual(clip.count, 8 * 16 * 16 * 3, "short clips are padded with the last frame")
        XCTAssertEqual(Array(clip[5 * 768 ..< 6 * 768]), Array(clip[7 * 768 ..< 8 * 768]))
    }
}

/// For each frame of `clip`, the index of an equal frame in `all` (or -1): for failure messages.
private func matches(_ clip: VideoFrames, _ all: VideoFrames) -> [Int] {
    let fb = all.frameBytes
    return (0..<clip.count).map { i in
        let f = clip.rgb[i * fb ..< (i + 1) * fb]
        return (0..<all.count).first { all.rgb[$0 * fb ..< ($0 + 1) * fb] == f } ?? -1
    }
}

/// Results of a concurrent loop, one slot per iteration.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [(Result<(VideoReader, Int), Error>, Int?)?]
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ v: (Result<(VideoReader, Int), Error>, Int?)) { lock.withLock { slots[i] = v } }
    func get(_ i: Int) -> (Result<(VideoReader, Int), Error>, Int?) { lock.withLock { slots[i]! } }
}
