import XCTest
@testable import MCNTUI

/// Which terminals the screen can use, asked of terminfo before opening it (initscr exits the
/// process on a TERM it does not know).
final class TerminalCheckTests: XCTestCase {
    func problem(term: String?) -> String? {
        let saved = getenv("TERM").map { String(cString: $0) }
        defer { if let saved { setenv("TERM", saved, 1) } else { unsetenv("TERM") } }
        if let term { setenv("TERM", term, 1) } else { unsetenv("TERM") }
        return NcursesBackend.terminalProblem()
    }

    func testTerminalsTheScreenCannotUseAreNamed() throws {
        guard problem(term: "xterm-256color") == nil else { throw XCTSkip("no terminfo entry for xterm-256color here") }
        XCTAssertEqual(problem(term: "no-such-terminal"),
                       "TERM=no-such-terminal: this machine's terminfo has no such terminal (TERM=xterm-256color works in most)")
        XCTAssertEqual(problem(term: "dumb"), "TERM=dumb cannot move the cursor")
        XCTAssertEqual(problem(term: nil), "TERM is not set")
    }
}

/// The screen reads keys from standard input and draws on standard output: both must be a terminal.
final class ScreenStreamsTests: XCTestCase {
    func testEachStreamThatIsNoTerminalIsNamed() {
        XCTAssertNil(ScreenStreams.problem(stdinIsTerminal: true, stdoutIsTerminal: true))
        XCTAssertEqual(ScreenStreams.problem(stdinIsTerminal: false, stdoutIsTerminal: true),
                       "standard input is not a terminal (the screen reads its keys there)")
        XCTAssertEqual(ScreenStreams.problem(stdinIsTerminal: true, stdoutIsTerminal: false),
                       "standard output is not a terminal (the screen would write escape codes there)")
        XCTAssertEqual(ScreenStreams.problem(stdinIsTerminal: false, stdoutIsTerminal: false),
                       "standard input and output are not a terminal")
    }

    func testDumpSizes() throws {
        XCTAssertEqual(try DumpSize.parse("120x40").width, 120)
        XCTAssertEqual(try DumpSize.parse("1X1000").height, 1000)
        for bad in ["0x0", "120x-5", "100000x100000", "1001x1", "x", "120", "12x4x3", " 12x4"] {
            XCTAssertThrowsError(try DumpSize.parse(bad), bad) { XCTAssertTrue("\($0)".hasPrefix("--dump"), "\($0)") }
        }
    }
}
