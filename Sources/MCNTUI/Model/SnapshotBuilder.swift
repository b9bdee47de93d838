import MCNTrain

/// Folds engine events into a `Snapshot`. Bounded: series keep `seriesCapacity` points, the log
/// keeps the last `logCapacity` lines. A checkpoint is recorded, not logged: whatever reports one
/// also says it in the log (the engine's `checkpoint written: PATH`, or that line read back from
/// train.log), so one checkpoint is one log line.
public struct SnapshotBuilder: Sendable {
    private var current = Snapshot()
    public let seriesCapacity: Int
    public let logCapacity: Int
    /// Weight of the newest step in the header's rates.
    static let rateWeight = 0.1

    public init(seriesCapacity: Int = 20_000, logCapacity: Int = 1_000) {
        self.seriesCapacity = seriesCapacity; self.logCapacity = logCapacity
    }

    public func snapshot() -> Snapshot { current }

    public mutating func apply(_ events: [EngineEvent]) { for e in events { apply(e) } }

    public mutating func apply(_ event: EngineEvent) {
        current.version += 1
        switch event {
        case .started(let info):
            current.run = info
            current.step = info.startStep
            // The epoch of the step the run starts at (the one its checkpoint finished), as a step's.
            if info.stepsPerEpoch > 0 { current.epoch = max(0, info.startStep - 1) / info.stepsPerEpoch }
            if current.state.hasEnded { current.state = .starting }
        case .state(let s):
            current.state = s
            if s == .paused { current.paused = true } else if s == .running || s.hasEnded { current.paused = false }
        case .step(let m):
            applyStep(m)
        case .tasks(let step, let tasks):
            current.tasks = tasks; current.tasksStep = step
        case .monitors(let step, let values):
            current.monitors.merge(values) { $1 }; current.monitorsStep = step
        case .retrieval(let summary):
            current.retrieval = summary
        case .checkpointSaved(let step, let path):
            current.checkpoints.append(CheckpointRecord(step: step, path: path))
            if current.checkpoints.count > 100 { current.checkpoints.removeFirst(current.checkpoints.count - 100) }
        case .system(let s):
            current.system = s
        case .log(let level, let text):
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) { appendLog(level, String(line), step: current.step) }
        case .logEntry(let level, let text, let step):
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) { appendLog(level, String(line), step: step) }
        case .finished(let step):
            current.finishedStep = step; current.step = max(current.step, step); current.state = .finished
        case .failed(let message):
            current.failure = message; current.state = .error
            appendLog(.error, message, step: current.step)
        case .savedResults(let results):
            current.savedResults = results
        case .metricsRestarted:
            // The rows that follow are counted again (the curves take the rewind themselves).
            current.trainSeconds = 0; current.stepsSeen = 0
            current.clipsPerSecond = 0; current.dataWaitShare = 0; current.secondsPerStep = 0
        }
    }

    private mutating func applyStep(_ m: StepMetrics) {
        current.step = m.step; current.epoch = m.epoch
        for (name, v) in m.values {
            current.series[name, default: SeriesHistory(capacity: seriesCapacity)].append(step: m.step, value: v)
            current.latest[name] = v
        }
        let w = current.stepsSeen == 0 ? 1 : Self.rateWeight
        if m.clipsPerSecond.isFinite, m.clipsPerSecond >= 0 {
            current.clipsPerSecond += w * (m.clipsPerSecond - current.clipsPerSecond)
        }
        if m.stepSeconds > 0, m.stepSeconds.isFinite {
            let share = min(1, max(0, m.dataWaitSeconds / m.stepSeconds))
            current.dataWaitShare += w * (share - current.dataWaitShare)
            current.secondsPerStep += w * (m.stepSeconds - current.secondsPerStep)
            current.trainSeconds += m.stepSeconds
        }
        current.stepsSeen += 1
        if current.state == .starting { current.state = .running }
    }

    private mutating func appendLog(_ level: LogLevel, _ text: String, step: Int?) {
        current.logs.append(LogLine(level: level, text: text, step: step))
        if current.logs.count > logCapacity + logCapacity / 4 {
            current.logs.removeFirst(current.logs.count - logCapacity)
        }
    }
}
