import Foundation

/// Seconds left in a run, from an exponential average of recent step times.
public struct ETAEstimator: Sendable {
    private var average: Double?
    public let smoothing: Double

    public init(smoothing: Double = 0.9) { self.smoothing = smoothing }

    public mutating func add(stepSeconds: Double) {
        average = average.map { smoothing * $0 + (1 - smoothing) * stepSeconds } ?? stepSeconds
    }

    public func secondsLeft(stepsLeft: Int) -> Double? { average.map { $0 * Double(max(0, stepsLeft)) } }
}

/// Turns engine events into the plain lines of a headless run: one line every `every` steps,
/// and every log line, checkpoint and evaluation as it happens.
public struct HeadlessPrinter {
    public let every: Int
    private var total = 0
    private var stepsPerEpoch = 0
    private var eta = ETAEstimator()
    /// Clips a second averaged over recent steps as the screen's header does (one step's rate
    /// swings with the loader and the machine).
    private var clipsPerSecond: Double?

    public init(every: Int) { self.every = max(1, every) }

    /// The lines this event prints (often none).
    public mutating func lines(for event: EngineEvent) -> [String] {
        switch event {
        case .started(let info):
            total = info.totalSteps
            stepsPerEpoch = info.stepsPerEpoch
            let mode = info.mode.isEmpty ? info.method : "\(info.method) \(info.mode)"
            return ["run \(info.name) (\(info.runDirectory)): \(mode), \(info.backbone), \(info.totalSteps) steps, \(info.batchVideos) videos a batch, clips \(info.clipShape.map(String.init).joined(separator: "x"))"]
        case .step(let m):
            eta.add(stepSeconds: m.stepSeconds)
            if m.clipsPerSecond.isFinite, m.clipsPerSecond >= 0 {
                clipsPerSecond = clipsPerSecond.map { $0 + (1 - eta.smoothing) * (m.clipsPerSecond - $0) } ?? m.clipsPerSecond
            }
            guard m.step % every == 0 || m.step == total else { return [] }
            return [Self.stepLine(m, total: total, stepsPerEpoch: stepsPerEpoch, clipsPerSecond: clipsPerSecond,
                                  eta: eta.secondsLeft(stepsLeft: total - m.step))]
        case .log(let level, let message), .logEntry(let level, let message, _):
            return ["[\(level.rawValue)] \(message)"]
        case .retrieval(let r):
            return ["retrieval at step \(r.step): " + r.recall.keys.sorted().map { String(format: "R@%d %.1f%%", $0, 100 * r.recall[$0]!) }.joined(separator: "  ")]
        case .monitors(let step, let m):
            return ["monitors at step \(step): " + m.keys.sorted().map { String(format: "%@ %.3f", $0, m[$0]!) }.joined(separator: "  ")]
        case .failed(let message):
            return ["error: \(message)"]
        case .state, .tasks, .checkpointSaved, .system, .finished, .savedResults, .metricsRestarted:
            return []
        }
    }

    /// The epoch as the screen's header shows it: the step's epoch counted from 1, out of the run's
    /// epochs when their length is known (the last step of a 17-epoch run reads ep 17/17).
    static func stepLine(_ m: StepMetrics, total: Int, stepsPerEpoch: Int = 0, clipsPerSecond: Double? = nil,
                         eta: Double?) -> String {
        let v = m.values
        func f(_ k: String, _ fmt: String = "%.3f") -> String { v[k].map { String(format: fmt, $0) } ?? "-" }
        let epochs = RunInfo.epochs(totalSteps: total, stepsPerEpoch: stepsPerEpoch).map { "/\($0)" } ?? ""
        var parts = [String(format: "step %\(String(total).count)d/%d", m.step, total), "ep \(m.epoch + 1)\(epochs)"]
        if v["loss_con_query"] != nil {
            parts.append("con S \(f("loss_con_support")) Q \(f("loss_con_query"))")
            // The contrastive baseline over its sets has no meta branch.
            if v["loss_meta_query"] != nil {
                parts.append("meta S \(f("loss_meta_support")) Q \(f("loss_meta_query"))")
                parts.append("accQ \(f("acc_meta_query", "%.2f"))")
            }
        } else {
            parts.append("con \(f("loss_con"))")
        }
        parts.append("lr \(f("lr", "%.4g"))")
        parts.append(String(format: "%.1f clips/s", clipsPerSecond ?? m.clipsPerSecond))
        parts.append(String(format: "wait %.0f%%", 100 * m.dataWaitSeconds / max(m.stepSeconds, 1e-9)))
        parts.append("ETA \(DurationText.format(eta))")
        return parts.joined(separator: "  ")
    }
}
