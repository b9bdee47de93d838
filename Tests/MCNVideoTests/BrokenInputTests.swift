import Foundation
import XCTest
@testable import MCNVideo

/// Broken files make a one-line error naming the file and the problem, never a crash.
final class BrokenInputTests: XCTestCase {
    /// Writes the broken files of the issue into `dir`, returning (path, expected reason fragment).
    static func makeBrokenFiles(in dir: String, validVideo: String?) throws -> [(String, String)] {
        let fm = FileManager.default
        var out: [(String, String)] = []
        let empty = dir + "/empty.avi"
        _ = fm.createFile(atPath: empty, contents: Data())
        out.append((empty, "empty file"))
        let text = dir + "/notes.avi"
        try "this is not a video\n".write(toFile: text, atomically: true, encoding: .utf8)
        out.append((text, "cannot open"))
        let wav = dir + "/tone.mp4"
        try wavFile(seconds: 0.2).write(to: URL(fileURLWithPath: wav))
        out.append((wav, "no video stream"))
        let folder = dir + "/folder.avi"
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        out.append((folder, "is a directory"))
        if let validVideo {
            let data = try Data(contentsOf: URL(fileURLWithPath: validVideo))
            let cut = dir + "/truncated.avi"
            try data.prefix(data.count * 2 / 5).write(to: URL(fileURLWithPath: cut))
            out.append((cut, "truncated"))
        }
        return out
    }

    /// A short mono 16-bit WAV: a valid media file without a video stream.
    static func wavFile(seconds: Double) -> Data {
        let rate = 8000, n = Int(Double(rate) * seconds)
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + 2 * n); d.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16); u16(1); u16(1); u32(rate); u32(rate * 2); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(2 * n)
        for i in 0..<n { u16(Int(Int16(3000 * sin(Double(i) * 0.3))) & 0xFFFF) }
        return d
    }

    func testEachBrokenFileIsReportedWithPathAndReason() throws {
        let dir = try makeTempDir(self)
        let valid = (try? realClipsDir()).map { $0 + "/ucf101/Basketball/v_Basketball_g01_c01.avi" }
            ?? packageRoot + "/sample-data/MoveLeft/v_MoveLeft_g01_c01.avi"
        let broken = try Self.makeBrokenFiles(in: dir, validVideo: valid)
        for (path, reason) in broken {
            do {
                let r = try VideoReader(path: path)
                _ = try r.decodeAll(outWidth: 16, outHeight: 16)
                XCTFail("\(path) should not decode")
            } catch let e as VideoError {
                XCTAssertTrue(e.description.hasPrefix(path + ": "), e.description)
                XCTAssertTrue(e.description.contains(reason), e.description)
                XCTAssertFalse(e.description.contains("\n"))
            }
        }
        XCTAssertThrowsError(try VideoReader(path: dir + "/absent.avi")) { e in
            XCTAssertEqual("\(e)", dir + "/absent.avi: no such file")
        }
    }
}
