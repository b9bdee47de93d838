import CTensorKernels
#if canImport(Glibc)
import Glibc
#endif

/// Batch statistics gathered by a convolution while it writes its output, for the BatchNorm that
/// follows it: per sample and output channel the shifted sums Σ(y − k) and Σ(y − k)², k = the
/// channel's first value in that sample (mcn_moments_rows), added plane by plane while the plane is
/// still in L1. BatchNorm then does not read its input once more, from memory, for its mean and
/// variance; with the BatchNorm + ReLU taken into the next convolution (Tape.batchNormReLUConv3d)
/// the forward reads the convolution's output only once, in that convolution. Only the paths that
/// compute one sample at a time gather them (Winograd, temporal Winograd, the direct and the
/// strided pointwise kernels); after the others `filled` stays false and BatchNorm sums as before.
public final class ChannelMoments: @unchecked Sendable {
    public let samples, channels: Int
    /// [N, C, 2]: Σ(y − k), Σ(y − k)².
    let sums: UnsafeMutablePointer<Double>
    /// Whether the convolution gathered them.
    public internal(set) var filled = false

    /// On by default; MCN_CONV_MOMENTS=0 (or `ConvolutionPaths.moments`) leaves BatchNorm to sum
    /// its input itself (for A/B runs).
    nonisolated(unsafe) static var enabled = getenv("MCN_CONV_MOMENTS").map { String(cString: $0) != "0" } ?? true

    init(samples: Int, channels: Int) {
        self.samples = samples
        self.channels = channels
        sums = .allocate(capacity: samples * channels * 2)
        sums.initialize(repeating: 0, count: samples * channels * 2)
    }

    deinit { sums.deallocate() }

    /// Sample n's sums: [C, 2].
    func sample(_ n: Int) -> UnsafeMutablePointer<Double> { sums + n * channels * 2 }

    /// Adds rows just written for sample n: channel o's row at y + (n·O + o)·L + offset, `count` floats.
    // y: [N, O, L]
    func addRows(_ y: UnsafePointer<Float>, n: Int, l: Int, offset: Int, count: Int) {
        let sample = y + n * channels * l
        mcn_moments_rows(sample + offset, channels, l, count, sample, l, self.sample(n), 2)
    }

    /// Mean and biased variance of channel c over all samples, combined in sample order (the same
    /// whichever worker gathered which sample): with k_n the shift of sample n and l values each,
    /// mean = Σ(l·k_n + s_n) / m and m·var = Σ s2_n + 2(k_n − mean)·s_n + l·(k_n − mean)².
    // y: [N, C, L]
    func meanVariance(channel c: Int, y: UnsafePointer<Float>, l: Int) -> (mean: Double, variance: Double) {
        let m = Double(samples * l)
        guard m > 0 else { return (0, 0) }
        var total = 0.0
        for n in 0..<samples {
            total += Double(l) * Double(y[(n * channels + c) * l]) + sums[(n * channels + c) * 2]
        }
        let mean = total / m
        var m2 = 0.0
        for n in 0..<samples {
            let d = Double(y[(n * channels + c) * l]) - mean
            let s = sums[(n * channels + c) * 2], s2 = sums[(n * channels + c) * 2 + 1]
            m2 += s2 + 2 * d * s + Double(l) * d * d
        }
        let v = m2 / m
        return (mean, v < 0 ? 0 : v)   // a NaN stays NaN
    }
}
