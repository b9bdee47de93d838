import Foundation
import MCNTensor
import MCNVideo

/// What a user asks of a training run on the command line.
public struct TrainingRequest: Sendable {
    public var dataDir: String?
    public var configFile: String?
    public var overrides: [String] = []
    public var runDir: String?
    /// "auto" (the run's newest valid checkpoint) or a checkpoint path.
    public var resume: String?
    public var steps: Int?
    public var epochs: Int?
    public var seed: Int?
    /// data.format and data.split.
    public var format: String?
    public var split: Int?
    public init() {}

    /// The config values the flags set, applied after `overrides` (errors name the flag).
    var flags: [FlagSetting] {
        [dataDir.map { FlagSetting("data", $0, key: "data.dir") },
         format.map { FlagSetting("format", $0, key: "data.format") },
         split.map { FlagSetting("split", $0, key: "data.split") },
         steps.map { FlagSetting("steps", $0, key: "run.steps") },
         epochs.map { FlagSetting("epochs", $0, key: "run.epochs") },
         seed.map { FlagSetting("seed", $0, key: "run.seed") }].compactMap { $0 }
    }
}

/// A prepared run: everything validated and opened, the engine ready to start.
public struct TrainingSession {
    public let engine: TrainingEngine
    public let config: RunConfig
    public let run: RunDirectory
    public let dataset: VideoDataset

    /// Resolves the config (a resumed run starts from its own config.toml), refuses bad values
    /// before any work, opens the dataset, the run directory and the checkpoint to resume. What
    /// `warn` is told is also said by the engine when the run starts (train.log, the screen's log).
    public static func prepare(_ r: TrainingRequest, warn: (String) -> Void) throws -> TrainingSession {
        var said: [String] = []
        func note(_ message: String) { said.append(message); warn(message) }
        let session = try prepare(r, warning: note)
        session.engine.setupWarnings = said + session.engine.setupWarnings
        return session
    }

    private static func prepare(_ r: TrainingRequest, warning warn: (String) -> Void) throws -> TrainingSession {
        try BLAS.requireAvailable()
        let (overrides, flags) = (r.overrides, r.flags)

        // Which run directory: --run-dir, else runs/<run.name>, else (resuming) the newest run.
        var runPath = r.runDir
        if runPath == nil, r.resume == "auto" {
            let probe = try RunConfig.load(file: r.configFile, overrides: overrides, flags: flags)
            runPath = probe.run.name.isEmpty ? newestRun(in: "runs") : "runs/\(probe.run.name)"
            guard runPath != nil else { throw FileError("--resume auto: no run under runs/ to resume (give --run-dir)") }
        }
        var resume: VerifiedCheckpoint?
        if let how = r.resume {
            if how == "auto" {
                resume = RunDirectory(path: runPath!).latestValidCheckpoint(warn: warn)
                if resume == nil {
                    // Starting over would truncate the run's metrics and mix new checkpoints with its own.
                    if !RunDirectory(path: runPath!).checkpointSteps().isEmpty {
                        throw FileError("\(runPath!): none of its checkpoints can be read (see above); to start over, give another --run-dir")
                    }
                    let how = FileManager.default.fileExists(atPath: "\(runPath!)/config.toml") ? " with the run's config.toml" : ""
                    // A mistyped --run-dir reads as this too: say which it is.
                    warn(FileManager.default.fileExists(atPath: runPath!)
                         ? "\(runPath!): no checkpoint to resume; starting from step 0\(how)"
                         : "\(runPath!): no run there yet\(r.runDir == nil ? "" : " (is the path right?)"); starting a new one from step 0")
                }
            } else {
                resume = try RunDirectory.checkpoint(at: how, warn: warn)
                if runPath == nil {
                    // checkpoints/step-N.* lives in <run>/checkpoints
                    let dir = (resume!.files.directory as NSString).deletingLastPathComponent as String
                    runPath = dir.isEmpty ? "." : dir
                }
            }
        }
        // A resumed run starts from the config it was trained with (also from step 0, when it never
        // reached a checkpoint); flags override on top.
        var config: RunConfig
        if let runPath, r.resume != nil, r.configFile == nil, FileManager.default.fileExists(atPath: "\(runPath)/config.toml") {
            config = try RunConfig.load(file: "\(runPath)/config.toml", overrides: overrides, flags: flags, recorded: true)
        } else {
            config = try RunConfig.load(file: r.configFile, overrides: overrides, flags: flags)
        }
        // Recorded absolute, so that `eval` finds the data from any directory.
        if !config.data.dir.hasPrefix("/") { try config.set("data.dir", .string(absolutePath(config.data.dir))) }
        let run = runPath.map(RunDirectory.init(path:)) ?? RunDirectory(root: "runs", name: config.run.name.isEmpty ? nil : config.run.name)
        if config.run.name.isEmpty { try config.set("run.name=\((run.path as NSString).lastPathComponent)") }
        // One trainer a run, and a new run never over an old one: refused here, before any work, when
        // the directory is there; a directory made meanwhile is checked again when it is locked below.
        // Resuming another run's checkpoint into this directory starts a run here as much as no resume.
        let fresh = r.resume == nil || resume.map { !sameDirectory($0.files.directory, run.checkpointsPath) } ?? false
        let earlyLock = run.exists ? try lockRun(run, fresh: fresh, warn: warn) : nil
        BLAS.setThreads(config.optim.blasThreads)

        let dataset = try openDataset(config)
        try checkBatch(config, trainVideos: dataset.train.count, source: config.data.dir)
        let data = try openTrainingData(config, dataset: dataset)
        let lock = try earlyLock ?? lockRun(run, fresh: fresh, warn: warn)
        let engine = try TrainingEngine(config: config, run: run, data: data, resume: resume)
        engine.runLock = lock
        engine.setupWarnings = setupWarnings(config, dataset: dataset)
        if !dataset.test.isEmpty {
            let evaluator = DatasetEvaluator(dataset: dataset, pipeline: data.loader.pipeline, config: config)
            // A stop asked for during an evaluation (q, Ctrl-C, a hangup) does not wait for it to end.
            evaluator.shouldStop = { [commands = engine.commands] in commands.contains(where: \.isStop) }
            engine.evaluator = evaluator
        }
        return TrainingSession(engine: engine, config: config, run: run, dataset: dataset)
    }

    /// Takes the trainer's lock on the run directory; a fresh run is refused where a run was
    /// started before (its metrics would be truncated and its checkpoints mixed with the new ones).
    static func lockRun(_ run: RunDirectory, fresh: Bool, warn: (String) -> Void) throws -> RunLock {
        let lock = try run.lockForTraining()
        if !lock.isHeld { warn("\(run.path): this file system has no locks; a second trainer of this run would not be refused") }
        if fresh && run.holdsRun {
            let steps = run.checkpointSteps()
            let what = steps.last.map { "a run (checkpoint at step \($0))" } ?? "a run"
            throw FileError("\(run.path): already holds \(what); --run-dir \(run.path) --resume auto continues it, or give another --run-dir")
        }
        return lock
    }

    /// What the run should be told about its setup: data.flip is off by default for the sample
    /// data (its classes are mirrored motions), but flips are part of the usual recipe on real
    /// action videos.
    static func setupWarnings(_ config: RunConfig, dataset: VideoDataset) -> [String] {
        guard !config.data.flip, dataset.format == .ucf101 || dataset.format == .hmdb51,
              !SampleDataGenerator.isSampleData(classNames: dataset.classNames) else { return [] }
        return ["data.flip is off (the default, for the sample data's mirrored motions); on \(dataset.format.rawValue) the usual recipe flips: --set data.flip=true"]
    }

    /// Refuses batch sizes the method cannot use, before any work.
    static func checkBatch(_ config: RunConfig, trainVideos: Int, source: String) throws {
        let n = config.optim.batchVideos
        if config.method.method == "mcn" && config.method.split == "videos" && n < 4 {
            throw ConfigError("optim.batch_videos: MCN with method.split = \"videos\" needs at least 4 videos a batch (2 in each of the support and query sets), got \(n)")
        }
        if trainVideos < n {
            throw ConfigError("\(source): \(trainVideos) readable training videos, fewer than optim.batch_videos = \(n)")
        }
    }

    /// The most recently modified run directory under `root`.
    static func newestRun(in root: String) -> String? {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: root)) ?? []
        return names.compactMap { n -> (String, Date)? in
            let p = "\(root)/\(n)"
            guard let d = (try? fm.attributesOfItem(atPath: p))?[.modificationDate] as? Date,
                  fm.fileExists(atPath: "\(p)/checkpoints"), RunDirectory(path: p).holdsRun else { return nil }
            return (p, d)
        }.max { $0.1 < $1.1 }?.0
    }
}
