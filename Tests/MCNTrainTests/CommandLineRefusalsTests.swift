import XCTest

/// Options and inputs the commands refuse (or flag) at once, in one line, before any work.
final class CommandLineRefusalsTests: XCTestCase {
    func testBenchRefusesAnUnknownPrefixAndNoThreads() throws {
        let (status, _, err) = try BuiltBinary.run(["bench", "--only", "nosuch"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(err.contains("--only nosuch: no measurement starts with it"), err)
        let (status2, _, err2) = try BuiltBinary.run(["bench", "--threads", "0", "--only", "sgemm"])
        XCTAssertNotEqual(status2, 0)
        XCTAssertTrue(err2.contains("--threads must be at least 1"), err2)
    }

    func testSampleDataRefusesAQualityOutOfRange() throws {
        let (status, _, err) = try BuiltBinary.run(["sample-data", "--out", NSTemporaryDirectory() + "never-written", "--quality", "99"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(err.contains("--quality must be 2 ... 31"), err)
    }

    /// `inspect` of a path that is not there and of a file that is not a video: both rows say
    /// why, and the exit status says something was wrong.
    func testInspectExitsWithFailureWhenAVideoIsUnreadable() throws {
        let (status, out, _) = try BuiltBinary.run(["inspect", "/nonexistent/clip.avi"])
        XCTAssertEqual(status, 1, out)
        XCTAssertTrue(out.contains("/nonexistent/clip.avi  ERROR"), out)
        XCTAssertTrue(out.contains("1 video: 0 readable, 1 unreadable"), out)
    }

    func testResumingAPathThatIsNotThereSaysSo() throws {
        let (status, _, err) = try BuiltBinary.run(["train", "--headless", "--resume", "/nonexistent/step-00000005.safetensors"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(err.contains("/nonexistent/step-00000005.safetensors: no such file or directory"), err)
        let (status2, _, err2) = try BuiltBinary.run(["train", "--headless", "--resume", "/nonexistent/run"])
        XCTAssertNotEqual(status2, 0)
        XCTAssertTrue(err2.contains("/nonexistent/run: no such file or directory"), err2)
    }
}
