import MCNTrain

/// The query list of the retrieval browser: filtering and the visible window.
public enum RetrievalBrowser {
    /// Queries whose video or class name contains `filter` (case-insensitive), in engine order.
    public static func filteredQueries(_ r: RetrievalSummary?, filter: String) -> [RetrievalQuery] {
        guard let r else { return [] }
        let f = filter.lowercased()
        if f.isEmpty { return r.queries }
        return r.queries.filter { $0.video.lowercased().contains(f) || $0.className.lowercased().contains(f) }
    }

    /// The first row of a `rows`-high list window that keeps `selected` in view (selection centred
    /// where the list allows).
    public static func windowStart(selected: Int, count: Int, rows: Int) -> Int {
        guard count > rows, rows > 0 else { return 0 }
        return min(max(0, selected - rows / 2), count - rows)
    }
}
