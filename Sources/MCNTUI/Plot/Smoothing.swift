/// Exponential moving averages as the curves panel draws them.
public enum Smoothing {
    /// The smoothing factors the curves panel offers (`s` cycles through them); series histories
    /// keep their smoothed values at each of these as steps arrive.
    public static let levels: [Double] = [0, 0.6, 0.9, 0.99]

    /// The running state of one debiased EMA.
    public struct State: Sendable {
        public let beta: Double
        private var s = 0.0, correction = 1.0
        public init(beta: Double) { self.beta = beta }

        /// The smoothed value after `x` (a non-finite `x` is passed through and not averaged in).
        @inline(__always)
        public mutating func next(_ x: Double) -> Double {
            guard x.isFinite else { return x }
            s = beta * s + (1 - beta) * x
            correction *= beta
            return s / (1 - correction)
        }
    }

    /// Debiased EMA: s_t = β·s_{t−1} + (1−β)·x_t, reported as s_t / (1 − β^t), so the first values
    /// are not pulled towards zero. Non-finite inputs are passed through and do not enter the average.
    /// β = 0 returns the input.
    public static func debiasedEMA(_ xs: ArraySlice<Double>, beta: Double) -> [Double] {
        guard beta > 0 else { return Array(xs) }
        var state = State(beta: beta)
        return xs.withUnsafeBufferPointer { src in
            [Double](unsafeUninitializedCapacity: src.count) { out, n in
                for i in 0..<src.count { out[i] = state.next(src[i]) }
                n = src.count
            }
        }
    }

    public static func debiasedEMA(_ xs: [Double], beta: Double) -> [Double] { debiasedEMA(xs[...], beta: beta) }
}
