import XCTest
@testable import MCNTrain

final class AtomicFileTests: XCTestCase {
    func testWritesAndReplacesWithoutLeavingTemporaries() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/a.txt"
        try AtomicFile.write("first", to: path)
        try AtomicFile.write(Data("second".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.txt"])
    }

    func testFailedWriteLeavesOldFileAndNoTemporary() throws {
        struct Boom: Error {}
        let dir = try temporaryDirectory()
        let path = dir + "/b.bin"
        try AtomicFile.write("good", to: path)
        XCTAssertThrowsError(try AtomicFile.write(to: path) { sink in
            try sink.write("partial")
            throw Boom()
        })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "good")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["b.bin"])
    }

    func testMissingDirectoryIsAOneLineError() {
        XCTAssertThrowsError(try AtomicFile.write("x", to: "/nonexistent-dir-mcn/x.txt")) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent-dir-mcn/x.txt"), "\(e)")
        }
    }
}
