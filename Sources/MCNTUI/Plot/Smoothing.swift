/// Exponential moving averages as the curves panel draws them.
public enum Smoothing {
    /// Debiased EMA: s_t = β·s_{t−1} + (1−β)·x_t, reported as s_t / (1 − β^t), so the first values
    /// are not pulled towards zero. Non-finite inputs are passed through and do not enter the average.
    /// β = 0 returns the input.
    public static func debiasedEMA(_ xs: ArraySlice<Double>, beta: Double) -> [Double] {
        guard beta > 0 else { return Array(xs) }
        var s = 0.0, correction = 1.0
        return xs.withUnsafeBufferPointer { src in
            [Double](unsafeUninitializedCapacity: src.count) { out, n in
                for i in 0..<src.count {
                    let x = src[i]
                    if !x.isFinite { out[i] = x; continue }
                    s = beta * s + (1 - beta) * x
                    correction *= beta
                    out[i] = s / (1 - correction)
                }
                n = src.count
            }
        }
    }

    public static func debiasedEMA(_ xs: [Double], beta: Double) -> [Double] { debiasedEMA(xs[...], beta: beta) }
}
