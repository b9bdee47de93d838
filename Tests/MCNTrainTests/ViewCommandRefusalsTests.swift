import XCTest

/// `view` refuses, in one line, to open its screen where it cannot work, and a frame size it cannot
/// print; `--dump` is named as the way out.
final class ViewCommandRefusalsTests: XCTestCase {
    func runDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "mcn-view-refusals-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "[run]\nname = \"r\"\nsteps = 10\n".write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
        try #"{"step":1,"epoch":0,"kind":"step","loss_total":3}"#.appending("\n")
            .write(toFile: dir + "/metrics.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    /// Input at its end (`< /dev/null`) and output to a pipe: no screen (it spun a core, q unread,
    /// and wrote escape codes into the pipe), but a line saying why.
    func testTheScreenNeedsATerminalOnBothSides() throws {
        let dir = try runDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (status, out, err) = try BuiltBinary.run(["view", dir], input: FileHandle.nullDevice)
        XCTAssertEqual(status, 2, err)
        XCTAssertEqual(out, "")
        XCTAssertEqual(err, "error: standard input and output are not a terminal; --dump WIDTHxHEIGHT prints the screen as text\n")
    }

    func testDumpSizesOutOfRangeAreRefused() throws {
        let dir = try runDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for size in ["0x0", "120x-5", "100000x100000", "1001x40"] {
            let (status, out, err) = try BuiltBinary.run(["view", dir, "--dump", size], input: FileHandle.nullDevice)
            XCTAssertEqual(status, 2, size)
            XCTAssertEqual(out, "", size)
            XCTAssertEqual(err, "error: --dump \(size): width and height are 1 to 1000 each, e.g. 120x40\n")
        }
        for bad in ["120", "120x40x2", "ax40", "120x"] {
            let (status, _, err) = try BuiltBinary.run(["view", dir, "--dump", bad], input: FileHandle.nullDevice)
            XCTAssertEqual(status, 2, bad)
            XCTAssertEqual(err, "error: --dump takes WIDTHxHEIGHT, e.g. 120x40 (got '\(bad)')\n")
        }
        // A frame prints without a terminal, down to a single cell.
        let (status, out, err) = try BuiltBinary.run(["view", dir, "--dump", "100x30"], input: FileHandle.nullDevice)
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual(out.split(separator: "\n", omittingEmptySubsequences: false).count, 31, out)
        XCTAssertTrue(out.contains("VIEW"), out)
        let one = try BuiltBinary.run(["view", dir, "--dump", "1x1"], input: FileHandle.nullDevice)
        XCTAssertEqual(one.status, 0, one.err)
    }
}
