/// The series sets `v` cycles through in the curves panel.
public struct CurveSeriesSet: Sendable {
    public var name: String
    /// Metric names; empty means every series not named by another set ("other").
    public var metrics: [String]

    public static let presets: [CurveSeriesSet] = [
        CurveSeriesSet(name: "losses", metrics: ["loss_con_support", "loss_con_query", "loss_meta_support", "loss_meta_query", "loss_total"]),
        CurveSeriesSet(name: "query", metrics: ["loss_con_query", "loss_meta_query", "loss_total"]),
        CurveSeriesSet(name: "support", metrics: ["loss_con_support", "loss_meta_support"]),
        CurveSeriesSet(name: "accuracy", metrics: ["acc_meta_support", "acc_meta_query"]),
        CurveSeriesSet(name: "other", metrics: []),
    ]

    /// Short legend names.
    public static let labels: [String: String] = [
        "loss_con_support": "Lcon/S", "loss_con_query": "Lcon/Q", "loss_meta_support": "Lmeta/S",
        "loss_meta_query": "Lmeta/Q", "loss_total": "total", "acc_meta_support": "acc/S", "acc_meta_query": "acc/Q",
    ]

    public static func label(_ metric: String) -> String { labels[metric] ?? metric }

    /// The metrics of this set the snapshot has, in set order (for "other": sorted names, at most 6,
    /// leaving out the ones shown elsewhere such as `inner_drop`).
    public func metrics(in s: Snapshot) -> [String] {
        if !metrics.isEmpty { return metrics.filter { s.series[$0] != nil } }
        let known = Set(Self.presets.flatMap(\.metrics))
        return s.series.keys.filter { !known.contains($0) }.sorted().prefix(6).map { $0 }
    }
}
