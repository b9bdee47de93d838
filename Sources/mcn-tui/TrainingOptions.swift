import ArgumentParser
import MCNTrain

/// The options every training entry point takes (`mcn-tui`, `mcn-tui train`).
struct TrainingOptions: ParsableArguments {
    @Option(help: "Dataset directory (UCF101, HMDB51 or class folders). Default: the bundled sample data.")
    var data: String?

    @Option(help: "Dataset layout: auto, ucf101, hmdb51 or folders (data.format).")
    var format: String?

    @Option(help: "Official split, 1–3 (data.split; for class folders, seeds the split).")
    var split: Int?

    @Option(help: "A TOML config file.")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one config key, e.g. optim.lr=0.1 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "The run directory (default: runs/<run.name or date-time>).")
    var runDir: String?

    @Option(help: "Resume: 'auto' (the run's newest valid checkpoint) or a checkpoint path.")
    var resume: String?

    @Option(help: "Total steps of the run (a resumed run stops at this step).")
    var steps: Int?

    @Option(help: "Total epochs of the run (instead of --steps).")
    var epochs: Int?

    @Option(help: "Random seed.")
    var seed: Int?

    func validate() throws {
        if steps != nil && epochs != nil { throw ValidationError("--steps and --epochs both given: give one of them") }
    }

    var request: TrainingRequest {
        var r = TrainingRequest()
        // The sample data by default, but not for a resume: the run's own data.dir stands.
        r.dataDir = data ?? (config == nil && resume == nil && !overrides.contains { $0.hasPrefix("data.dir=") }
            ? defaultSampleData() : nil)
        r.configFile = config; r.overrides = overrides; r.runDir = runDir; r.resume = resume
        r.format = format; r.split = split
        r.steps = steps; r.epochs = epochs; r.seed = seed
        return r
    }
}
