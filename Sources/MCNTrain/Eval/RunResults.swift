import Foundation

/// A scalar of a results protocol: string, number or boolean.
public enum ResultValue: Codable, Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return s
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        case .bool(let b): return b ? "true" : "false"
        }
    }
}

/// `runs/<name>/results.json`: what the evaluations measured for a run. Figures are fractions
/// (0.525, not 52.5).
///
///     {
///       "retrieval": {"R@1": 0.12, "R@5": 0.3, "R@10": 0.4, "R@20": 0.5, "R@50": 0.7,
///                     "queries": 3783, "gallery": 9537, "absent_class_queries": 0},
///       "probe":     {"top1": 0.31, "top5": 0.62},
///       "finetune":  {"top1": 0.45, "top5": 0.74},
///       "retrieval_protocol": {"dataset": "ucf101", "split": 1, "feature": "gap", "clips": 10,
///                     "centre": false, "backbone": "r3d-tiny", "step": 300},
///       "probe_protocol": {...}, "finetune_protocol": {...},
///       "protocol":  {...}   (the latest evaluation's)
///     }
///
/// Every section is optional; each evaluation updates its own section and protocol
/// (`RunResults.update`). Files written before sections had their own protocol have `protocol` only.
public struct RunResults: Codable, Sendable, Equatable {
    public var retrieval: [String: Double]?
    public var probe: [String: Double]?
    public var finetune: [String: Double]?
    public var `protocol`: [String: ResultValue]?
    public var retrievalProtocol: [String: ResultValue]?
    public var probeProtocol: [String: ResultValue]?
    public var finetuneProtocol: [String: ResultValue]?

    enum CodingKeys: String, CodingKey {
        case retrieval, probe, finetune, `protocol`
        case retrievalProtocol = "retrieval_protocol", probeProtocol = "probe_protocol", finetuneProtocol = "finetune_protocol"
    }

    public init(retrieval: [String: Double]? = nil, probe: [String: Double]? = nil,
                finetune: [String: Double]? = nil, protocol: [String: ResultValue]? = nil) {
        self.retrieval = retrieval; self.probe = probe; self.finetune = finetune; self.protocol = `protocol`
    }

    /// The sections of figures, by name.
    public static let figureSections = ["retrieval", "probe", "finetune"]

    /// A section's figures by name (`figureSections`).
    public func figures(_ section: String) -> [String: Double]? {
        switch section {
        case "retrieval": return retrieval
        case "probe": return probe
        case "finetune": return finetune
        default: return nil
        }
    }

    /// The protocol a section's figures were measured with: its own, else the file's `protocol`
    /// (files from before each section kept its own); nil when the section has no figures.
    public func protocolOf(_ section: String) -> [String: ResultValue]? {
        guard figures(section) != nil else { return nil }
        let own: [String: ResultValue]? = switch section {
        case "retrieval": retrievalProtocol
        case "probe": probeProtocol
        case "finetune": finetuneProtocol
        default: nil
        }
        return own ?? `protocol`
    }

    /// Reads a results.json; errors are one line naming the file.
    public static func read(path: String) throws -> RunResults {
        guard let d = FileManager.default.contents(atPath: path) else { throw FileError("\(path): cannot read the file") }
        do { return try JSONDecoder().decode(RunResults.self, from: d) } catch {
            throw FileError("\(path): not a valid results file (expected retrieval/probe/finetune/protocol objects)")
        }
    }

    /// Writes the file atomically (pretty, sorted keys).
    public func write(to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(enc.encode(self), to: path)
    }

    /// The sections this type reads and writes; a results.json may hold others (the commands'
    /// `retrieval_details`, `probe_details`, `finetune_details`, ...).
    static let sectionNames = ["retrieval", "probe", "finetune", "protocol",
                               "retrieval_protocol", "probe_protocol", "finetune_protocol"]

    /// Read-modify-write of a run's results.json (created when missing). Only this type's sections
    /// are replaced (a section set to nil is removed); every other section of the file stays.
    public static func update(_ run: RunDirectory, _ change: (inout RunResults) -> Void) throws {
        try run.withResultsLock { try unlockedUpdate(run, change) }
    }

    private static func unlockedUpdate(_ run: RunDirectory, _ change: (inout RunResults) -> Void) throws {
        let path = run.resultsPath
        var r = FileManager.default.fileExists(atPath: path) ? try read(path: path) : RunResults()
        change(&r)
        guard case .object(let mine)? = EvalJSON.parse(try JSONEncoder().encode(r)) else {
            throw FileError("\(path): cannot encode the results")
        }
        var all = try EvalResultsFile.read(path)
        for name in sectionNames { all[name] = mine[name] }
        try AtomicFile.write(EvalJSON.object(all).text() + "\n", to: path)
    }

    /// The retrieval section for a `RetrievalResult` (R@k as fractions plus the counts).
    public static func retrievalSection(_ r: RetrievalResult) -> [String: Double] {
        var s: [String: Double] = [:]
        for k in r.ks { s["R@\(k)"] = r.recall[k] }
        s["queries"] = Double(r.queryCount)
        s["gallery"] = Double(r.galleryCount)
        s["absent_class_queries"] = Double(r.queriesWithAbsentClass)
        return s
    }
}
