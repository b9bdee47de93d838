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
}
