import XCTest
import MCNTensor
@testable import MCNTrain

/// The linear probe on hand-made features, and the results file it writes into.
final class LinearProbeTests: XCTestCase {
    /// Four well-separated Gaussian clusters in 8-d (plus a constant offset the standardisation
    /// must cope with).
    func clusters(perClass: Int, seed: UInt64) -> (features: [Float], labels: [Int]) {
        var rng = RNG(seed: seed)
        var f: [Float] = [], labels: [Int] = []
        for r in 0..<(4 * perClass) {
            let c = r % 4
            for j in 0..<8 { f.append(5 + (j == c ? 3 : 0) + (j == c + 4 ? -2 : 0) + 0.3 * rng.normal()) }
            labels.append(c)
        }
        return (f, labels)
    }

    func testSeparableFeaturesReachFullAccuracy() {
        let train = clusters(perClass: 10, seed: 1), test = clusters(perClass: 5, seed: 2)
        var config = LinearProbeConfig()
        config.epochs = 100
        let t = LinearProbe.train(features: train.features, labels: train.labels, dim: 8, classes: 4, config: config)
        XCTAssertEqual(t.trainTop1, 1)
        XCTAssertLessThan(t.finalLoss, 0.1)
        let scores = t.model.scores(test.features)
        XCTAssertEqual(LinearProbe.topK(scores, classes: 4, labels: test.labels, k: 1), 1)
        XCTAssertEqual(LinearProbe.topK(scores, classes: 4, labels: test.labels, k: 5), 1)
        // The same seed gives the same classifier.
        let again = LinearProbe.train(features: train.features, labels: train.labels, dim: 8, classes: 4, config: config)
        XCTAssertEqual(again.model.weight, t.model.weight)
    }

    func testTopKCountsTiesForTheLowerClass() {
        // One row, scores [1, 1, 0]: class 0 is top-1, class 1 is second.
        XCTAssertEqual(LinearProbe.topK([1, 1, 0], classes: 3, labels: [0], k: 1), 1)
        XCTAssertEqual(LinearProbe.topK([1, 1, 0], classes: 3, labels: [1], k: 1), 0)
        XCTAssertEqual(LinearProbe.topK([1, 1, 0], classes: 3, labels: [1], k: 2), 1)
        XCTAssertEqual(LinearProbe.topK([0.1, 0.5, 0.9, 0.2], classes: 2, labels: [0, 0], k: 1), 0.5)
    }

    func testResultsFileKeepsOtherSections() throws {
        let dir = NSTemporaryDirectory() + "mcn-results-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/results.json"
        try EvalResultsFile.update(path, sections: ["retrieval": ["R@1": 0.25, "queries": 4]])
        try EvalResultsFile.update(path, sections: ["probe": ["top1": 0.5, "top5": 1]])
        let o = try EvalResultsFile.read(path)
        XCTAssertEqual(o["retrieval"]?["R@1"]?.double, 0.25)
        XCTAssertEqual(o["retrieval"]?["queries"]?.double, 4)
        XCTAssertEqual(o["probe"]?["top5"]?.double, 1)
        // Parses as JSON elsewhere too.
        let any = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        XCTAssertNotNil(any?["probe"])

        try "[1, 2]".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try EvalResultsFile.update(path, sections: ["probe": 1])) { e in
            XCTAssertTrue("\(e)".contains("results.json: not a JSON object"), "\(e)")
        }
    }

    func testJSONTextRoundTrips() {
        let v: EvalJSON = ["a": [1, 2.5, "x\"y", true, .null], "b": ["c": 0.1]]
        XCTAssertEqual(EvalJSON.parse(Data(v.text().utf8)), v)
        XCTAssertEqual(EvalJSON.parse(Data(v.text(indent: nil).utf8)), v)
        XCTAssertEqual(v.text(indent: nil), #"{"a":[1,2.5,"x\"y",true,null],"b":{"c":0.1}}"#)
    }
}
