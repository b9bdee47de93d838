import Foundation

/// A learning-rate schedule: a plain function of the step (0-based) and the run's total steps.
public enum LRSchedule: Sendable, Equatable {
    case constant
    /// Multiply by `gamma` every `stepSize` steps.
    case step(stepSize: Int, gamma: Double)
    /// Half-cosine from the base rate to zero over the run.
    case cosine

    /// The rate at `step`, after a linear warm-up over `warmup` steps.
    public func rate(base: Double, step: Int, total: Int, warmup: Int = 0) -> Double {
        if warmup > 0 && step < warmup { return base * Double(step + 1) / Double(warmup) }
        switch self {
        case .constant:
            return base
        case let .step(size, gamma):
            return base * pow(gamma, Double(step / max(1, size)))
        case .cosine:
            let span = max(1, total - warmup)
            let progress = min(1, Double(step - warmup) / Double(span))
            return base * 0.5 * (1 + cos(Double.pi * progress))
        }
    }
}
