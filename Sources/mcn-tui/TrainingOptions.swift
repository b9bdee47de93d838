import ArgumentParser
import MCNTrain

/// The options every training entry point takes (`mcn-tui`, `mcn-tui train`).
struct TrainingOptions: ParsableArguments {
    @Option(help: "Dataset directory (UCF101, HMDB51 or class folders). Default: the bundled sample data.")
    var data: String?

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

    var request: TrainingRequest {
        var r = TrainingRequest()
        r.dataDir = data ?? (config == nil && !overrides.contains { $0.hasPrefix("data.dir=") } ? defaultSampleData() : nil)
        r.configFile = config; r.overrides = overrides; r.runDir = runDir; r.resume = resume
        r.steps = steps; r.epochs = epochs; r.seed = seed
        return r
    }
}
