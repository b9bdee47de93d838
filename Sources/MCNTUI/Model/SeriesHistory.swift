/// The (step, value) history of one metric, bounded: when it reaches `capacity` points the older
/// half is averaged in pairs, so recent steps stay exact and old ones get coarser, never dropped.
/// Beside the raw values it keeps, as steps arrive, the values smoothed at each of
/// `Smoothing.levels` and the range summaries a chart reduces them by, so drawing a frame does not
/// revisit every point (the curves panel is a pure function of this value).
public struct SeriesHistory: Sendable, Equatable {
    public private(set) var steps: [Int] = []
    /// The raw values with their summaries.
    public private(set) var raw = ChartTrack()
    /// One track per smoothing level β > 0 of `Smoothing.levels`, in that order.
    private var smoothedTracks: [ChartTrack] = []
    private var emaStates: [Smoothing.State] = []
    public let capacity: Int
    /// Points before this index are averages of several steps.
    public private(set) var coarsePrefix = 0

    static let keptBetas = Smoothing.levels.filter { $0 > 0 }

    public init(capacity: Int = 20_000) {
        self.capacity = max(4, capacity)
        let reserve = min(self.capacity, 1024)
        steps.reserveCapacity(reserve); raw.reserveCapacity(reserve)
        resetSmoothed()
    }

    public var values: [Double] { raw.values }
    public var count: Int { steps.count }
    public var isEmpty: Bool { steps.isEmpty }
    public var last: Double? { raw.last }
    public var lastStep: Int? { steps.last }

    /// The values smoothed with a debiased EMA of factor β (β = 0: the raw values); kept for the
    /// levels of `Smoothing.levels`, computed on the spot for any other β.
    public func smoothed(beta: Double) -> ChartTrack {
        guard beta > 0 else { return raw }
        if let i = Self.keptBetas.firstIndex(of: beta) { return smoothedTracks[i] }
        return ChartTrack(Smoothing.debiasedEMA(raw.values, beta: beta))
    }

    public mutating func append(step: Int, value: Double) {
        // A resumed run may restart before steps already seen: the old tail no longer applies.
        if let l = steps.last, step <= l {
            let keep = steps.firstIndex { $0 >= step } ?? steps.count
            steps.removeSubrange(keep...); raw.truncate(to: keep)
            coarsePrefix = min(coarsePrefix, keep)
            rebuildSmoothed()
        }
        if steps.count >= capacity { compactOlderHalf() }
        steps.append(step); raw.append(value)
        for i in smoothedTracks.indices { smoothedTracks[i].append(emaStates[i].next(value)) }
    }

    /// Merges neighbouring pairs in the older half (non-finite values win, so spikes stay visible).
    private mutating func compactOlderHalf() {
        let half = (steps.count / 2) & ~1
        let values = raw.values
        var s: [Int] = [], v: [Double] = []
        s.reserveCapacity(capacity); v.reserveCapacity(capacity)
        var i = 0
        while i + 1 < half {
            s.append(steps[i])
            let a = values[i], b = values[i + 1]
            v.append(a.isFinite && b.isFinite ? (a + b) / 2 : (a.isFinite ? b : a))
            i += 2
        }
        let merged = s.count
        s.append(contentsOf: steps[half...]); v.append(contentsOf: values[half...])
        steps = s; raw = ChartTrack(v)
        coarsePrefix = merged
        rebuildSmoothed()
    }

    private mutating func resetSmoothed() {
        emaStates = Self.keptBetas.map { Smoothing.State(beta: $0) }
        smoothedTracks = Self.keptBetas.map { _ in ChartTrack() }
    }

    /// Smooths the whole (changed) history again: after a compaction or a cut, O(n) once.
    private mutating func rebuildSmoothed() {
        resetSmoothed()
        for i in smoothedTracks.indices {
            var t: [Double] = []; t.reserveCapacity(capacity)
            for v in raw.values { t.append(emaStates[i].next(v)) }
            smoothedTracks[i] = ChartTrack(t)
        }
    }

    /// Equal when the steps and raw values are (the rest derives from them).
    public static func == (a: SeriesHistory, b: SeriesHistory) -> Bool {
        a.capacity == b.capacity && a.coarsePrefix == b.coarsePrefix && a.steps == b.steps && a.raw.values == b.raw.values
    }
}
