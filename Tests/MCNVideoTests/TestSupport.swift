import Foundation
import XCTest

/// The package root, found from this file's path (Tests/MCNVideoTests/TestSupport.swift).
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// ../shared/data/real-clips seen from the package root, or XCTSkip when it is absent.
func realClipsDir() throws -> String {
    let dir = ((packageRoot as NSString).appendingPathComponent("../shared/data/real-clips") as NSString).standardizingPath
    guard FileManager.default.fileExists(atPath: dir) else {
        throw XCTSkip("real clips not found at \(dir) (tests on real footage skipped)")
    }
    return dir
}

/// A fresh temporary directory, removed when the test ends.
func makeTempDir(_ test: XCTestCase) throws -> String {
    let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("mcnvideo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
}

/// Runs a program found on PATH; returns its standard output, or nil when it can't run.
func runTool(_ name: String, _ args: [String]) -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [name] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
}
