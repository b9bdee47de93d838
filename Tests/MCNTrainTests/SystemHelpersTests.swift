import XCTest
@testable import MCNTrain

final class SystemHelpersTests: XCTestCase {
    func testProcStatParsing() {
        let stat = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 3 0 100 1000 200 18446744073709551615"
        XCTAssertEqual(ProcessStats.parseCPUSeconds(stat: stat, ticksPerSecond: 100), 3.0)
        XCTAssertNil(ProcessStats.parseCPUSeconds(stat: "garbage", ticksPerSecond: 100))
        XCTAssertEqual(ProcessStats.parsePeakResident(status: "Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t 1 kB\n"), 2048 * 1024)
    }

    func testLiveReading() throws {
        guard let a = ProcessStats.read() else { throw XCTSkip("/proc not available") }
        XCTAssertGreaterThan(a.residentBytes, 1 << 20)
        XCTAssertGreaterThanOrEqual(a.peakResidentBytes, a.residentBytes / 2)
        var x: Double = 0
        for i in 0..<2_000_000 { x += Double(i).squareRoot() }
        let b = try XCTUnwrap(ProcessStats.read())
        XCTAssertGreaterThan(x, 0)
        XCTAssertGreaterThanOrEqual(b.cpuSeconds, a.cpuSeconds)
        XCTAssertGreaterThanOrEqual(ProcessStats.cpuCores(from: a, to: b), 0)
        var meter = CPUMeter()
        XCTAssertNotNil(meter.sample())
    }
}
