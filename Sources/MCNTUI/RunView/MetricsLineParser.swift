import Foundation
import MCNTrain

/// Turns one line of a run's metrics.jsonl into engine events. Lenient. The trainer names each
/// row's `kind` (`MetricsRow.Kind`: `step`, `eval`, `monitor`; also honoured: `checkpoint` and a few
/// other spellings); a training step also holds its query set's tasks (`MetricsTasks`), which become
/// the Tasks panel's. Files written before rows had a kind are told apart by what the rows hold:
///
/// - a training step carries timing (`clips_per_s`, `step_seconds`, ...) and the losses; its
///   numbers become series (`step` and `epoch` excepted);
/// - an evaluation carries R@k keys (`R@1`, `recall@5`, ...): a retrieval summary;
/// - a monitor row carries monitor names (`knn_top1`, `monitor_R@1`, `embedding_std`, ...): monitors.
///   Once the file has shown timed step rows, a row without timing is never a step: its other
///   numbers are monitors too (a monitor the trainer adds later still lands in the System panel).
///
/// A step row that also holds R@k or monitor keys gives one event of each. A bad line becomes one
/// warning naming it; so does a malformed `tasks` member, and the rest of its line still counts.
public struct MetricsLineParser {
    /// Keys that describe the step rather than being series.
    static let stepKeys: Set<String> = ["step", "epoch", "kind", "time", "timestamp", "wall_time", "elapsed",
                                        "clips_per_s", "clips_per_second", "data_wait_s", "data_wait_seconds",
                                        "step_s", "step_time", "step_seconds", "state", "path"]
    /// Keys only a training step has.
    static let timingKeys = ["clips_per_s", "clips_per_second", "step_s", "step_time", "step_seconds",
                             "data_wait_s", "data_wait_seconds"]

    /// Whether a step row with timing has been seen in this file.
    public private(set) var sawTimedStep = false

    public init() {}

    /// One line on its own (without what earlier lines of the file tell).
    public static func parse(_ line: String, file: String = "metrics.jsonl", lineNumber: Int) -> [EngineEvent] {
        var p = MetricsLineParser()
        return p.parse(line, file: file, lineNumber: lineNumber)
    }

    /// The next line of a file.
    public mutating func parse(_ line: String, file: String = "metrics.jsonl", lineNumber: Int) -> [EngineEvent] {
        // JSON allows whitespace around the object, so the line is not trimmed first (Foundation's
        // trimming took a third of the time `view` spent opening a long run).
        if line.allSatisfy(\.isWhitespace) { return [] }
        guard let row = try? JSONDecoder().decode(MetricsLineObject.self, from: Data(line.utf8)) else {
            return [.log(.warning, "\(file):\(lineNumber): not a JSON object, skipped")]
        }
        let obj = row.members
        let numbers = obj.compactMapValues(\.number)
        guard let step = numbers["step"].flatMap(Self.integer) else {
            return [.log(.warning, "\(file):\(lineNumber): no `step`, skipped")]
        }
        let values = numbers.filter { !Self.stepKeys.contains($0.key) }
        // The tasks come after the row's own events, as the engine sends them after the step.
        var tasks: [EngineEvent] = []
        switch row.tasks {
        case .list(let list) where !list.isEmpty: tasks = [.tasks(step: step, list)]
        case .malformed: tasks = [.log(.warning, "\(file):\(lineNumber): `tasks` is not a list of tasks, skipped")]
        default: break
        }
        return events(obj, step: step, numbers: numbers, values: values) + tasks
    }

    /// The events of a row, by its `kind` or, without one, by what it holds.
    private mutating func events(_ obj: [String: JSONScalar], step: Int, numbers: [String: Double],
                                 values: [String: Double]) -> [EngineEvent] {
        switch obj["kind"]?.string?.lowercased() {
        case "checkpoint":
            // Said in the log as the engine says it (the snapshot records a checkpoint without a line).
            let path = obj["path"]?.string
            return [.logEntry(.info, path.map { "checkpoint written: \($0)" } ?? "checkpoint written at step \(step)", step: step),
                    .checkpointSaved(step: step, path: path ?? "(step \(step))")]
        case "monitor", "monitors":
            return [.monitors(step: step, values)]
        case "eval", "evaluation", "retrieval":
            return Self.evalEvents(step: step, recall: values.filter { Self.recallK($0.key) != nil },
                                   monitors: values.filter { Self.recallK($0.key) == nil })
        case "step", "train":
            return stepEvents(step: step, numbers: numbers, values: values)
        case .some:
            // An unknown kind: keep its numbers as monitors rather than mixing them into the curves.
            return [.monitors(step: step, values)]
        case nil:
            break
        }
        // A file from before rows had a kind: an untimed row is an evaluation and/or monitors when
        // it holds only R@k and monitor keys, or holds any once the file has shown timed steps.
        let timed = Self.timingKeys.contains { numbers[$0] != nil }
        let evalKeys = values.keys.filter { Self.recallK($0) != nil || Self.isMonitor($0) }.count
        if !timed && (evalKeys > 0 || sawTimedStep) && (evalKeys == values.count || sawTimedStep) {
            return Self.evalEvents(step: step, recall: values.filter { Self.recallK($0.key) != nil },
                                   monitors: values.filter { Self.recallK($0.key) == nil })
        }
        return stepEvents(step: step, numbers: numbers, values: values)
    }

    /// A training step of these numbers, and a retrieval summary and monitors of its R@k and
    /// monitor keys, when it holds any.
    private mutating func stepEvents(step: Int, numbers: [String: Double], values: [String: Double]) -> [EngineEvent] {
        var recall: [String: Double] = [:], monitors: [String: Double] = [:], rest: [String: Double] = [:]
        for (k, v) in values {
            if Self.recallK(k) != nil { recall[k] = v } else if Self.isMonitor(k) { monitors[k] = v } else { rest[k] = v }
        }
        if Self.timingKeys.contains(where: { numbers[$0] != nil }) { sawTimedStep = true }
        let stepSeconds = numbers["step_s"] ?? numbers["step_time"] ?? numbers["step_seconds"] ?? 0
        // Unknown clips/s is NaN, which the header's average leaves out (0 would drag it down).
        let metrics = StepMetrics(step: step, epoch: numbers["epoch"].flatMap(Self.integer) ?? 0, values: rest,
                                  clipsPerSecond: numbers["clips_per_s"] ?? numbers["clips_per_second"] ?? .nan,
                                  dataWaitSeconds: numbers["data_wait_s"] ?? numbers["data_wait_seconds"] ?? 0,
                                  stepSeconds: stepSeconds)
        return [.step(metrics)] + Self.evalEvents(step: step, recall: recall, monitors: monitors)
    }

    /// A whole number that fits an Int (nil for NaN, infinities and huge values).
    static func integer(_ d: Double) -> Int? { d.isFinite && abs(d) < 1e15 ? Int(d) : nil }

    /// A retrieval summary of the R@k numbers, and the other numbers as monitors (each when any).
    static func evalEvents(step: Int, recall: [String: Double], monitors: [String: Double]) -> [EngineEvent] {
        var out: [EngineEvent] = []
        var byK: [Int: Double] = [:]
        for (k, v) in recall { if let n = recallK(k) { byK[n] = v } }
        if !byK.isEmpty {
            out.append(.retrieval(RetrievalSummary(step: step, recall: byK, queries: [], thumbnails: [:])))
        }
        if !monitors.isEmpty { out.append(.monitors(step: step, monitors)) }
        return out
    }

    /// The trainer's monitor names: `knn_top1`, `monitor_R@1`, `embedding_std`, `embedding_std_ref`
    /// (and the like: `knn_*`, `monitor_*`, `monitor/*`, `embedding_std*`, `collapse*`).
    static func isMonitor(_ key: String) -> Bool {
        let k = key.lowercased()
        return ["knn_", "monitor_", "monitor/", "monitors/", "embedding_std", "collapse"].contains { k.hasPrefix($0) }
    }

    /// `R@5`, `r@5`, `recall@5`, `R5`, `retrieval_r@5` → 5.
    static func recallK(_ key: String) -> Int? {
        var k = key.lowercased()
        for p in ["retrieval_", "retrieval/", "eval_", "eval/"] where k.hasPrefix(p) { k.removeFirst(p.count) }
        for p in ["recall@", "r@", "recall", "r"] where k.hasPrefix(p) {
            if let n = Int(k.dropFirst(p.count)), n > 0 { return n }
        }
        return nil
    }
}

/// A metrics line read in one pass: its `tasks` member (`MetricsTasks`), and its other members as
/// scalars.
struct MetricsLineObject: Decodable {
    enum Tasks { case none, malformed, list([TaskLoss]) }

    var members: [String: JSONScalar] = [:]
    var tasks = Tasks.none

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: JSONKey.self)
        for key in c.allKeys {
            if key.stringValue == "tasks" {
                tasks = (try? c.decode(MetricsTasks.self, forKey: key)).map { .list($0.list) } ?? .malformed
            } else {
                members[key.stringValue] = try c.decode(JSONScalar.self, forKey: key)
            }
        }
    }
}

/// A JSON value of a metrics line, as far as the parser cares: numbers (NaN/inf may come as
/// strings; `null` is NaN, as MetricsLog writes it), strings, and anything else ignored. Booleans
/// are not numbers.
enum JSONScalar: Decodable {
    case number(Double), string(String), other

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .number(.nan) }
        else if (try? c.decode(Bool.self)) != nil { self = .other }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .other }  // arrays and objects
    }

    var number: Double? {
        switch self {
        case .number(let d): return d
        case .string(let s):
            switch s.lowercased() {
            case "nan": return .nan
            case "inf", "infinity", "+inf": return .infinity
            case "-inf", "-infinity": return -.infinity
            default: return nil
            }
        case .other: return nil
        }
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
}
