import XCTest
@testable import MCNTrain

final class RunComparisonTests: XCTestCase {
    private func makeRuns() throws -> String {
        let root = try temporaryDirectory()
        let a = RunDirectory(root: root, name: "mcn-a")
        try a.create()
        try RunResults.update(a) {
            $0.retrieval = ["R@1": 0.125, "R@5": 0.25, "R@10": 0.5, "R@20": 0.625, "R@50": 0.75, "queries": 8]
            $0.protocol = ["backbone": .string("r3d-tiny"), "dataset": .string("sample-data"), "split": .number(1),
                           "feature": .string("gap"), "centre": .bool(false)]
        }
        try RunResults.update(a) { $0.probe = ["top1": 0.3, "top5": 0.6] }
        let b = RunDirectory(root: root, name: "contrastive-b")
        try b.create()
        try RunResults(retrieval: ["R@1": 0.1], protocol: ["backbone": .string("r3d-tiny"), "feature": .string("conv5-maxpool")])
            .write(to: b.resultsPath)
        try RunDirectory(root: root, name: "empty-c").create()
        return root
    }

    func testMarkdownKeepsRunsAndPublishedApart() throws {
        let root = try makeRuns()
        let c = try RunComparison.load(runs: ["mcn-a", root + "/contrastive-b", "empty-c"], root: root)
        let md = c.markdown()
        let runsPart = md.components(separatedBy: "## Published (full UCF101/HMDB51, split 1)")
        XCTAssertEqual(runsPart.count, 2)
        XCTAssertTrue(runsPart[0].contains("| mcn-a |  |  | r3d-tiny | sample-data | 1 | gap | 12.5 | 25.0 | 50.0 | 62.5 | 75.0 | 30.0 | 60.0 |  |"), md)
        XCTAssertTrue(runsPart[0].contains("| contrastive-b |  |  | r3d-tiny |  |  | conv5-maxpool | 10.0 |"), md)
        XCTAssertTrue(runsPart[0].contains("retrieval: feature (gap vs conv5-maxpool)"), md)
        XCTAssertTrue(runsPart[0].contains("No results.json yet"), md)
        XCTAssertTrue(runsPart[0].contains("empty-c"), md)
        XCTAssertFalse(runsPart[0].contains("VCOP"))
        XCTAssertFalse(runsPart[1].contains("mcn-a"))
        XCTAssertTrue(runsPart[1].contains("| MCN | R(2+1)D | 52.5 |  |  |  |  | MCN abstract |"), md)
        XCTAssertTrue(runsPart[1].contains("| IIC | R3D | 36.5 | 54.1 | 62.9 | 72.4 | 83.4 | IIC README |"), md)
        XCTAssertTrue(runsPart[1].contains("| MCN | R(2+1)D | 23.7 |"), md)
        XCTAssertTrue(runsPart[1].contains("| PRP | R3D / R(2+1)D / C3D | UCF101 | 66.5 / 72.1 / 69.1 |"), md)
        XCTAssertFalse(md.contains("CoCLR"))   // not in the checked file: no row, no figure
    }

    /// Each kind of figure keeps the protocol it was measured with: a probe after a retrieval
    /// does not relabel the retrieval figures; the method comes from the run's config.
    func testEachSectionKeepsItsOwnProtocol() throws {
        let root = try temporaryDirectory()
        for (name, clips) in [("a", 2.0), ("b", 10.0)] {
            let run = RunDirectory(root: root, name: name)
            try run.create()
            var config = RunConfig()
            if name == "b" { try config.set("method.method=contrastive") }
            try run.writeConfig(config)
            let retrieval: [String: EvalJSON] = ["clips": .number(clips), "feature": .string(name == "a" ? "conv5-maxpool" : "gap"), "step": .number(40)]
            // b's probe ran later, after a resume: another step.
            let probe: [String: EvalJSON] = ["clips": .number(10), "feature": .string("gap"), "step": .number(name == "b" ? 50 : 40)]
            try EvalResultsFile.update(run.resultsPath, sections: ["retrieval": ["R@1": .number(0.25)], "retrieval_protocol": .object(retrieval), "protocol": .object(retrieval)])
            try EvalResultsFile.update(run.resultsPath, sections: ["probe": ["top1": .number(0.5)], "probe_protocol": .object(probe), "protocol": .object(probe)])
        }
        let c = try RunComparison.load(runs: ["a", "b"], root: root)
        let md = c.markdown()
        XCTAssertTrue(md.contains("| a | mcn first-order | 40 | "), md)
        // A row names each kind's step and feature where they differ (it showed the retrieval's for all).
        XCTAssertTrue(md.contains("| b | contrastive (sets) | 40 (probe 50) | "), md)
        XCTAssertTrue(md.contains("| conv5-maxpool (probe gap) | 25.0 |"), md)
        XCTAssertEqual(c.protocolDifferences, ["retrieval: clips (2 vs 10)", "retrieval: feature (conv5-maxpool vs gap)"])

        // A random-weights retrieval beside a trained probe in one run: the method says which is
        // which (the row called both random); a kind whose protocol lacks a key says nothing of it.
        let mixed = RunDirectory(root: root, name: "m")
        try mixed.create()
        try mixed.writeConfig(RunConfig())
        try EvalResultsFile.update(mixed.resultsPath, sections: [
            "retrieval": ["R@1": .number(0.1)], "retrieval_protocol": ["step": "random", "feature": "gap", "backbone": "r3d-tiny"],
            "probe": ["top1": .number(0.4)], "probe_protocol": ["step": .number(40), "feature": "gap"],
        ])
        let row = try RunComparison.load(runs: ["m"], root: root).markdown()
        XCTAssertTrue(row.contains("| m | mcn first-order (retrieval: random weights) | random (probe 40) | r3d-tiny | "), row)
    }

    func testJSONAndErrors() throws {
        let root = try makeRuns()
        let c = try RunComparison.load(runs: ["mcn-a", "empty-c"], root: root)
        let obj = try JSONSerialization.jsonObject(with: Data(try c.json().utf8)) as! [String: Any]
        let runs = obj["runs"] as! [[String: Any]]
        XCTAssertEqual(runs.map { $0["name"] as! String }, ["mcn-a", "empty-c"])
        XCTAssertEqual(((runs[0]["results"] as! [String: Any])["retrieval"] as! [String: Double])["R@1"], 0.125)
        XCTAssertTrue(runs[1]["results"] is NSNull)
        let published = obj["published"] as! [String: Any]
        XCTAssertEqual(published["heading"] as? String, "Published (full UCF101/HMDB51, split 1)")
        let mcn = (published["retrieval_ucf101"] as! [[String: Any]])[0]
        XCTAssertEqual(mcn["R@1"] as? Double, 52.5)
        XCTAssertTrue(mcn["R@5"] is NSNull)
        XCTAssertThrowsError(try RunComparison.load(runs: ["nope"], root: root)) { XCTAssertTrue("\($0)".contains("nope")) }
        try "{\"retrieval\": 3}".write(toFile: root + "/empty-c/results.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunComparison.load(runs: ["empty-c"], root: root)) { XCTAssertTrue("\($0)".contains("results.json")) }
    }

    func testRetrievalSectionFromResult() throws {
        let r = try Retrieval.evaluate(queries: [1, 0], gallery: [1, 0, 0, 1], dim: 2, queryLabels: [1], galleryLabels: [0, 1], ks: [1, 5])
        XCTAssertEqual(RunResults.retrievalSection(r), ["R@1": 0, "R@5": 1, "queries": 1, "gallery": 2, "absent_class_queries": 0])
    }

    /// A results update through `RunResults` keeps the sections it does not know (the eval
    /// commands' `*_details`), and one through `EvalResultsFile` keeps RunResults' sections.
    func testUpdateKeepsTheDetailsOfEarlierResults() throws {
        let root = try temporaryDirectory()
        let run = RunDirectory(root: root, name: "r")
        try run.create()
        try EvalResultsFile.update(run.resultsPath, sections: [
            "retrieval": ["R@1": 0.25], "retrieval_details": ["per_class_R@1": ["A": 0.5]],
            "probe_details": ["epochs": 30]])
        try RunResults.update(run) { $0.probe = ["top1": 0.3] }
        try RunResults.update(run) { $0.finetune = ["top1": 0.4] }
        var o = try EvalResultsFile.read(run.resultsPath)
        XCTAssertEqual(o["retrieval_details"], ["per_class_R@1": ["A": 0.5]])
        XCTAssertEqual(o["probe_details"], ["epochs": 30])
        XCTAssertEqual(o["retrieval"], ["R@1": 0.25])
        XCTAssertEqual(o["probe"], ["top1": 0.3])
        XCTAssertEqual(o["finetune"], ["top1": 0.4])
        // A section set to nil goes; the others stay.
        try RunResults.update(run) { $0.finetune = nil }
        o = try EvalResultsFile.read(run.resultsPath)
        XCTAssertNil(o["finetune"]); XCTAssertEqual(o["probe_details"], ["epochs": 30])
        XCTAssertEqual(try RunResults.read(path: run.resultsPath).probe, ["top1": 0.3])
    }
}
