import ArgumentParser
import Foundation
import MCNTensor
import MCNTrain
import MCNVideo

/// The options every `eval` subcommand takes: which weights, which data, which protocol.
struct EvalModelOptions: ParsableArguments {
    @Option(help: "A checkpoint (.safetensors/.json/stem) or a run directory (its newest checkpoint); 'random' for random weights.")
    var checkpoint: String?

    @Flag(help: "Random weights (the same as --checkpoint random).")
    var randomInit = false

    @Option(help: "Backbone preset for random weights (r3d-tiny, r2plus1d-tiny, r3d-18, r2plus1d-18).")
    var backbone: String?

    @Option(help: "Seed of the random weights, and of the probe and fine-tuning (for a checkpoint: its run's seed by default).")
    var seed: Int?

    @Option(help: "Dataset directory (default: the checkpoint's data.dir; for random weights, the sample data).")
    var data: String?

    @Option(help: "Official split number (1, 2 or 3).")
    var split: Int?

    @Option(help: "Pooled feature: gap or conv5-maxpool.")
    var feature: String?

    @Option(help: "Clips per video (uniformly spaced, centre-cropped).")
    var clips: Int?

    @Flag(help: "Centre each feature set by its mean before cosine similarity (CoCLR's variant).")
    var centre = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one config key, e.g. data.clip_size=112 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Where results.json goes (default: the checkpoint's run directory; runs/random-<backbone>-seed<N> for random weights).")
    var runDir: String?

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @Flag(help: "Do not write results.json.")
    var noResults = false

    @Flag(help: "Extract features even when the run directory holds them for this model and protocol.")
    var freshFeatures = false

    var isRandom: Bool { randomInit || checkpoint == "random" }

    /// Refusals before anything runs (with the subcommand's usage): `--random-init` beside a
    /// checkpoint names two models (the checkpoint was ignored in silence).
    func validate() throws {
        if randomInit, let checkpoint, checkpoint != "random" {
            throw ValidationError("--random-init and --checkpoint \(checkpoint) name two models: give one")
        }
        if !isRandom {
            guard checkpoint != nil else {
                throw ValidationError("give --checkpoint PATH (a checkpoint or run directory) or --checkpoint random")
            }
            if backbone != nil { throw ValidationError("--backbone is for random weights; a checkpoint's backbone comes from its config") }
        }
    }

    /// The config values these flags set (after --set; errors name the flag).
    var flags: [FlagSetting] {
        [data.map { FlagSetting("data", $0, key: "data.dir") },
         split.map { FlagSetting("split", $0, key: "data.split") },
         feature.map { FlagSetting("feature", $0, key: "eval.feature") },
         clips.map { FlagSetting("clips", $0, key: "eval.clips") },
         centre ? FlagSetting(flag: "--centre", assignment: "eval.centre=true") : nil].compactMap { $0 }
    }

    /// Loads the model (one-line errors), sets the BLAS threads.
    func loadModel() throws -> EvalModel {
        let model: EvalModel
        if isRandom {
            var o: [String] = []
            if data == nil && !overrides.contains(where: { $0.hasPrefix("data.dir=") }) { o.append("data.dir=\(defaultSampleData())") }
            let random = [backbone.map { FlagSetting("backbone", $0, key: "model.backbone") },
                          seed.map { FlagSetting("seed", $0, key: "run.seed") }].compactMap { $0 }
            model = try EvalModel.random(config: try RunConfig.load(file: nil, overrides: o + overrides, flags: random + flags),
                                         runDir: runDir)
        } else {
            guard let checkpoint else { throw ValidationError("give --checkpoint PATH or --checkpoint random") }
            // --seed drives the probe's and fine-tuning's randomness for a checkpoint too (it was ignored).
            let seeded = seed.map { [FlagSetting("seed", $0, key: "run.seed")] } ?? []
            model = try EvalModel.load(checkpoint: checkpoint, overrides: overrides, flags: flags + seeded, runDir: runDir,
                                       warn: { printError("warning: \($0)") })
        }
        BLAS.setThreads(model.config.optim.blasThreads)
        return model
    }

    /// The dataset the model's config names, with a one-line summary of listed videos that are missing.
    func openData(_ model: EvalModel) throws -> VideoDataset {
        let d = try openDataset(model.config)
        printError(d.summary)
        if let leak = model.splitLeak(d) { printError("warning: \(leak)") }
        return d
    }

    /// Writes one evaluation's figures into the run's results.json unless --no-results: the
    /// section, its own protocol (`<section>_protocol`: another evaluation does not relabel it),
    /// `protocol` (the latest evaluation's, as files before per-section protocols had it) and
    /// `<section>_details` with which weights were evaluated.
    func saveResults(_ model: EvalModel, section: String, figures: EvalJSON, protocol proto: EvalJSON,
                     details: EvalJSON) throws {
        guard !noResults else { return }
        var sections: [String: EvalJSON] = [
            section: figures, "\(section)_protocol": proto, "protocol": proto,
            "\(section)_details": details.merging(.object(evalSource(model))),
        ]
        // Read, changed and written under the run's results lock: two evaluations of one run at
        // once would otherwise each write the file as they read it, dropping the other's figures.
        try model.run.withResultsLock {
            // A file from before per-section protocols: its figures were measured with its `protocol`,
            // which this evaluation is about to replace; they keep it as their own.
            let old = try EvalResultsFile.read(model.run.resultsPath)
            for s in RunResults.figureSections where s != section && old[s] != nil && old["\(s)_protocol"] == nil {
                if let p = old["protocol"] { sections["\(s)_protocol"] = p }
            }
            try EvalResultsFile.update(model.run.resultsPath, sections: sections)
        }
        if model.isRandom && !FileManager.default.fileExists(atPath: model.run.configPath) {
            try model.run.writeConfig(model.config)
        }
        printError("results written to \(model.run.resultsPath)")
    }
}

/// Runs an eval command body, turning errors into one line on stderr and exit status 2.
func runEval(_ body: () throws -> Void) throws {
    do {
        try BLAS.requireAvailable()
        try body()
    } catch let e as ValidationError {
        throw e
    } catch let e as ExitCode {
        throw e
    } catch {
        printError("error: \(error)")
        throw ExitCode(2)
    }
}

/// One line naming the videos that could not be read, or nil.
func skippedLine(_ skipped: [String]) -> String? {
    guard !skipped.isEmpty else { return nil }
    let shown = skipped.prefix(3).joined(separator: "; ")
    return "\(skipped.count) unreadable video\(skipped.count == 1 ? "" : "s") skipped: \(shown)\(skipped.count > 3 ? "; ..." : "")"
}

/// The first rule that does not hold, refused in one line naming its flag and value:
/// `--validation 1.5: must be in [0, 1)`.
func refuseFirst(_ rules: [(holds: Bool, flagAndValue: String, must: String)]) throws {
    if let r = rules.first(where: { !$0.holds }) { throw ValidationError("\(r.flagAndValue): must be \(r.must)") }
}
