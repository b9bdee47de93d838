import XCTest
@testable import MCNTUI

/// The complete lines a growing file gained since the last read (RunDirectoryFollower's reader).
final class LineTailTests: XCTestCase {
    func testWholeLinesInOrderAPartialOneWaitsAndARewriteStartsOver() throws {
        let path = NSTemporaryDirectory() + "mcn-linetail-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var tail = LineTail(path: path)
        XCTAssertTrue(tail.readNewLines().isEmpty, "no file yet")
        // Many lines at once (a long run's file opened late): all of them, numbered, in order.
        let many = (1...20_000).map { "{\"step\":\($0)}" }
        try (many.joined(separator: "\n") + "\n{\"step\":200").write(toFile: path, atomically: false, encoding: .utf8)
        let first = tail.readNewLines()
        XCTAssertEqual(first.map(\.1), many)
        XCTAssertEqual(first.last?.0, 20_000)
        // The partial last line waits for its end.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data("01}\n{\"step\":".utf8))
        XCTAssertEqual(tail.readNewLines().map(\.1), ["{\"step\":20001}"])
        try h.write(contentsOf: Data("20002}\n".utf8))
        try h.close()
        let next = tail.readNewLines()
        XCTAssertEqual(next.map(\.1), ["{\"step\":20002}"])
        XCTAssertEqual(next.first?.0, 20_002)
        // A shorter file is a rewritten one: read from its start.
        try "{\"step\":1}\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(tail.readNewLines().map { $0.0 }, [1])
    }
}
