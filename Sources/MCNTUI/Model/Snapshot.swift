import MCNTrain

/// One engine log line as the screen keeps it.
public struct LogLine: Sendable, Equatable {
    public var level: LogLevel
    public var text: String
    /// The training step it belongs to: the step when it arrived, or the one a line read back
    /// from train.log names (nil when it names none).
    public var step: Int?
    public init(level: LogLevel, text: String, step: Int?) { self.level = level; self.text = text; self.step = step }
}

public struct CheckpointRecord: Sendable, Equatable {
    public var step: Int
    public var path: String
}

/// Everything the screen knows about the run, folded from engine events. An immutable value:
/// panels render it, tests build it by hand or from an event list.
public struct Snapshot: Sendable, Equatable {
    public var run: RunInfo?
    public var state: EngineState = .starting
    /// Whether the run is paused, kept through an evaluation or checkpoint made while paused
    /// (when `state` shows that work), so the pause key toggles the right way.
    public var paused = false
    public var step = 0
    /// The epoch of `step`, from 0 as the engine numbers the batch a step trains on: step s of an
    /// epoch of E steps is in epoch (s − 1) / E. The header counts it from 1 (`displayEpoch`).
    public var epoch = 0
    /// Step metrics by name (`loss_total`, `acc_meta_query`, `inner_drop`, `lr`, ...).
    public var series: [String: SeriesHistory] = [:]
    /// The latest value of every metric.
    public var latest: [String: Double] = [:]
    /// Smoothed over recent steps (EMA), for the header.
    public var clipsPerSecond = 0.0
    public var dataWaitShare = 0.0
    public var secondsPerStep = 0.0
    /// Training time: the sum of step times seen (pauses excluded).
    public var trainSeconds = 0.0
    public var stepsSeen = 0
    public var tasks: [TaskLoss] = []
    public var tasksStep: Int?
    public var retrieval: RetrievalSummary?
    /// What `mcn-tui eval` wrote into the run's results.json (`view` reads it).
    public var savedResults: RunResults?
    public var monitors: [String: Double] = [:]
    public var monitorsStep: Int?
    public var system: SystemStats?
    public var logs: [LogLine] = []
    public var checkpoints: [CheckpointRecord] = []
    public var failure: String?
    public var finishedStep: Int?
    /// Counts every event folded in: a screen redraws when it changes.
    public var version = 0

    public init() {}

    public var totalSteps: Int? { run.map(\.totalSteps).flatMap { $0 > 0 ? $0 : nil } }

    /// The epoch the header shows, counted from 1: the epoch of the step shown, so that the last
    /// step of a 17-epoch run reads 17/17, and a run that has not stepped yet is in epoch 1.
    public var displayEpoch: Int { epoch + 1 }

    /// The run's epochs, the last one maybe partial (nil when its length or epoch size is unknown).
    public var totalEpochs: Int? {
        guard let total = totalSteps, let spe = run?.stepsPerEpoch else { return nil }
        return RunInfo.epochs(totalSteps: total, stepsPerEpoch: spe)
    }

    /// Steps still to run at the recent pace, in seconds.
    public var etaSeconds: Double? {
        guard let total = totalSteps, secondsPerStep > 0, !state.hasEnded else { return nil }
        return Double(max(0, total - step)) * secondsPerStep
    }

    /// The step of the newest checkpoint, or the run's start step when none was written.
    public var lastCheckpointStep: Int { checkpoints.last?.step ?? run?.startStep ?? 0 }

    /// Whether the run has a checkpoint: one written, or the one it resumed from.
    public var hasCheckpoint: Bool { !checkpoints.isEmpty || (run?.startStep ?? 0) > 0 }
}
