import Foundation
import MCNTrain

/// Turns one line of a run's metrics.jsonl into engine events. Lenient: step lines carry `step`,
/// `epoch` and any named numbers (each becomes a series); lines with `"kind": "eval"` (or R@k keys)
/// become a retrieval summary plus monitors; `"kind": "monitor"` lines become monitors;
/// `"kind": "checkpoint"` lines a saved checkpoint. A bad line becomes one warning naming it.
public enum MetricsLineParser {
    /// Keys that describe the step rather than being series.
    static let stepKeys: Set<String> = ["step", "epoch", "kind", "time", "timestamp", "wall_time", "elapsed",
                                        "clips_per_s", "clips_per_second", "data_wait_s", "data_wait_seconds",
                                        "step_s", "step_time", "step_seconds", "state", "path"]

    public static func parse(_ line: String, file: String = "metrics.jsonl", lineNumber: Int) -> [EngineEvent] {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [] }
        guard let data = trimmed.data(using: .utf8),
              let obj = try? JSONDecoder().decode([String: JSONScalar].self, from: data) else {
            return [.log(.warning, "\(file):\(lineNumber): not a JSON object, skipped")]
        }
        let numbers = obj.compactMapValues(\.number)
        guard let step = numbers["step"].map({ Int($0) }) else {
            return [.log(.warning, "\(file):\(lineNumber): no `step`, skipped")]
        }
        let kind = obj["kind"]?.string?.lowercased()
        var recall: [Int: Double] = [:]
        for (k, v) in numbers { if let n = recallK(k) { recall[n] = v } }
        switch kind {
        case "checkpoint":
            return [.checkpointSaved(step: step, path: obj["path"]?.string ?? "(step \(step))")]
        case "monitor", "monitors":
            return [.monitors(step: step, numbers.filter { !stepKeys.contains($0.key) })]
        case "eval", "evaluation", "retrieval":
            return evalEvents(step: step, numbers: numbers, recall: recall)
        case .some(let other) where other != "step" && other != "train":
            // An unknown kind: keep its numbers as monitors rather than mixing them into the curves.
            return [.monitors(step: step, numbers.filter { !stepKeys.contains($0.key) })]
        default:
            if !recall.isEmpty { return evalEvents(step: step, numbers: numbers, recall: recall) }
        }
        let values = numbers.filter { !stepKeys.contains($0.key) }
        let stepSeconds = numbers["step_s"] ?? numbers["step_time"] ?? numbers["step_seconds"] ?? 0
        let metrics = StepMetrics(step: step, epoch: Int(numbers["epoch"] ?? 0), values: values,
                                  clipsPerSecond: numbers["clips_per_s"] ?? numbers["clips_per_second"] ?? 0,
                                  dataWaitSeconds: numbers["data_wait_s"] ?? numbers["data_wait_seconds"] ?? 0,
                                  stepSeconds: stepSeconds)
        return [.step(metrics)]
    }

    static func evalEvents(step: Int, numbers: [String: Double], recall: [Int: Double]) -> [EngineEvent] {
        var out: [EngineEvent] = []
        if !recall.isEmpty {
            out.append(.retrieval(RetrievalSummary(step: step, recall: recall, queries: [], thumbnails: [:])))
        }
        let rest = numbers.filter { !stepKeys.contains($0.key) && recallK($0.key) == nil }
        if !rest.isEmpty { out.append(.monitors(step: step, rest)) }
        return out
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

/// A JSON value of a metrics line, as far as the parser cares: numbers (NaN/inf may come as
/// strings), strings, and anything else ignored. Booleans are not numbers.
enum JSONScalar: Decodable {
    case number(Double), string(String), other

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .other }
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
