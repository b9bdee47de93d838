import Foundation
import XCTest
@testable import MCNTUI

/// Golden-file comparison of rendered screens: `<name>.txt` holds the text dump and `<name>.attr`
/// the style dump. Run with UPDATE_GOLDENS=1 to rewrite them (then review the diff).
enum GoldenFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" }

    static func check(_ buffer: ScreenBuffer, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        compare(buffer.textDump(), name + ".txt", file: file, line: line)
        compare(buffer.attributeDump(), name + ".attr", file: file, line: line)
    }

    static func compare(_ actual: String, _ fileName: String, file: StaticString, line: UInt) {
        let url = directory.appendingPathComponent(fileName)
        if updating {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            XCTAssertNoThrow(try actual.write(to: url, atomically: true, encoding: .utf8), file: file, line: line)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("missing golden file \(fileName): run with UPDATE_GOLDENS=1", file: file, line: line)
            return
        }
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
            let exp = first < e.count ? String(e[first]) : "<end>"
            let act = first < a.count ? String(a[first]) : "<end>"
            XCTFail("\(fileName) differs at line \(first + 1):\n expected: \(exp)\n actual:   \(act)\n(UPDATE_GOLDENS=1 rewrites)", file: file, line: line)
        }
    }
}

/// Shared fixtures: a synthetic run folded to 600 steps.
enum Fixtures {
    static let generator = SyntheticEvents(totalSteps: 3000, stepsPerEpoch: 100, seed: 7)

    static let snapshot: Snapshot = {
        var b = SnapshotBuilder()
        b.apply(generator.history(steps: 600))
        return b.snapshot()
    }()

    static let dark = RenderContext(theme: .dark, glyphs: .unicode)
}
