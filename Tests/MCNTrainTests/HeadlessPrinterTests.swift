import XCTest
@testable import MCNTrain

/// The headless step line names what the run measures: MCN its sets' contrastive and meta losses,
/// the contrastive baseline over its sets the two contrastive losses only, over the batch one.
final class HeadlessPrinterTests: XCTestCase {
    func line(_ values: [String: Double]) -> String {
        HeadlessPrinter.stepLine(StepMetrics(step: 5, epoch: 0, values: values, clipsPerSecond: 100, dataWaitSeconds: 0,
                                             stepSeconds: 0.3), total: 10, eta: 1.5)
    }

    func testStepLineShowsWhatTheMethodMeasures() {
        let mcn = line(["loss_con_support": 1, "loss_con_query": 2, "loss_meta_support": 0.5, "loss_meta_query": 0.6, "acc_meta_query": 0.75])
        XCTAssertTrue(mcn.contains("con S 1.000 Q 2.000  meta S 0.500 Q 0.600  accQ 0.75"), mcn)
        let sets = line(["loss_con": 1.5, "loss_con_support": 1, "loss_con_query": 2])
        XCTAssertTrue(sets.contains("con S 1.000 Q 2.000  lr"), sets)
        XCTAssertFalse(sets.contains("meta"), sets)
        let batch = line(["loss_con": 1.5])
        XCTAssertTrue(batch.contains("con 1.500  lr"), batch)
    }

    /// The epoch reads as on the screen: counted from 1, out of the run's epochs.
    func testEpochsCountFromOneOutOfTheRunsEpochs() {
        func ep(step: Int, epoch: Int, total: Int, stepsPerEpoch: Int) -> String {
            let line = HeadlessPrinter.stepLine(StepMetrics(step: step, epoch: epoch, values: [:], clipsPerSecond: 1, dataWaitSeconds: 0,
                                                            stepSeconds: 1), total: total, stepsPerEpoch: stepsPerEpoch, eta: nil)
            return String(line.split(separator: " ", omittingEmptySubsequences: true)[2...3].joined(separator: " "))
        }
        XCTAssertEqual(ep(step: 1, epoch: 0, total: 200, stepsPerEpoch: 12), "ep 1/17")
        XCTAssertEqual(ep(step: 13, epoch: 1, total: 200, stepsPerEpoch: 12), "ep 2/17")
        XCTAssertEqual(ep(step: 200, epoch: 16, total: 200, stepsPerEpoch: 12), "ep 17/17")
        XCTAssertEqual(ep(step: 3, epoch: 0, total: 10, stepsPerEpoch: 0), "ep 1")
    }

    /// Clips a second as the screen's header gives them: averaged over recent steps.
    func testClipsPerSecondIsAveragedLikeTheScreens() {
        var printer = HeadlessPrinter(every: 1)
        func step(_ n: Int, clips: Double) -> String {
            printer.lines(for: .step(StepMetrics(step: n, epoch: 0, values: [:], clipsPerSecond: clips, dataWaitSeconds: 0,
                                                 stepSeconds: 1))).joined()
        }
        XCTAssertTrue(step(1, clips: 100).contains("100.0 clips/s"))
        XCTAssertTrue(step(2, clips: 200).contains("110.0 clips/s"))
    }

    /// One way of saying a duration, for the headless lines and the screen's header (the header's
    /// `ETA 16:56` read as a time of day).
    func testDurationsReadTheSameEverywhere() {
        XCTAssertEqual(DurationText.format(nil), "--")
        XCTAssertEqual(DurationText.format(-.infinity), "--")
        XCTAssertEqual(DurationText.format(-3), "--")
        XCTAssertEqual(DurationText.format(44.6), "45s")
        XCTAssertEqual(DurationText.format(1016), "16m56s")
        XCTAssertEqual(DurationText.format(3725), "1h02m")
        XCTAssertEqual(DurationText.format(1e20), "277777777h46m")
    }
}
