import Foundation
import MCNModel
import MCNTensor
import MCNVideo

/// A network to evaluate: the config it was trained with, its weights (from a checkpoint, or
/// freshly initialised), and the run directory its results belong in.
public struct EvalModel {
    public let config: RunConfig
    public let network: MCNNetwork
    public let theta: Slab
    public let buffers: Slab
    /// The checkpoint's parameters file, or `random (seed N)`.
    public let source: String
    /// Training steps behind the weights (nil: random weights).
    public let step: Int?
    /// Where results.json goes.
    public let run: RunDirectory
    /// The data, split and seed the weights were pre-trained on, before `--data`/`--split`/`--seed`
    /// (nil: random).
    public var pretrainedOn: (dir: String, split: Int, seed: Int)? = nil

    public var isRandom: Bool { step == nil }

    /// A warning when the evaluation's dataset is the one pre-training used but split another way:
    /// UCF101's and HMDB51's splits share videos, and a folders dataset's split is drawn from its
    /// split number and seed, so the test videos may be among the training videos the weights
    /// learned from.
    public func splitLeak(_ dataset: VideoDataset) -> String? {
        guard let t = pretrainedOn, sameDirectory(t.dir, dataset.root) else { return nil }
        if dataset.format == .folders {
            guard t.split != dataset.split || t.seed != config.run.seed else { return nil }
            return "these weights were pre-trained on \(dataset.root) split \(t.split) with seed \(t.seed); this evaluation's "
                + "split \(dataset.split) with seed \(config.run.seed) draws its test videos from among the ones they learned from "
                + "(--split \(t.split) --seed \(t.seed) keeps them apart)"
        }
        guard t.split != dataset.split, dataset.format == .ucf101 || dataset.format == .hmdb51 else { return nil }
        return "these weights were pre-trained on split \(t.split) of \(dataset.root); split \(dataset.split)'s test videos "
            + "are among split \(t.split)'s training videos, which they learned from (--split \(t.split) keeps them apart)"
    }

    /// Loads a checkpoint (a checkpoint file or stem, or a run directory: its newest valid
    /// checkpoint) with the config recorded beside it; `overrides` (`key=value`), then `flags`, apply on top,
    /// e.g. another `data.dir` or `eval.feature`. Results go to the checkpoint's run directory
    /// unless `runDir` is given.
    public static func load(checkpoint path: String, overrides: [String] = [], flags: [FlagSetting] = [], runDir: String? = nil,
                            warn: (String) -> Void = { _ in }) throws -> EvalModel {
        let ckpt = try RunDirectory.checkpoint(at: path, optimizer: false, warn: warn)
        let dir = ckpt.files.directory
        let runPath = (dir as NSString).lastPathComponent == "checkpoints" ? (dir as NSString).deletingLastPathComponent : dir
        var config: RunConfig
        if !ckpt.meta.config.isEmpty {
            let (c, unknown) = try RunConfig.recorded(ckpt.meta.config, source: ckpt.files.meta)
            if !unknown.isEmpty { warn("\(ckpt.files.meta): ignoring config keys this version does not know: \(unknown.joined(separator: ", "))") }
            config = c
        } else {
            config = try RunConfig.load(file: "\(runPath)/config.toml", recorded: true)
        }
        let pretrainedOn = (dir: config.data.dir, split: config.data.split, seed: config.run.seed)
        for o in overrides { try config.set(o) }
        for f in flags { try config.set(f.assignment, source: f.flag) }
        let network = try makeNetwork(config)
        let theta = Slab(count: network.params.count), buffers = Slab(count: network.buffers.count)
        try ModelState.load(network, theta: theta, buffers: buffers, from: ckpt.files.parameters)
        return EvalModel(config: config, network: network, theta: theta, buffers: buffers,
                         source: ckpt.files.parameters, step: ckpt.meta.step,
                         run: RunDirectory(path: runDir ?? runPath), pretrainedOn: pretrainedOn)
    }

    /// Random weights (the network's initialisation from `run.seed`) of the network `config`
    /// describes, for comparison. Results go to `runDir`, default `runs/random-<backbone>-seed<N>`.
    public static func random(config: RunConfig, runDir: String? = nil) throws -> EvalModel {
        let network = try makeNetwork(config)
        let seed = config.run.seed
        let (theta, buffers) = network.initialValues(seed: UInt64(seed))
        let dir = runDir ?? "runs/random-\(config.model.backbone)-seed\(seed)"
        return EvalModel(config: config, network: network, theta: theta, buffers: buffers,
                         source: "random (seed \(seed))", step: nil, run: RunDirectory(path: dir))
    }

    /// The decoding pipeline for this model's clips (the run's frame cache setting).
    public func pipeline(log: (@Sendable (String) -> Void)? = nil) throws -> VideoPipeline {
        VideoPipeline(cache: try openFrameCache(config), shortSide: FrameCache.shortSide(forCrop: config.data.clipSize), log: log)
    }

    /// A feature extractor with the config's clip shape and `eval.*` choices.
    public func extractor(pipeline: VideoPipeline) -> FeatureExtractor {
        var e = FeatureExtractor(network: network, theta: theta, buffers: buffers, pipeline: pipeline,
                                 clipFrames: config.data.clipFrames, clipSize: config.data.clipSize)
        e.clips = config.eval.clips
        e.feature = EvalFeature(rawValue: config.eval.feature) ?? .gap
        return e
    }
}

extension RunConfig {
    /// The config a checkpoint recorded (key → TOML literal, `CheckpointMeta.config`), checked
    /// like a config file. Keys this version does not know are returned, not applied.
    public static func recorded(_ keyValues: [String: String], source: String) throws -> (RunConfig, unknown: [String]) {
        var toml = ""
        for section in ConfigSchema.sections {
            toml += "[\(section)]\n"
            for k in ConfigSchema.keys where k.section == section {
                if let v = keyValues[k.dotted] { toml += "\(k.name) = \(v)\n" }
            }
        }
        let unknown = keyValues.keys.filter { ConfigSchema.byName[$0] == nil }.sorted()
        var config = try RunConfig.parse(toml: toml, source: source)
        config.fillAbsent(present: Set(keyValues.keys))
        return (config, unknown)
    }
}
