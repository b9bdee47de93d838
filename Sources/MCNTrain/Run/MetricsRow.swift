import Foundation

/// One row of metrics: a step, its epoch, what the row is (`kind`), named values (losses,
/// accuracies, monitors) and, on a training step of MCN, the query set's tasks.
public struct MetricsRow: Sendable, Equatable {
    /// What a row holds. The trainer writes `step` rows (losses and timing of a logged step),
    /// `eval` rows (retrieval R@k) and `monitor` rows (the cheap monitors); files written before
    /// rows had a kind have none.
    public enum Kind: String, Sendable, Decodable {
        case step, eval, monitor
    }

    public var step: Int
    public var epoch: Int
    public var kind: Kind?
    public var values: [String: Double]
    /// The query set's tasks (empty for other rows, and for the contrastive baseline).
    public var tasks: [TaskLoss]

    public init(step: Int, epoch: Int, kind: Kind? = nil, values: [String: Double], tasks: [TaskLoss] = []) {
        self.step = step; self.epoch = epoch; self.kind = kind; self.values = values; self.tasks = tasks
    }

    /// `{"step":12,"epoch":0,"kind":"step","acc_meta_query":0.5,"loss_con_query":2.1,"tasks":[…]}`:
    /// `step`, `epoch` and `kind` first, then the values by sorted key, then `tasks` (see
    /// `MetricsTasks`), each only when there is one; NaN and ±infinity as `null`.
    public var jsonLine: String {
        var parts = ["\"step\":\(step)", "\"epoch\":\(epoch)"]
        if let kind { parts.append("\"kind\":\(JSONText.quote(kind.rawValue))") }
        for (k, v) in values.sorted(by: { $0.key < $1.key }) where !Self.reservedKeys.contains(k) {
            parts.append("\(JSONText.quote(k)):\(JSONText.number(v))")
        }
        if !tasks.isEmpty { parts.append("\"tasks\":" + MetricsTasks(tasks).json) }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// Parses a line written by `jsonLine` (nil for a torn or foreign line). `null` reads as NaN.
    public init?(jsonLine line: Substring) {
        // JSONDecoder, not JSONSerialization: on Linux the latter reads some numbers an ulp off, and
        // rows read are written back (a resume that cannot cut the files, a CSV given a new column).
        guard let row = try? JSONDecoder().decode(MetricsRow.self, from: Data(line.utf8)) else { return nil }
        self = row
    }

    /// Members of a line that are not values.
    static let reservedKeys: Set<String> = ["step", "epoch", "kind", "tasks"]
}

extension MetricsRow: Decodable {
    /// Throws for a member that is not what `jsonLine` writes there (a kind it does not know, a
    /// value that is not a number or `null`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: JSONKey.self)
        var values: [String: Double] = [:]
        for key in c.allKeys where !Self.reservedKeys.contains(key.stringValue) {
            values[key.stringValue] = try MetricsTasks.number(c, key)
        }
        self.init(step: try c.decode(Int.self, forKey: JSONKey("step")), epoch: try c.decode(Int.self, forKey: JSONKey("epoch")),
                  kind: try c.decodeIfPresent(Kind.self, forKey: JSONKey("kind")), values: values,
                  tasks: try c.decodeIfPresent(MetricsTasks.self, forKey: JSONKey("tasks"))?.list ?? [])
    }
}
