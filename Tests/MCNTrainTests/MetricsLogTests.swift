import XCTest
@testable import MCNTrain

final class MetricsLogTests: XCTestCase {
    func testJSONLinesHaveStepEpochThenSortedKeys() {
        let row = MetricsRow(step: 3, epoch: 1, values: ["loss_meta_query": 0.5, "acc_meta_query": 0.75, "lr": 0.05, "bad": .nan])
        XCTAssertEqual(row.jsonLine, #"{"step":3,"epoch":1,"acc_meta_query":0.75,"bad":null,"loss_meta_query":0.5,"lr":0.05}"#)
        let back = MetricsRow(jsonLine: Substring(row.jsonLine))!
        XCTAssertEqual(back.step, 3)
        XCTAssertEqual(back.values["lr"], 0.05)
        XCTAssertTrue(back.values["bad"]!.isNaN)
        XCTAssertNil(MetricsRow(jsonLine: #"{"step":4,"epo"#))
    }

    func testAppendWidensCSVHeader() throws {
        let dir = try temporaryDirectory()
        let log = try MetricsLog(jsonlPath: dir + "/m.jsonl", csvPath: dir + "/m.csv")
        try log.append(step: 1, epoch: 0, values: ["loss": 2.5])
        try log.append(step: 2, epoch: 0, values: ["loss": 2.25])
        try log.append(step: 2, epoch: 0, values: ["R@1": 0.125])
        try log.append(step: 3, epoch: 0, values: ["loss": 2.0, "R@1": 0.25])
        XCTAssertEqual(log.columns, ["step", "epoch", "R@1", "loss"])
        let csv = try String(contentsOfFile: dir + "/m.csv", encoding: .utf8)
        XCTAssertEqual(csv, "step,epoch,R@1,loss\n1,0,,2.5\n2,0,,2.25\n2,0,0.125,\n3,0,0.25,2\n")
        let lines = try String(contentsOfFile: dir + "/m.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(String(lines[3]), #"{"step":3,"epoch":0,"R@1":0.25,"loss":2}"#)
    }

    func testResumeDropsLaterRowsAndTornLines() throws {
        let dir = try temporaryDirectory()
        let j = dir + "/m.jsonl", c = dir + "/m.csv"
        do {
            let log = try MetricsLog(jsonlPath: j, csvPath: c)
            for s in 1...30 { try log.append(step: s, epoch: 0, values: ["loss": Double(s)]) }
        }
        // A kill in the middle of a line.
        let h = FileHandle(forWritingAtPath: j)!
        h.seekToEndOfFile(); h.write(Data(#"{"step":31,"ep"#.utf8)); h.closeFile()

        let log = try MetricsLog(jsonlPath: j, csvPath: c, resumeAt: 20)
        XCTAssertEqual(MetricsLog.readRows(path: j).map(\.step), Array(1...20))
        try log.append(step: 21, epoch: 0, values: ["loss": 21])
        XCTAssertEqual(MetricsLog.readRows(path: j).map(\.step), Array(1...21))
        let csv = try String(contentsOfFile: c, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 22)
        XCTAssertEqual(csv.first, "step,epoch,loss")
        XCTAssertEqual(csv.last, "21,0,21")
    }

    func testTrainLogLinesAreTimestamped() throws {
        let dir = try temporaryDirectory()
        let log = try TrainLog(path: dir + "/train.log")
        log.info("started")
        log.warning("two\nlines")
        log.close()
        let lines = try String(contentsOfFile: dir + "/train.log", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasSuffix(" info    started"), String(lines[0]))
        XCTAssertTrue(lines[1].hasSuffix(" warning two lines"), String(lines[1]))
        XCTAssertNotNil(lines[0].range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "#, options: .regularExpression))
    }
}
