import XCTest
import MCNVideo
@testable import MCNTrain

/// A run on real action videos with data.flip off is told that the usual recipe flips; a run on
/// the sample data (mirrored motions: flips off on purpose) is not.
final class SetupWarningsTests: XCTestCase {
    func testFlipOffIsPointedOutOnRealActionVideosOnly() throws {
        let root = BuiltBinary.packageRoot
        let sample = try VideoDataset.load(dir: root.appendingPathComponent("sample-data").path)
        XCTAssertEqual(TrainingSession.setupWarnings(RunConfig(), dataset: sample), [])
        let ucf = root.appendingPathComponent("../shared/data/real-clips/ucf101").standardized.path
        guard FileManager.default.fileExists(atPath: ucf) else { throw XCTSkip("\(ucf) is absent") }
        let real = try VideoDataset.load(dir: ucf)
        let warnings = TrainingSession.setupWarnings(RunConfig(), dataset: real)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("--set data.flip=true"), "\(warnings)")
        var flipped = RunConfig()
        try flipped.set("data.flip=true")
        XCTAssertEqual(TrainingSession.setupWarnings(flipped, dataset: real), [])
    }
}
