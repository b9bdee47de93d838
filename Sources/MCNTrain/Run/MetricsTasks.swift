import Foundation

/// The `tasks` member of a training step's metrics row: the query set's tasks as the screen got
/// them, `[{"video":"v_a","meta_loss":0.69,"pair_accuracy":0.5},…]`, in the engine's order, NaN
/// as `null`. Written and read back by `MetricsRow`, and read by `mcn-tui view`.
public struct MetricsTasks: Sendable, Equatable, Decodable {
    public var list: [TaskLoss]

    public init(_ list: [TaskLoss]) { self.list = list }

    var json: String {
        "[" + list.map {
            "{\"video\":\(JSONText.quote($0.video)),\"meta_loss\":\(JSONText.number($0.metaLoss)),"
                + "\"pair_accuracy\":\(JSONText.number($0.pairAccuracy))}"
        }.joined(separator: ",") + "]"
    }

    enum Key: String, CodingKey { case video, meta_loss, pair_accuracy }

    /// Throws unless every task has a string `video` and a number (or `null`) of each figure.
    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        list = []
        while !c.isAtEnd {
            let task = try c.nestedContainer(keyedBy: Key.self)
            list.append(TaskLoss(video: try task.decode(String.self, forKey: .video),
                                 metaLoss: try Self.number(task, .meta_loss), pairAccuracy: try Self.number(task, .pair_accuracy)))
        }
    }

    /// A number of a JSON object, `null` as NaN (as `JSONText.number` writes NaN and ±infinity).
    static func number<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double {
        try c.decodeNil(forKey: key) ? .nan : c.decode(Double.self, forKey: key)
    }
}
