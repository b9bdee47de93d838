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

    /// A training step's row names its kind and keeps its tasks; rows written before rows had a
    /// kind read as they did.
    func testRowsKeepTheirKindAndTasks() {
        let tasks = [TaskLoss(video: "v_A_g01_c01", metaLoss: 0.75, pairAccuracy: 0.5),
                     TaskLoss(video: "v_\"odd\"", metaLoss: .nan, pairAccuracy: 1)]
        let row = MetricsRow(step: 3, epoch: 1, kind: .step, values: ["loss_total": 2.5, "lr": 0.01], tasks: tasks)
        XCTAssertEqual(row.jsonLine, #"{"step":3,"epoch":1,"kind":"step","loss_total":2.5,"lr":0.01,"tasks":["#
            + #"{"video":"v_A_g01_c01","meta_loss":0.75,"pair_accuracy":0.5},{"video":"v_\"odd\"","meta_loss":null,"pair_accuracy":1}]}"#)
        let back = MetricsRow(jsonLine: Substring(row.jsonLine))!
        XCTAssertEqual(back.kind, .step); XCTAssertEqual(back.values, ["loss_total": 2.5, "lr": 0.01])
        XCTAssertEqual(back.tasks.map(\.video), ["v_A_g01_c01", #"v_"odd""#])
        XCTAssertEqual(back.tasks[0], tasks[0]); XCTAssertTrue(back.tasks[1].metaLoss.isNaN); XCTAssertEqual(back.tasks[1].pairAccuracy, 1)
        // Evaluation and monitor rows: a kind, no tasks member.
        XCTAssertEqual(MetricsRow(step: 4, epoch: 1, kind: .eval, values: ["R@1": 0.25]).jsonLine, #"{"step":4,"epoch":1,"kind":"eval","R@1":0.25}"#)
        XCTAssertEqual(MetricsRow(step: 4, epoch: 1, kind: .monitor, values: ["knn_top1": 0.5]).jsonLine,
                       #"{"step":4,"epoch":1,"kind":"monitor","knn_top1":0.5}"#)
        // An old line: no kind, no tasks.
        let old = MetricsRow(jsonLine: #"{"step":3,"epoch":0,"clips_per_s":20,"loss_total":2}"#)!
        XCTAssertNil(old.kind); XCTAssertEqual(old.tasks, []); XCTAssertEqual(old.values, ["clips_per_s": 20, "loss_total": 2])
        // Foreign lines.
        XCTAssertNil(MetricsRow(jsonLine: #"{"step":3,"epoch":0,"kind":"party"}"#))
        XCTAssertNil(MetricsRow(jsonLine: #"{"step":3,"epoch":0,"tasks":[{"video":1,"meta_loss":1,"pair_accuracy":1}]}"#))
        XCTAssertNil(MetricsRow(jsonLine: #"{"step":3,"epoch":0,"tasks":{"video":"a"}}"#))
    }

    /// The CSV keeps to number columns: a row's kind and tasks stay out of it, also when the CSV is
    /// rewritten from metrics.jsonl (a new column, a resume), and a resume keeps them in metrics.jsonl.
    func testKindAndTasksStayOutOfTheCSV() throws {
        let dir = try temporaryDirectory()
        let j = dir + "/m.jsonl", c = dir + "/m.csv"
        let task = TaskLoss(video: "v_a", metaLoss: 0.5, pairAccuracy: 1)
        do {
            let log = try MetricsLog(jsonlPath: j, csvPath: c)
            try log.append(MetricsRow(step: 1, epoch: 0, kind: .step, values: ["loss": 2.5], tasks: [task]))
            try log.append(MetricsRow(step: 2, epoch: 0, kind: .step, values: ["loss": 2.25], tasks: [task]))
            try log.append(MetricsRow(step: 2, epoch: 0, kind: .eval, values: ["R@1": 0.125]))
            try log.append(MetricsRow(step: 3, epoch: 0, kind: .step, values: ["loss": 2], tasks: [task]))
            XCTAssertEqual(log.columns, ["step", "epoch", "R@1", "loss"])
        }
        XCTAssertEqual(try String(contentsOfFile: c, encoding: .utf8), "step,epoch,R@1,loss\n1,0,,2.5\n2,0,,2.25\n2,0,0.125,\n3,0,,2\n")
        _ = try MetricsLog(jsonlPath: j, csvPath: c, resumeAt: 2)
        let rows = MetricsLog.readRows(path: j)
        XCTAssertEqual(rows.map(\.step), [1, 2, 2])
        XCTAssertEqual(rows.map(\.kind), [.step, .step, .eval])
        XCTAssertEqual(rows.map(\.tasks), [[task], [task], []])
        XCTAssertEqual(try String(contentsOfFile: c, encoding: .utf8), "step,epoch,R@1,loss\n1,0,,2.5\n2,0,,2.25\n2,0,0.125,\n")
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

    /// A resume cuts the files after the last row it keeps: those rows stay byte for byte (nothing
    /// decoded and written back). Files it cannot read that way are rewritten from their rows.
    func testResumeCutsTheFilesAfterTheRowsItKeeps() throws {
        let dir = try temporaryDirectory()
        let j = dir + "/m.jsonl", c = dir + "/m.csv"
        do {
            let log = try MetricsLog(jsonlPath: j, csvPath: c)
            for s in 1...12 {
                try log.append(MetricsRow(step: s, epoch: s / 5, kind: .step, values: ["loss": 1 / Double(s), "lr": .nan]))
                if s % 4 == 0 { try log.append(MetricsRow(step: s, epoch: s / 5, kind: .eval, values: ["R@1": 0.1 * Double(s)])) }
            }
            try log.append(MetricsRow(step: 12, epoch: 2, kind: .monitor, values: ["knn_top1": 0.5]))
        }
        let (jsonl, csv) = (try String(contentsOfFile: j, encoding: .utf8), try String(contentsOfFile: c, encoding: .utf8))
        func through(_ text: String, lines: Int) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).prefix(lines).map { $0 + "\n" }.joined()
        }
        XCTAssertNotNil(MetricsResumeCut(jsonlPath: j, csvPath: c, upTo: 8))
        let log = try MetricsLog(jsonlPath: j, csvPath: c, resumeAt: 8)
        // Steps 1–8 and the evaluations at 4 and 8: ten rows.
        XCTAssertEqual(try String(contentsOfFile: j, encoding: .utf8), through(jsonl, lines: 10))
        XCTAssertEqual(try String(contentsOfFile: c, encoding: .utf8), through(csv, lines: 11))
        // The header keeps the monitor's column, which only step 12 had (its cells stay empty).
        XCTAssertEqual(log.columns, ["step", "epoch", "R@1", "knn_top1", "loss", "lr"])
        try log.append(MetricsRow(step: 9, epoch: 1, kind: .step, values: ["loss": 0.5]))
        XCTAssertEqual(MetricsLog.readRows(path: j).map(\.step), [1, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9])
        XCTAssertEqual(try String(contentsOfFile: c, encoding: .utf8).split(separator: "\n").last, "9,1,,,0.5,")

        // A line from elsewhere, or a CSV that lost a row: read and written back instead.
        try (#"{"note":"by hand"}"# + "\n" + String(contentsOfFile: j, encoding: .utf8)).write(toFile: j, atomically: true, encoding: .utf8)
        XCTAssertNil(MetricsResumeCut(jsonlPath: j, csvPath: c, upTo: 8))
        _ = try MetricsLog(jsonlPath: j, csvPath: c, resumeAt: 8)
        XCTAssertEqual(MetricsLog.readRows(path: j).map(\.step), [1, 2, 3, 4, 4, 5, 6, 7, 8, 8])
        let rows = try String(contentsOfFile: c, encoding: .utf8).split(separator: "\n")
        try (rows.dropLast().map { $0 + "\n" }.joined()).write(toFile: c, atomically: true, encoding: .utf8)
        XCTAssertNil(MetricsResumeCut(jsonlPath: j, csvPath: c, upTo: 8))
        _ = try MetricsLog(jsonlPath: j, csvPath: c, resumeAt: 8)
        XCTAssertEqual(try String(contentsOfFile: c, encoding: .utf8).split(separator: "\n").count, 11)
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
