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
