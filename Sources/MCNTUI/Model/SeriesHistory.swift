/// The (step, value) history of one metric, bounded: when it reaches `capacity` points the older
/// half is averaged in pairs, so recent steps stay exact and old ones get coarser, never dropped.
public struct SeriesHistory: Sendable, Equatable {
    public private(set) var steps: [Int] = []
    public private(set) var values: [Double] = []
    public let capacity: Int
    /// Points before this index are averages of several steps.
    public private(set) var coarsePrefix = 0

    public init(capacity: Int = 20_000) {
        self.capacity = max(4, capacity)
        steps.reserveCapacity(min(self.capacity, 1024)); values.reserveCapacity(min(self.capacity, 1024))
    }

    public var count: Int { steps.count }
    public var isEmpty: Bool { steps.isEmpty }
    public var last: Double? { values.last }
    public var lastStep: Int? { steps.last }

    public mutating func append(step: Int, value: Double) {
        // A resumed run may restart before steps already seen: the old tail no longer applies.
        if let l = steps.last, step <= l {
            let keep = steps.firstIndex { $0 >= step } ?? steps.count
            steps.removeSubrange(keep...); values.removeSubrange(keep...)
            coarsePrefix = min(coarsePrefix, keep)
        }
        if steps.count >= capacity { compactOlderHalf() }
        steps.append(step); values.append(value)
    }

    /// Merges neighbouring pairs in the older half (non-finite values win, so spikes stay visible).
    private mutating func compactOlderHalf() {
        let half = (steps.count / 2) & ~1
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
        steps = s; values = v
        coarsePrefix = merged
    }
}
