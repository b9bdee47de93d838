import Foundation
import MCNVideo

/// Retrieval on a dataset (gallery = training split, queries = test split), as the
/// `eval retrieval` command reports it.
public struct RetrievalReport {
    public let result: RetrievalResult
    public let classNames: [String]
    public let protocolJSON: EvalJSON
    public let skipped: [String]
    public let missingListed: Int

    public init(features f: SplitFeatures, dataset: VideoDataset, protocolJSON: EvalJSON, centre: Bool) throws {
        try f.requireBoth(dataset)
        result = try Retrieval.evaluate(queries: f.test.features, gallery: f.train.features, dim: f.train.dim,
                                        queryLabels: f.test.items.map(\.label), galleryLabels: f.train.items.map(\.label),
                                        centre: centre)
        classNames = dataset.classNames
        self.protocolJSON = protocolJSON
        skipped = f.skipped
        missingListed = dataset.missing.count
    }

    func className(_ label: Int) -> String { label < classNames.count ? classNames[label] : "class \(label)" }

    /// The `retrieval` section of results.json: numbers only (R@k as fractions, counts).
    public var section: EvalJSON {
        var o: [String: EvalJSON] = [:]
        for k in result.ks { o["R@\(k)"] = EvalJSON(result.recall[k]!) }
        o["queries"] = EvalJSON(result.queryCount)
        o["gallery"] = EvalJSON(result.galleryCount)
        o["absent_class_queries"] = EvalJSON(result.queriesWithAbsentClass)
        o["skipped_videos"] = EvalJSON(skipped.count)
        o["missing_listed_videos"] = EvalJSON(missingListed)
        return .object(o)
    }

    /// The rest: hits per k, per-class R@1 by class name, the skipped videos' reasons.
    public var details: EvalJSON {
        [
            "hits": .object(Dictionary(uniqueKeysWithValues: result.ks.map { ("R@\($0)", EvalJSON(result.hits[$0]!)) })),
            "per_class_R@1": .object(Dictionary(uniqueKeysWithValues: result.perClassR1.map { (className($0.key), EvalJSON($0.value)) })),
            "skipped": EvalJSON(skipped),
        ]
    }

    /// The `--json` output: the section's numbers, the protocol and the details in one object.
    public var json: EvalJSON { section.merging(["protocol": protocolJSON]).merging(details) }

    /// A text table: R@k, then per-class R@1.
    public var table: String {
        var s = "R@k over \(result.queryCount) queries (test split) against \(result.galleryCount) gallery videos (training split)\n"
        s += result.ks.map { rightAligned("R@\($0)", 6) }.joined(separator: " ") + "\n"
        s += result.ks.map { String(format: "%5.1f%%", 100 * result.recall[$0]!) }.joined(separator: " ") + "\n"
        if !result.perClassR1.isEmpty {
            s += "per-class R@1:\n"
            let width = min(32, result.perClassR1.keys.map { className($0).count }.max() ?? 8)
            for (label, r) in result.perClassR1.sorted(by: { $0.key < $1.key }) {
                s += "  " + className(label).padding(toLength: width, withPad: " ", startingAt: 0) + String(format: " %5.1f%%\n", 100 * r)
            }
        }
        if result.queriesWithAbsentClass > 0 {
            s += "\(result.queriesWithAbsentClass) quer\(result.queriesWithAbsentClass == 1 ? "y has a class" : "ies have classes") absent from the gallery (counted as misses)\n"
        }
        return s
    }
}

/// `s` padded on the left to `width` characters.
func rightAligned(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}
