import MCNTrain

/// What `mcn-tui eval` measured for a run (its results.json), as `view`'s Retrieval panel shows it:
/// for each kind of figure a heading with its step and protocol, then the figures.
///
///     eval retrieval @200 · gap · 10 clips · ucf101 split 1
///     R@1 18.8%  R@5 57.3%  R@10 69.8%  R@20 89.6%  R@50 100.0%
///     eval probe @200 · gap · 10 clips · ucf101 split 1
///     top-1 31.0%  top-5 62.5%
struct SavedResultsRows {
    let heading: String
    /// (dim label, value) pieces, as `RetrievalPanel.recallRow` gives them.
    let figures: [(String, String)]

    static func rows(_ r: RunResults, width: Int) -> [SavedResultsRows] {
        RunResults.figureSections.compactMap { section in
            guard let f = r.figures(section) else { return nil }
            return SavedResultsRows(heading: heading(section, r.protocolOf(section) ?? [:]),
                                    figures: figures(section, f, width: width))
        }
    }

    /// `eval retrieval @200 · gap · 10 clips · ucf101 split 1`: the parts the protocol has.
    static func heading(_ section: String, _ p: [String: ResultValue]) -> String {
        let split = p["split"].map { " split \($0)" } ?? ""
        let how = [p["feature"].map { "\($0)" }, p["clips"].map { "\($0) clips" }, p["format"].map { "\($0)\(split)" }]
        return (["eval \(section)" + (p["step"].map { " @\($0)" } ?? "")] + how.compactMap { $0 }).joined(separator: " · ")
    }

    static func figures(_ section: String, _ f: [String: Double], width: Int) -> [(String, String)] {
        if section == "retrieval" {
            var recall: [Int: Double] = [:]
            for k in RetrievalPanel.ks { recall[k] = f["R@\(k)"] }
            return RetrievalPanel.recallRow(recall, width: width)
        }
        return [("top-1 ", f["top1"]), ("top-5 ", f["top5"])].compactMap { label, v in
            v.map { (label, Format.percent($0, digits: 1) + "  ") }
        }
    }
}
