import XCTest
@testable import MCNTrain

/// The trainer's lock on a run directory and the results lock (RunLock).
final class RunLockTests: XCTestCase {
    func temporaryRun() -> RunDirectory {
        RunDirectory(path: NSTemporaryDirectory() + "mcn-lock-\(UUID().uuidString)/run")
    }

    func testOneTrainerARunAndTheLockGoesWithItsHolder() throws {
        let run = temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: (run.path as NSString).deletingLastPathComponent) }
        XCTAssertNil(run.trainerIsRunning, "no lock file: unknown")
        var first: RunLock? = try run.lockForTraining()
        XCTAssertTrue(run.exists)
        XCTAssertEqual(run.trainerIsRunning, true)
        XCTAssertThrowsError(try run.lockForTraining()) { e in
            let m = "\(e)"
            XCTAssertTrue(m.hasPrefix(run.path + ": process \(getpid()) is training this run"), m)
            XCTAssertFalse(m.contains("\n"))
        }
        withExtendedLifetime(first) {}
        first = nil
        XCTAssertEqual(run.trainerIsRunning, false)
        let second = try run.lockForTraining()
        XCTAssertEqual(run.trainerIsRunning, true)
        withExtendedLifetime(second) {}
    }

    func testARunIsThereOnceItHasAConfigMetricsOrACheckpoint() throws {
        let run = temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: (run.path as NSString).deletingLastPathComponent) }
        try run.create()
        XCTAssertFalse(run.holdsRun, "an empty directory (and checkpoints/) holds no run")
        try Data().write(to: URL(fileURLWithPath: run.metricsJSONLPath))
        XCTAssertFalse(run.holdsRun, "nor an empty metrics file")
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: run.metricsJSONLPath))
        XCTAssertTrue(run.holdsRun)
        try FileManager.default.removeItem(atPath: run.metricsJSONLPath)
        try Data().write(to: URL(fileURLWithPath: run.checkpointFiles(step: 5).meta))
        XCTAssertTrue(run.holdsRun)
    }

    /// Two read-modify-writes of results.json from two threads (as two evaluations of one run): none
    /// is lost.
    func testResultsUpdatesAtOnceKeepEachOther() throws {
        let run = temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: (run.path as NSString).deletingLastPathComponent) }
        let sections = (0..<16).map { "figures\($0)" }
        DispatchQueue.concurrentPerform(iterations: sections.count) { i in
            try! run.withResultsLock {
                var o = try EvalResultsFile.read(run.resultsPath)
                usleep(2000)   // widen the window a lost update needs
                o[sections[i]] = .number(Double(i))
                try EvalResultsFile.update(run.resultsPath, sections: o)
            }
        }
        let o = try EvalResultsFile.read(run.resultsPath)
        XCTAssertEqual(Set(o.keys), Set(sections))
    }
}
