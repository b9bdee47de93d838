/// Estimates the time left in a run from an exponential moving average of step times.
/// Independent of the learning-rate schedule; the first `warmupSteps` steps (slow: caches,
/// allocations) are left out.
public struct ETAEstimator: Sendable, Equatable {
    /// Weight of the newest step in the average (0...1).
    public let smoothing: Double
    public let warmupSteps: Int
    public private(set) var secondsPerStep: Double?
    public private(set) var recorded = 0

    public init(smoothing: Double = 0.05, warmupSteps: Int = 1) {
        self.smoothing = min(max(smoothing, 0.001), 1)
        self.warmupSteps = max(0, warmupSteps)
    }

    /// Adds one step's wall time (seconds).
    public mutating func record(stepSeconds: Double) {
        recorded += 1
        guard stepSeconds.isFinite, stepSeconds >= 0 else { return }
        if let s = secondsPerStep, recorded > warmupSteps + 1 {
            secondsPerStep = s + smoothing * (stepSeconds - s)
        } else {
            // Warm-up steps give a first guess so an ETA shows at once; the first step after the
            // warm-up replaces it and starts the average.
            secondsPerStep = stepSeconds
        }
    }

    /// Seconds left for `stepsLeft` more steps, or nil before any step was timed.
    public func secondsLeft(stepsLeft: Int) -> Double? {
        secondsPerStep.map { $0 * Double(max(0, stepsLeft)) }
    }

    /// `42s`, `3m05s`, `1h02m`, `2d03h`; `--` for nil.
    public static func format(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "--" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + pad2(s % 60) + "s" }
        if s < 86400 { return "\(s / 3600)h" + pad2(s % 3600 / 60) + "m" }
        return "\(s / 86400)d" + pad2(s % 86400 / 3600) + "h"
    }

    private static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
