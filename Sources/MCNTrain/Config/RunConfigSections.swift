// Typed, read-only views of each config section. Names follow the TOML keys in lowerCamelCase.

public struct DataConfig: Sendable, Equatable {
    public let dir: String
    public let format: String
    public let split: Int
    public let strict: Bool
    public let clipFrames: Int
    public let clipSize: Int
    public let flip: Bool
    public let cropMinArea: Double
    public let colorJitter: Double
    public let jitterStrength: Double
    public let hue: Double
    public let grayscale: Double
    public let blur: Bool
    public let cacheDir: String
    public let cacheMaxMB: Int
    public let prefetch: Int
}

public struct ModelConfig: Sendable, Equatable {
    public let backbone: String
    public let width: Double
    /// The `layers` string as written: "" means the preset's.
    public let layersText: String
    public let featureDim: Int
    public let projDim: Int
    public let metaHidden: Int

    /// Blocks per stage, or nil for the backbone preset's.
    public var layers: [Int]? {
        layersText.isEmpty ? nil
            : layersText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}

public struct MethodConfig: Sendable, Equatable {
    public let method: String
    public let mode: String
    public let split: String
    public let temperature: Double
    public let lambda: Double
    public let fcm: String
    public let fcmInput: String
    public let baselineLoss: String
    public let negPerPos: Int
    public let alpha1: Double
    public let innerClip: Double
    public let hvpEpsilon: Double
}

public struct OptimConfig: Sendable, Equatable {
    public let optimizer: String
    public let lr: Double
    public let momentum: Double
    public let weightDecay: Double
    public let schedule: String
    public let warmupSteps: Int
    public let stepSize: Int
    public let gamma: Double
    public let batchVideos: Int
    public let blasThreads: Int
}

public struct RunSectionConfig: Sendable, Equatable {
    public let name: String
    public let steps: Int
    public let epochs: Int
    public let seed: Int
    public let logEvery: Int
    public let printEvery: Int
    public let checkpointEvery: Int
    public let keepCheckpoints: Int
    public let evalEvery: Int
    public let monitorEvery: Int
}

public struct EvalConfig: Sendable, Equatable {
    public let feature: String
    public let clips: Int
    public let centre: Bool
    public let monitorVideos: Int
}

extension RunConfig {
    func string(_ k: String) -> String { if case .string(let s)? = values[k] { return s }; preconditionFailure(k) }
    func int(_ k: String) -> Int { if case .int(let i)? = values[k] { return i }; preconditionFailure(k) }
    func double(_ k: String) -> Double { if case .double(let d)? = values[k] { return d }; preconditionFailure(k) }
    func bool(_ k: String) -> Bool { if case .bool(let b)? = values[k] { return b }; preconditionFailure(k) }

    public var data: DataConfig {
        DataConfig(dir: string("data.dir"), format: string("data.format"), split: int("data.split"),
                   strict: bool("data.strict"), clipFrames: int("data.clip_frames"), clipSize: int("data.clip_size"),
                   flip: bool("data.flip"), cropMinArea: double("data.crop_min_area"),
                   colorJitter: double("data.color_jitter"), jitterStrength: double("data.jitter_strength"),
                   hue: double("data.hue"), grayscale: double("data.grayscale"),
                   blur: bool("data.blur"), cacheDir: string("data.cache_dir"),
                   cacheMaxMB: int("data.cache_max_mb"), prefetch: int("data.prefetch"))
    }

    public var model: ModelConfig {
        ModelConfig(backbone: string("model.backbone"), width: double("model.width"),
                    layersText: string("model.layers"), featureDim: int("model.feature_dim"),
                    projDim: int("model.proj_dim"), metaHidden: int("model.meta_hidden"))
    }

    public var method: MethodConfig {
        MethodConfig(method: string("method.method"), mode: string("method.mode"), split: string("method.split"),
                     temperature: double("method.temperature"), lambda: double("method.lambda"),
                     fcm: string("method.fcm"), fcmInput: string("method.fcm_input"), baselineLoss: string("method.baseline_loss"), negPerPos: int("method.neg_per_pos"),
                     alpha1: double("method.alpha1"), innerClip: double("method.inner_clip"),
                     hvpEpsilon: double("method.hvp_epsilon"))
    }

    public var optim: OptimConfig {
        OptimConfig(optimizer: string("optim.optimizer"), lr: double("optim.lr"), momentum: double("optim.momentum"),
                    weightDecay: double("optim.weight_decay"), schedule: string("optim.schedule"),
                    warmupSteps: int("optim.warmup_steps"), stepSize: int("optim.step_size"),
                    gamma: double("optim.gamma"), batchVideos: int("optim.batch_videos"),
                    blasThreads: int("optim.blas_threads"))
    }

    public var run: RunSectionConfig {
        RunSectionConfig(name: string("run.name"), steps: int("run.steps"), epochs: int("run.epochs"),
                         seed: int("run.seed"), logEvery: int("run.log_every"), printEvery: int("run.print_every"),
                         checkpointEvery: int("run.checkpoint_every"), keepCheckpoints: int("run.keep_checkpoints"),
                         evalEvery: int("run.eval_every"), monitorEvery: int("run.monitor_every"))
    }

    public var eval: EvalConfig {
        EvalConfig(feature: string("eval.feature"), clips: int("eval.clips"), centre: bool("eval.centre"),
                   monitorVideos: int("eval.monitor_videos"))
    }
}
