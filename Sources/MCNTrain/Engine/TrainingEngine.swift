import Foundation
import MCNModel
import MCNTensor
import Synchronization

/// Evaluations the engine runs during training (retrieval on the test split, cheap monitors).
public protocol RunEvaluator: AnyObject {
    /// Full retrieval: R@k and ranked neighbours.
    func retrieval(network: MCNNetwork, theta: Slab, buffers: Slab, step: Int) throws -> RetrievalSummary
    /// Cheap monitors (kNN top-1, small retrieval R@1, collapse meter), by metrics name.
    func monitors(network: MCNNetwork, theta: Slab, buffers: Slab, step: Int) throws -> [String: Double]
}

/// How a training loop ended.
public enum EngineOutcome: Sendable, Equatable {
    case finished(step: Int)
    case failed(String)
}

/// Trains one run on a background thread: takes `EngineCommand`s at step boundaries and emits
/// `EngineEvent`s; writes the run directory as it goes.
public final class TrainingEngine: @unchecked Sendable {
    public let events: MessageChannel<EngineEvent>
    public let commands: MessageChannel<EngineCommand>
    public let config: RunConfig
    public let run: RunDirectory
    public let network: MCNNetwork
    public let totalSteps: Int
    public var evaluator: RunEvaluator?
    /// Warnings about the setup, said when the run starts (in train.log and on the screen).
    public var setupWarnings: [String] = []
    /// The trainer's lock on the run directory, held while the engine lives (see RunLock).
    public var runLock: RunLock?

    let data: TrainingData
    let stepper: MCNStep
    let theta, buffers, grad: Slab
    /// BatchNorm running statistics as they were before the current step (to roll back a bad one).
    let buffersBeforeStep: Slab
    let optimizer: Optimizer
    let schedule: LRSchedule
    private(set) public var step = 0
    private var baseLR: Double
    private var lastCheckpointStep = -1
    /// The step evaluated last (-1: none yet).
    private var lastEvaluatedStep = -1
    /// Whether the last metrics row could not be written (said once until one is).
    private var metricsFailing = false
    private var log: TrainLog?
    private var metrics: MetricsLog?
    private var lastValues: [String: Double] = [:]
    private var lastSystemEmit = Date.distantPast
    private var computeSeconds = 0.0
    private var cpu = CPUMeter()
    private let ending = Mutex<EngineOutcome?>(nil)

    /// How the loop ended, once it has (its last events are sent before this is set). A screen
    /// that drained the `.finished` event itself can still learn that there is nothing to wait for.
    public var outcome: EngineOutcome? { ending.withLock { $0 } }

    /// Builds the model and, when `resume` is given, restores parameters, buffers, optimiser state
    /// and data position from it (refusing a checkpoint of another config, naming the keys).
    public init(config: RunConfig, run: RunDirectory, data: TrainingData, resume: VerifiedCheckpoint? = nil,
                events: MessageChannel<EngineEvent> = .init(), commands: MessageChannel<EngineCommand> = .init()) throws {
        self.config = config; self.run = run; self.data = data
        self.events = events; self.commands = commands
        network = try makeNetwork(config)
        stepper = MCNStep(network: network, config: makeStepConfig(config))
        (theta, buffers) = network.initialValues(seed: UInt64(config.run.seed))
        grad = Slab(count: theta.count)
        buffersBeforeStep = Slab(count: buffers.count)
        optimizer = makeOptimizer(config, count: theta.count)
        schedule = makeSchedule(config)
        baseLR = config.optim.lr
        totalSteps = config.run.epochs > 0 ? config.run.epochs * max(1, data.stepsPerEpoch) : config.run.steps
        if let resume {
            try resume.meta.checkCompatible(with: config, source: resume.files.meta)
            try ModelState.load(network, theta: theta, buffers: buffers, from: resume.files.parameters)
            if resume.meta.optimizerFile != nil { try ModelState.loadOptimizer(network, optimizer, from: resume.files.optimizer) }
            step = resume.meta.step
            // A run that stopped beyond its new end would "finish" at once past 100%, with its
            // config saying fewer steps than its checkpoints have.
            if step > totalSteps {
                let perEpoch = max(1, data.stepsPerEpoch)
                throw ConfigError(config.run.epochs > 0
                    ? "\(resume.files.meta): the checkpoint is at step \(step), beyond run.epochs = \(config.run.epochs) (\(totalSteps) steps); give --epochs \((step + perEpoch - 1) / perEpoch) or more"
                    : "\(resume.files.meta): the checkpoint is at step \(step), beyond run.steps = \(totalSteps); give --steps \(step) or more")
            }
            lastCheckpointStep = step
            data.seek(to: resume.meta.dataPosition)
            if let lr = resume.meta.values["base_lr"] { baseLR = lr }
        }
    }

    /// Runs the loop on a new thread (with a large stack for deep networks).
    public func start() {
        let t = Thread { [self] in runLoop() }
        t.stackSize = 16 << 20
        t.name = "mcn-engine"
        t.start()
    }

    /// The training loop; returns when the run finishes, is stopped or fails.
    public func runLoop() {
        do {
            try open()
            try loop()
        } catch {
            // One line on the screen and in headless output: `.failed` is shown as the error.
            let message = "\(error)"
            log?.error(message)
            events.send(.state(.error))
            events.send(.failed(message))
            ending.withLock { $0 = .failed(message) }
        }
        metrics?.close()
        log?.close()
        ending.withLock { if $0 == nil { $0 = .finished(step: step) } }
    }

    private func open() throws {
        try run.create()
        try run.writeConfig(config)
        log = try run.openLog()
        metrics = try run.openMetrics(resumeAt: step > 0 ? step : nil)
        let info = RunInfo(
            name: (run.path as NSString).lastPathComponent, runDirectory: run.path,
            method: config.method.method, mode: config.method.method == "mcn" ? config.method.mode : "",
            backbone: config.model.backbone, totalSteps: totalSteps, stepsPerEpoch: data.stepsPerEpoch,
            startStep: step, batchVideos: data.videosPerBatch,
            clipShape: [config.data.clipFrames, config.data.clipSize, config.data.clipSize],
            datasetSummary: data.summary, baseLearningRate: baseLR)
        events.send(.started(info))
        // The epoch's length is said for `view`, which reads it back (TrainLogLine.stepsPerEpoch).
        let perEpoch = max(1, data.stepsPerEpoch)
        let epoch = perEpoch == 1 ? "1 step an epoch" : "\(perEpoch) steps an epoch"
        say(.info, step > 0 ? "resumed at step \(step) of \(totalSteps), \(epoch)"
                            : "training \(totalSteps) steps, \(epoch): \(data.summary)")
        say(.info, "\(network.params.count) parameters, BLAS \(BLAS.summary)")
        if let note = BLAS.coreNote { say(.info, note) }
        for w in setupWarnings { say(.warning, w) }
        events.send(.state(.running))
    }

    private func say(_ level: LogLevel, _ message: String) {
        log?.write(level, message)
        events.send(.log(level, message))
    }

    /// Handles the commands waiting; returns false when the run must stop.
    private func handleCommands(paused: inout Bool) throws -> Bool {
        let waiting = commands.drain()
        // A stop taken with an evaluation in one batch: the evaluation would not see it coming.
        let stopping = waiting.contains(where: \.isStop)
        for c in waiting {
            switch c {
            case .pause:
                if !paused { paused = true; events.send(.state(.paused)); say(.info, "paused at step \(step)") }
            case .resume:
                if paused { paused = false; events.send(.state(.running)); say(.info, "resumed at step \(step)") }
            case .checkpointNow:
                checkpoint()
                events.send(.state(paused ? .paused : .running))
            case .evaluateNow:
                // Pressed again before the first was taken: one evaluation of this step.
                if lastEvaluatedStep == step { say(.info, "step \(step) is evaluated already") }
                else if !stopping { evaluate() }
                events.send(.state(paused ? .paused : .running))
            case .stop:
                say(.info, "stopping at step \(step)")
                return false
            case .setLearningRate(let lr):
                baseLR = lr
                say(.info, "base learning rate set to \(lr)")
            }
        }
        // A stop asked for while these ran (a long evaluation): taken now, not after one more step.
        if commands.contains(where: \.isStop) { return try handleCommands(paused: &paused) }
        return true
    }

    private func loop() throws {
        var paused = false
        var stopped = false
        while step < totalSteps {
            if try !handleCommands(paused: &paused) { stopped = true; break }
            if paused { Thread.sleep(forTimeInterval: 0.02); continue }
            if try !trainOneStep() { paused = true; events.send(.state(.paused)) }
            let every = config.run
            if every.checkpointEvery > 0 && step % every.checkpointEvery == 0 && step < totalSteps { checkpoint(); events.send(.state(.running)) }
            if every.monitorEvery > 0 && step % every.monitorEvery == 0 { monitors() }
            if every.evalEvery > 0 && step % every.evalEvery == 0 && step < totalSteps { evaluate(); events.send(.state(.running)) }
        }
        if lastCheckpointStep != step && !checkpoint(last: true) {
            // The run ends without the state it reached: say so as its ending (exit status 1).
            throw FileError("step \(step): the last checkpoint could not be written; "
                            + (lastCheckpointStep >= 0 ? "the newest one is step \(lastCheckpointStep)" : "there is none"))
        }
        if !stopped && config.run.evalEvery > 0 { evaluate() }
        say(.info, stopped ? "stopped at step \(step)" : "finished \(step) steps")
        events.send(.state(.finished))
        events.send(.finished(step: step))
    }

    /// One step; false when a loss or gradient was not finite (nothing applied, run pauses).
    private func trainOneStep() throws -> Bool {
        let t0 = Date()
        let batch = try data.next()
        for m in data.drainMessages() { say(.warning, m) }
        let t1 = Date()
        let lr = schedule.rate(base: baseLR, step: step, total: totalSteps, warmup: config.optim.warmupSteps)
        var rng = RNG.derived(seed: UInt64(config.run.seed), 0x5EED, step)
        // BatchNorm running statistics are updated during the step: keep them to roll back a bad one.
        buffersBeforeStep.copy(from: buffers)
        let logging = (step + 1) % config.run.logEvery == 0
        // L(Q; θ) costs one more forward pass: measure the inner-step drop every 10th step only.
        let measureDrop = logging && (step + 1) % 10 == 0
        let out = stepper.run(theta: theta, buffers: buffers, grad: grad, clips: batch.clips,
                              videos: batch.videoNames.count, rng: &rng, measureInnerDrop: measureDrop)
        let bad = out.values.filter { !$0.value.isFinite }.map(\.key).sorted()
        if !bad.isEmpty || !grad.allFinite() {
            let what = bad.isEmpty ? "the gradient" : bad.map { "\($0)=\(out.values[$0]!)" }.joined(separator: ", ")
            // Run the step again with every op's output checked, to name where it first went wrong.
            var again = RNG.derived(seed: UInt64(config.run.seed), 0x5EED, step)
            buffers.copy(from: buffersBeforeStep)
            let scratch = Slab(copying: buffers)
            let diag = stepper.run(theta: theta, buffers: scratch, grad: Slab(count: grad.count), clips: batch.clips,
                                   videos: batch.videoNames.count, rng: &again, diagnose: true)
            let origin = diag.firstNonFinite.map { " (first at \($0))" } ?? ""
            say(.error, "step \(step + 1): non-finite \(what)\(origin); paused without applying the update (no checkpoint of it is written). Lower optim.lr or method.alpha1, then resume.")
            return false
        }
        optimizer.step(params: theta, grads: grad, lr: Float(lr))
        step += 1
        let t2 = Date()
        let stepSeconds = t2.timeIntervalSince(t0)
        computeSeconds = t2.timeIntervalSince(t1)
        var values = out.values
        values["lr"] = lr
        if config.method.method == "mcn" { values["lr_inner"] = config.method.alpha1 }
        let clips = Double(batch.clips.shape[0])
        values["clips_per_s"] = clips / max(stepSeconds, 1e-9)
        values["data_wait"] = batch.waitSeconds / max(stepSeconds, 1e-9)
        values["data_wait_seconds"] = batch.waitSeconds
        values["step_seconds"] = stepSeconds
        lastValues = values
        events.send(.step(StepMetrics(step: step, epoch: batch.epoch, values: values, clipsPerSecond: values["clips_per_s"]!,
                                      dataWaitSeconds: batch.waitSeconds, stepSeconds: stepSeconds)))
        let tasks = out.tasks.map { TaskLoss(video: batch.videoNames[$0.video], metaLoss: $0.loss, pairAccuracy: $0.accuracy) }
        if !tasks.isEmpty { events.send(.tasks(step: step, tasks)) }
        // The row keeps the tasks too, so `mcn-tui view` shows what the screen showed: every 10th step
        // and the last (with 8 tasks they are half a row; logged every step, they doubled a long
        // run's metrics.jsonl for a panel that shows the latest).
        let keepTasks = step % 10 == 0 || step == totalSteps || config.run.logEvery >= 10
        if logging { record(MetricsRow(step: step, epoch: batch.epoch, kind: .step, values: values, tasks: keepTasks ? tasks : [])) }
        emitSystem(decodeSeconds: batch.waitSeconds)
        return true
    }

    private func emitSystem(decodeSeconds: Double) {
        guard Date().timeIntervalSince(lastSystemEmit) >= 1 else { return }
        lastSystemEmit = Date()
        let s = data.stats
        let proc = cpu.sample()
        events.send(.system(SystemStats(cpuCores: proc?.cores ?? 0, residentBytes: proc?.stats.residentBytes ?? 0, blasThreads: BLAS.threads,
                                        decodeSeconds: decodeSeconds, computeSeconds: computeSeconds,
                                        cacheHits: s.cacheHits, cacheMisses: s.cacheMisses, skippedVideos: s.skippedVideos,
                                        machineCores: ProcessInfo.processInfo.activeProcessorCount,
                                        blasCore: BLAS.core.isEmpty ? nil : BLAS.core)))
    }

    /// Writes a checkpoint of the current state (never of a non-finite one); false when it was not
    /// written. A failure to write (a full disk) is said; before the run's last checkpoint, training
    /// goes on: the previous checkpoint stays the newest, and the next one (or `c`) tries again.
    /// `last`: the run's last checkpoint, after which nothing goes on.
    @discardableResult
    public func checkpoint(last: Bool = false) -> Bool {
        guard theta.allFinite() && buffers.allFinite() else {
            say(.error, "step \(step): parameters are not finite; checkpoint refused")
            return false
        }
        events.send(.state(.checkpointing))
        do {
            try writeCheckpoint()
            return true
        } catch {
            let newest = lastCheckpointStep >= 0 ? "the newest is still step \(lastCheckpointStep)" : "there is none yet"
            say(.error, "checkpoint at step \(step) not written: \(error); \(newest)" + (last ? "" : ", training goes on (c tries again)"))
            return false
        }
    }

    private func writeCheckpoint() throws {
        var meta = CheckpointMeta(step: step, epoch: data.position.epoch, rngState: RNG.derived(seed: UInt64(config.run.seed), 0x5EED, step).state,
                                  dataPosition: data.position, config: config, values: lastValues)
        meta.values["base_lr"] = baseLR
        let params = try ModelState.parametersWriter(network, theta: theta, buffers: buffers,
                                                     metadata: ["format": "pt", "step": String(step), "backbone": config.model.backbone])
        let files = try run.saveCheckpoint(step: step, parameters: params, optimizer: try ModelState.optimizerWriter(network, optimizer),
                                           meta: meta, keepLast: config.run.keepCheckpoints)
        lastCheckpointStep = step
        say(.info, "checkpoint written: \(files.parameters)")
        events.send(.checkpointSaved(step: step, path: files.parameters))
    }

    private func evaluate() {
        guard let evaluator else { say(.warning, "no evaluation data: retrieval skipped"); return }
        events.send(.state(.evaluating))
        do {
            let r = try evaluator.retrieval(network: network, theta: theta, buffers: buffers, step: step)
            lastEvaluatedStep = step
            events.send(.retrieval(r))
            var row: [String: Double] = [:]
            for (k, v) in r.recall { row["R@\(k)"] = v }
            record(MetricsRow(step: step, epoch: data.position.epoch, kind: .eval, values: row))
            say(.info, "retrieval at step \(step): " + r.recall.keys.sorted().map { String(format: "R@%d %.3f", $0, r.recall[$0]!) }.joined(separator: " "))
        } catch let stopped as DatasetEvaluator.EvaluationStopped {
            say(.info, "evaluation at step \(step) not finished: \(stopped)")
        } catch {
            say(.error, "evaluation failed: \(error)")
        }
    }

    /// Appends a row to the metrics files. A failure (a full disk) does not end the run: it is said
    /// once, until a row is written again.
    private func record(_ row: MetricsRow) {
        do {
            try metrics?.append(row)
            metricsFailing = false
        } catch {
            if !metricsFailing { say(.error, "metrics not written from step \(row.step): \(error); training goes on") }
            metricsFailing = true
        }
    }

    private func monitors() {
        guard let evaluator else { return }
        do {
            let m = try evaluator.monitors(network: network, theta: theta, buffers: buffers, step: step)
            guard !m.isEmpty else { return }
            events.send(.monitors(step: step, m))
            record(MetricsRow(step: step, epoch: data.position.epoch, kind: .monitor, values: m))
        } catch is DatasetEvaluator.EvaluationStopped {
            // The run is stopping: no figures from part of the videos.
        } catch {
            say(.warning, "monitors failed: \(error)")
        }
    }

    /// Parameters (for evaluation after training).
    public var parameters: (theta: Slab, buffers: Slab) { (theta, buffers) }
}
