/// Exponential moving averages as the curves panel draws them.
public enum Smoothing {
    /// Debiased EMA: s_t = β·s_{t−1} + (1−β)·x_t, reported as s_t / (1 − β^t), so the first values
    /// are not pulled towards zero. Non-finite inputs are passed through and do not enter the average.
    /// β = 0 returns the input.
    public static func debiasedEMA(_ xs: ArraySlice<Double>, beta: Double) -> [Double] {
        guard beta > 0 else { return Array(xs) }
        var out = [Double](); out.reserveCapacity(xs.count)
        var s = 0.0, correction = 1.0
        for x in xs {
            guard x.isFinite else { out.append(x); continue }
            s = beta * s + (1 - beta) * x
            correction *= beta
            out.append(s / (1 - correction))
        }
        return out
    }

    public static func debiasedEMA(_ xs: [Double], beta: Double) -> [Double] { debiasedEMA(xs[...], beta: beta) }
}
