import Foundation
import XCTest

/// The package root and the built `mcn-tui` binary, for tests that run the command line.
enum BuiltBinary {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The debug (else release) binary; skips the test when neither is built.
    static func path() throws -> String {
        for config in ["debug", "release"] {
            let p = packageRoot.appendingPathComponent(".build/\(config)/mcn-tui").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw XCTSkip("mcn-tui binary not built")
    }

    /// Runs the built binary with `args` (standard input: `input`, else the tests'); its exit
    /// status, stdout and stderr.
    static func run(_ args: [String], input: FileHandle? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try path())
        p.arguments = args
        if let input { p.standardInput = input }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
