import Foundation

/// What values a config key accepts.
public enum ConfigConstraint: Sendable {
    case anyString
    /// A string from a fixed list.
    case choice([String])
    case bool
    /// An integer in a closed range.
    case int(ClosedRange<Int>)
    /// A number between `lo` and `hi`; `loOpen`/`hiOpen` exclude the bound.
    case double(lo: Double, hi: Double, loOpen: Bool = false, hiOpen: Bool = false)
    /// A string checked by a rule; `rule` returns nil when the string is fine, else the problem.
    case string(description: String, rule: @Sendable (String) -> String?)

    /// The allowed values, as an error message names them.
    var allowed: String {
        switch self {
        case .anyString: return "a string"
        case .choice(let cs): return "one of " + cs.map { "\"\($0)\"" }.joined(separator: ", ")
        case .bool: return "true or false"
        case .int(let r):
            if r.upperBound == Int.max { return "an integer ≥ \(r.lowerBound)" }
            return "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .double(let lo, let hi, let loOpen, let hiOpen):
            let l = ConfigValue.formatDouble(lo), h = ConfigValue.formatDouble(hi)
            if hi == .infinity { return "a number \(loOpen ? ">" : "≥") \(l)" }
            return "a number in \(loOpen ? "(" : "[")\(l), \(h)\(hiOpen ? ")" : "]")"
        case .string(let d, _): return d
        }
    }
}

/// One key of the run config: its dotted name, default, allowed values and meaning.
public struct ConfigKey: Sendable {
    public let section: String
    public let name: String
    public let defaultValue: ConfigValue
    public let constraint: ConfigConstraint
    public let help: String
    /// True when the key may differ between a checkpoint and the run that resumes from it
    /// (run length, names, logging cadence, caches, threads): such keys are left out of the
    /// config hash and of `configDifferences`.
    public let mayChangeOnResume: Bool
    /// What a recorded config (a run's config.toml, a checkpoint's) that lacks the key meant: the
    /// behaviour before the key existed, where that is not its default. Nil: the default.
    public let absentMeans: ConfigValue?

    /// `section.name`, e.g. `optim.lr`.
    public var dotted: String { "\(section).\(name)" }

    init(_ section: String, _ name: String, _ defaultValue: ConfigValue, _ constraint: ConfigConstraint,
         _ help: String, resumable: Bool = false, absentMeans: ConfigValue? = nil) {
        self.section = section; self.name = name; self.defaultValue = defaultValue
        self.constraint = constraint; self.help = help; self.mayChangeOnResume = resumable
        self.absentMeans = absentMeans
    }

    /// Checks a value against this key's kind and range; an integer is accepted for a number.
    /// Returns the value in its canonical kind.
    func validate(_ value: ConfigValue, source: String) throws -> ConfigValue {
        func bad(_ why: String? = nil) -> ConfigError {
            ConfigError("\(source): \(dotted) = \(value.tomlLiteral) \(why ?? "is not allowed"): expected \(constraint.allowed)")
        }
        switch (constraint, value) {
        case (.anyString, .string): return value
        case (.choice(let cs), .string(let s)):
            guard cs.contains(s) else { throw bad() }
            return value
        case (.string(_, let rule), .string(let s)):
            if let problem = rule(s) { throw bad(problem) }
            return value
        case (.bool, .bool): return value
        case (.int(let r), .int(let i)):
            guard r.contains(i) else { throw bad("is out of range") }
            return value
        case (.double, .int(let i)):
            return try validate(.double(Double(i)), source: source)
        case (.double(let lo, let hi, let loOpen, let hiOpen), .double(let d)):
            guard d.isFinite,
                  loOpen ? d > lo : d >= lo,
                  hiOpen ? d < hi : d <= hi else { throw bad("is out of range") }
            return value
        default:
            throw ConfigError("\(source): \(dotted) must be \(constraint.allowed), not a \(value.kindName) (\(value.tomlLiteral))")
        }
    }
}

/// Every key of the training config, in the order the resolved config.toml lists them.
public enum ConfigSchema {
    public static let sections = ["data", "model", "method", "optim", "run", "eval"]

    public static let keys: [ConfigKey] = [
        // [data]
        ConfigKey("data", "dir", .string("sample-data"), .anyString, "dataset directory"),
        ConfigKey("data", "format", .string("auto"), .choice(["auto", "ucf101", "hmdb51", "folders"]), "dataset layout"),
        ConfigKey("data", "split", .int(1), .int(1...3), "official split number"),
        ConfigKey("data", "strict", .bool(false), .bool, "fail on a listed video that is missing or a class folder that cannot be read (unreadable videos are always skipped and named)"),
        ConfigKey("data", "clip_frames", .int(8), .int(1...512), "frames per clip (T)"),
        ConfigKey("data", "clip_size", .int(64), .int(8...1024), "clip height and width (H = W)"),
        ConfigKey("data", "flip", .bool(false), .bool, "random horizontal flip"),
        ConfigKey("data", "crop_min_area", .double(0.2), .double(lo: 0, hi: 1, loOpen: true), "smallest random-crop area, as a fraction of the frame"),
        ConfigKey("data", "color_jitter", .double(0.8), .double(lo: 0, hi: 1), "probability of colour jitter"),
        ConfigKey("data", "jitter_strength", .double(0.4), .double(lo: 0, hi: 1), "colour jitter range of brightness, contrast and saturation (factors in [1 − x, 1 + x])"),
        ConfigKey("data", "hue", .double(0.1), .double(lo: 0, hi: 0.5), "colour jitter hue shift range, as a fraction of a full turn (0.5 = any hue)"),
        ConfigKey("data", "grayscale", .double(0.2), .double(lo: 0, hi: 1), "probability of grayscale"),
        ConfigKey("data", "blur", .bool(false), .bool, "random Gaussian blur"),
        ConfigKey("data", "cache_dir", .string(""), .anyString, "decoded-frame cache directory (\"\" = ~/.cache/mcn-tui/frames, \"none\" = no cache)", resumable: true),
        ConfigKey("data", "cache_max_mb", .int(2048), .int(0...Int.max), "cache size limit in MB", resumable: true),
        ConfigKey("data", "prefetch", .int(2), .int(0...64), "batches decoded ahead", resumable: true),
        // [model]
        ConfigKey("model", "backbone", .string("r3d-tiny"), .choice(["r3d-tiny", "r2plus1d-tiny", "r3d-18", "r2plus1d-18"]), "backbone preset"),
        ConfigKey("model", "width", .double(1.0), .double(lo: 0, hi: 16, loOpen: true), "channel width multiplier"),
        ConfigKey("model", "layers", .string(""), .string(description: "\"\" (the preset's) or four positive integers like \"1,1,1,1\"", rule: ConfigSchema.checkLayers), "blocks per stage"),
        ConfigKey("model", "feature_dim", .int(128), .int(1...65536), "fc feature head output size"),
        ConfigKey("model", "proj_dim", .int(128), .int(1...65536), "projection size"),
        ConfigKey("model", "meta_hidden", .int(128), .int(1...65536), "meta classifier hidden size"),
        // [method]
        ConfigKey("method", "method", .string("mcn"), .choice(["mcn", "contrastive"]), "MCN or the plain contrastive baseline"),
        ConfigKey("method", "baseline_loss", .string("sets"), .choice(["sets", "batch"]),
                  "the contrastive baseline's loss: over the support and query sets apart, as MCN's (\"sets\"), or over the whole batch", absentMeans: .string("batch")),
        ConfigKey("method", "mode", .string("first-order"), .choice(["first-order", "second-order", "mldg"]), "outer gradient"),
        ConfigKey("method", "split", .string("videos"), .choice(["videos", "views"]), "how support and query sets are made"),
        ConfigKey("method", "temperature", .double(0.07), .double(lo: 0, hi: .infinity, loOpen: true), "InfoNCE temperature τ"),
        ConfigKey("method", "lambda", .double(1.0), .double(lo: 0, hi: .infinity), "meta loss weight λ"),
        ConfigKey("method", "fcm", .string("concat"), .choice(["concat", "product", "difference", "all"]), "feature combination module"),
        ConfigKey("method", "fcm_input", .string("projection"), .choice(["projection", "feature"]),
                  "what the FCM combines: the L2-normalised projections ẑ or the features h", absentMeans: .string("feature")),
        ConfigKey("method", "neg_per_pos", .int(1), .int(0...Int.max), "negative pairs per positive pair (0 = every negative pair)"),
        ConfigKey("method", "alpha1", .double(0.01), .double(lo: 0, hi: .infinity), "inner learning rate α1"),
        ConfigKey("method", "inner_clip", .double(10.0), .double(lo: 0, hi: .infinity), "inner gradient norm clip (0 = off)"),
        ConfigKey("method", "hvp_epsilon", .double(0.01), .double(lo: 0, hi: .infinity, loOpen: true), "finite-difference step of the Hessian-vector product"),
        // [optim]
        ConfigKey("optim", "optimizer", .string("sgd"), .choice(["sgd", "adam", "adamw"]), "outer optimiser"),
        ConfigKey("optim", "lr", .double(0.01), .double(lo: 0, hi: .infinity, loOpen: true), "outer learning rate α2"),
        ConfigKey("optim", "momentum", .double(0.9), .double(lo: 0, hi: 1, hiOpen: true), "SGD momentum (Adam β1)"),
        ConfigKey("optim", "weight_decay", .double(5e-4), .double(lo: 0, hi: .infinity), "weight decay"),
        ConfigKey("optim", "schedule", .string("constant"), .choice(["constant", "step", "cosine"]), "learning-rate schedule"),
        ConfigKey("optim", "warmup_steps", .int(0), .int(0...Int.max), "linear warm-up steps"),
        ConfigKey("optim", "step_size", .int(1000), .int(1...Int.max), "steps between decays of the step schedule"),
        ConfigKey("optim", "gamma", .double(0.1), .double(lo: 0, hi: 1, loOpen: true), "decay factor of the step schedule"),
        // 16: with split = "videos" each MCN set then holds 8 videos; sets of 4 were too few
        // negatives for InfoNCE to learn (BENCHMARKS.md, "Does pre-training help?").
        ConfigKey("optim", "batch_videos", .int(16), .int(2...Int.max), "videos per batch"),
        ConfigKey("optim", "blas_threads", .int(2), .int(1...256), "OpenBLAS threads", resumable: true),
        // [run]
        ConfigKey("run", "name", .string(""), .string(description: "a run name without '/' (\"\" = date and time)", rule: ConfigSchema.checkRunName), "run directory name", resumable: true),
        ConfigKey("run", "steps", .int(300), .int(1...Int.max), "total training steps", resumable: true),
        ConfigKey("run", "epochs", .int(0), .int(0...Int.max), "total epochs (0 = use steps)", resumable: true),
        ConfigKey("run", "seed", .int(1), .int(0...Int.max), "random seed"),
        ConfigKey("run", "log_every", .int(1), .int(1...Int.max), "steps between metrics rows", resumable: true),
        ConfigKey("run", "print_every", .int(10), .int(1...Int.max), "steps between headless lines", resumable: true),
        ConfigKey("run", "checkpoint_every", .int(100), .int(0...Int.max), "steps between checkpoints (0 = only at the end)", resumable: true),
        ConfigKey("run", "keep_checkpoints", .int(3), .int(1...Int.max), "checkpoints kept", resumable: true),
        ConfigKey("run", "eval_every", .int(0), .int(0...Int.max), "steps between retrieval evaluations (0 = off)", resumable: true),
        ConfigKey("run", "monitor_every", .int(50), .int(0...Int.max), "steps between cheap monitors (0 = off)", resumable: true),
        // [eval]
        ConfigKey("eval", "feature", .string("gap"), .choice(["gap", "conv5-maxpool"]), "pooled feature for evaluation", resumable: true),
        ConfigKey("eval", "clips", .int(10), .int(1...1000), "clips per video", resumable: true),
        ConfigKey("eval", "centre", .bool(false), .bool, "centre features by their set's mean (CoCLR)", resumable: true),
        ConfigKey("eval", "monitor_videos", .int(64), .int(2...100_000), "videos in the monitors' subset", resumable: true),
    ]

    /// The keys outside `present` that mean something other than their default when a recorded
    /// config lacks them (`ConfigKey.absentMeans`), with that value.
    static func absentMeanings(present: Set<String>) -> [String: ConfigValue] {
        var out: [String: ConfigValue] = [:]
        for k in keys where !present.contains(k.dotted) { if let v = k.absentMeans { out[k.dotted] = v } }
        return out
    }

    /// Keys by dotted name.
    public static let byName: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: keys.map { ($0.dotted, $0) })

    /// The known key closest to `unknown` (by edit distance on the dotted name, or on the bare
    /// name when `unknown` has no section), if any is reasonably close.
    public static func closestKey(to unknown: String) -> String? {
        let lower = unknown.lowercased()
        var best: (String, Int)? = nil
        for k in keys {
            let d = min(editDistance(lower, k.dotted), editDistance(lower, k.name) + (lower.contains(".") ? 99 : 0))
            if best == nil || d < best!.1 { best = (k.dotted, d) }
        }
        // Half the name may be wrong, but not all of a short one ('foo' is no 'method.fcm').
        guard let (name, d) = best, d <= max(1, lower.count / 2) else { return nil }
        return name
    }

    static func checkLayers(_ s: String) -> String? {
        if s.isEmpty { return nil }
        let parts = s.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        if parts.count == 4, parts.allSatisfy({ ($0 ?? 0) >= 1 }) { return nil }
        return "is not four positive integers"
    }

    static func checkRunName(_ s: String) -> String? {
        if s.contains("/") || s == "." || s == ".." || s.contains("\0") { return "is not a directory name" }
        return nil
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
