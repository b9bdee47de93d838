import Foundation

/// `mcn-tui eval compare RUN...`: the runs' results side by side (same columns, protocol shown),
/// then the published figures under their own heading.
public struct RunComparison: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let path: String
        /// Nil when the run has no results.json yet.
        public let results: RunResults?
        /// What the run trained (`mcn first-order`, `contrastive (sets)`), from its config.toml; empty
        /// when it has none.
        public var method: String = ""
    }

    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// Loads each run: a run directory path, or a name under `root`. A missing run is an error; a
    /// run without results.json is listed with empty cells and a note.
    public static func load(runs: [String], root: String = "runs") throws -> RunComparison {
        var entries: [Entry] = []
        for arg in runs {
            var isDir: ObjCBool = false
            let candidates = arg.hasPrefix("/") ? [arg] : [arg, "\(root)/\(arg)"]
            guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue }) else {
                throw FileError("\(arg): no such run (looked for \(candidates.joined(separator: " and ")))")
            }
            let run = RunDirectory(path: path)
            let results = FileManager.default.fileExists(atPath: run.resultsPath) ? try RunResults.read(path: run.resultsPath) : nil
            let method = (try? RunConfig.load(file: run.configPath, recorded: true)).map { c in
                c.method.method == "mcn" ? "mcn \(c.method.mode)" : "\(c.method.method) (\(c.method.baselineLoss))"
            } ?? ""
            entries.append(Entry(name: run.name, path: path, results: results, method: method))
        }
        return RunComparison(entries: entries)
    }

    /// Protocol keys whose values differ between the runs' figures of one kind, as
    /// `section: key (a vs b)` (the step evaluated has its own column).
    public var protocolDifferences: [String] {
        RunResults.figureSections.flatMap { section -> [String] in
            let protocols = entries.compactMap { $0.results?.protocolOf(section) }
            let keys = Set(protocols.flatMap(\.keys)).subtracting(["step"]).sorted()
            return keys.compactMap { key in
                let values = protocols.map { $0[key]?.description ?? "–" }
                var seen: [String] = []
                for v in values where !seen.contains(v) { seen.append(v) }
                return seen.count > 1 ? "\(section): \(key) (\(seen.joined(separator: " vs ")))" : nil
            }
        }
    }

    static let runColumns = ["run", "method", "step", "backbone", "dataset", "split", "feature",
                             "R@1", "R@5", "R@10", "R@20", "R@50", "probe top-1", "probe top-5", "finetune top-1"]

    /// One table row per run: protocol cells, then figures in % with one decimal.
    func runCells(_ e: Entry) -> [String] {
        func pct(_ v: Double?) -> String { v.map { String(format: "%.1f", $0 * 100) } ?? "" }
        // Random weights by each kind's step: a run can hold a random-weights retrieval beside a
        // trained probe (the row called both random).
        let randomKinds = RunResults.figureSections.filter { e.results?.protocolOf($0)?["step"]?.description == "random" }
        let measured = RunResults.figureSections.filter { e.results?.protocolOf($0) != nil }
        let method = randomKinds.isEmpty ? e.method
            : randomKinds.count == measured.count ? "random weights"
            : e.method + " (" + randomKinds.joined(separator: ", ") + ": random weights)"
        var cells = [e.name, method]
        cells += ["step", "backbone", "dataset", "split", "feature"].map { protocolCell(e, $0) }
        for k in PublishedResults.ks { cells.append(pct(e.results?.retrieval?["R@\(k)"])) }
        cells += [pct(e.results?.probe?["top1"]), pct(e.results?.probe?["top5"]), pct(e.results?.finetune?["top1"])]
        return cells
    }

    /// A protocol cell of a run's row: the value its kinds of figures share, or the first kind's
    /// with each other kind's where they differ (`40 (probe 50)`). A row showed the retrieval
    /// figures' step and feature for a probe evaluated later, at another step or feature.
    func protocolCell(_ e: Entry, _ key: String) -> String {
        guard let results = e.results else { return "" }
        // Kinds whose protocol lacks the key are left out (they say nothing about it).
        let values = RunResults.figureSections.compactMap { section -> (String, String)? in
            guard let p = results.protocolOf(section), let v = p[key] ?? (key == "dataset" ? p["data"] : nil) else { return nil }
            return (section, v.description)
        }
        guard let first = values.first else { return "" }
        let others = values.dropFirst().filter { $0.1 != first.1 }
        return others.isEmpty ? first.1 : first.1 + " (" + others.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
    }

    /// The report as markdown.
    public func markdown() -> String {
        var out = "## Runs (measured by mcn-tui, %)\n\n"
        out += Self.table(Self.runColumns, entries.map(runCells))
        let diffs = protocolDifferences
        if !diffs.isEmpty { out += "\nProtocol differs between runs in: \(diffs.joined(separator: "; ")). Compare with care.\n" }
        let missing = entries.filter { $0.results == nil }.map(\.name)
        if !missing.isEmpty { out += "\nNo results.json yet (run `mcn-tui eval retrieval` / `probe`): \(missing.joined(separator: ", ")).\n" }

        out += "\n## \(PublishedResults.heading)\n\n"
        out += "Figures reported by the papers themselves (each checked against the source in its last column; kept in \(PublishedResults.file)), "
        out += "on the full datasets with their own backbones, clip sizes and training budgets; empty = no checked figure. "
        out += "They are not measured by this tool.\n\n"
        out += "### Retrieval on UCF101 (%)\n\n"
        out += Self.table(["method", "backbone", "R@1", "R@5", "R@10", "R@20", "R@50", "source"],
                          PublishedResults.retrievalUCF101.map(Self.retrievalCells))
        out += "\n### Retrieval on HMDB51 (%)\n\n"
        out += Self.table(["method", "backbone", "R@1", "R@5", "R@10", "R@20", "R@50", "source"],
                          PublishedResults.retrievalHMDB51.map(Self.retrievalCells))
        out += "\n### Action recognition after fine-tuning (top-1 %)\n\n"
        out += Self.table(["method", "backbone", "pre-trained on", "UCF101", "HMDB51", "source"],
                          PublishedResults.finetune.map { [$0.method, $0.backbone, $0.pretrainedOn, $0.ucf101, $0.hmdb51, $0.source] })
        return out
    }

    static func retrievalCells(_ r: PublishedResults.RetrievalRow) -> [String] {
        [r.method, r.backbone] + r.recall.map { $0.map { String(format: "%.1f", $0) } ?? "" } + [r.source]
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        return line(header) + "|" + String(repeating: "---|", count: header.count) + "\n" + rows.map(line).joined()
    }

    /// The report as JSON: `runs` (name, path, method, results or null), `protocol_differences`, and
    /// `published` (heading, source file, and its three tables; figures in %, null when absent).
    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func any(_ r: RunResults?) throws -> Any {
            guard let r else { return NSNull() }
            return try JSONSerialization.jsonObject(with: enc.encode(r))
        }
        let runs: [[String: Any]] = try entries.map {
            ["name": $0.name, "path": $0.path, "method": $0.method, "results": try any($0.results)]
        }
        func retrieval(_ rows: [PublishedResults.RetrievalRow]) -> [[String: Any]] {
            rows.map { r in
                var d: [String: Any] = ["method": r.method, "backbone": r.backbone, "source": r.source]
                for (k, v) in zip(PublishedResults.ks, r.recall) { d["R@\(k)"] = v.map { $0 as Any } ?? NSNull() }
                return d
            }
        }
        let published: [String: Any] = [
            "heading": PublishedResults.heading,
            "source_file": PublishedResults.file,
            "retrieval_ucf101": retrieval(PublishedResults.retrievalUCF101),
            "retrieval_hmdb51": retrieval(PublishedResults.retrievalHMDB51),
            "finetune_top1": PublishedResults.finetune.map {
                ["method": $0.method, "backbone": $0.backbone, "pretrained_on": $0.pretrainedOn,
                 "UCF101": $0.ucf101, "HMDB51": $0.hmdb51, "source": $0.source]
            },
        ]
        let object: [String: Any] = ["runs": runs, "protocol_differences": protocolDifferences, "published": published]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
