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

    /// `run`: the run the file belongs to, whose backbone and clips a heading need not repeat.
    static func rows(_ r: RunResults, run: RunInfo?, width: Int) -> [SavedResultsRows] {
        RunResults.figureSections.compactMap { section in
            guard let f = r.figures(section) else { return nil }
            return SavedResultsRows(heading: heading(section, r.protocolOf(section) ?? [:], run: run),
                                    figures: figures(section, f, width: width))
        }
    }

    /// `eval retrieval @200 · gap · 10 clips · ucf101 split 1`: the parts the protocol has, and
    /// what sets it apart from the run's own training (random weights, another backbone or clip
    /// size, centred features), so that such an evaluation written into the run does not read as
    /// one of its checkpoints.
    static func heading(_ section: String, _ p: [String: ResultValue], run: RunInfo?) -> String {
        let split = p["split"].map { " split \($0)" } ?? ""
        let step = p["step"].map { $0 == .string("random") ? " · random weights" : " @\($0)" } ?? ""
        // What sets it apart first: a narrow panel cuts the heading's end.
        var parts = ["eval \(section)" + step]
        if let b = p["backbone"], let run, !run.backbone.isEmpty, "\(b)" != run.backbone { parts.append("\(b)") }
        if case .number(let frames)? = p["clip_frames"], case .number(let size)? = p["clip_size"], let run,
           run.clipShape.count == 3, [Int(frames), Int(size)] != [run.clipShape[0], run.clipShape[1]] {
            parts.append("\(Int(frames))×\(Int(size))")
        }
        if p["centre"] == .bool(true) { parts.append("centred") }
        parts += [p["feature"].map { "\($0)" }, p["clips"].map { "\($0) clips" }, p["format"].map { "\($0)\(split)" }]
            .compactMap { $0 }
        return parts.joined(separator: " · ")
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
