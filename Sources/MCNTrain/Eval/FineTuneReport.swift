import Foundation

/// The `finetune` section of results.json and its text form.
public struct FineTuneReport {
    public let result: FineTuneResult
    public let config: FineTuneConfig
    public let augmentation: String
    public let protocolJSON: EvalJSON

    public init(result: FineTuneResult, config: FineTuneConfig, augmentation: String, protocolJSON: EvalJSON) {
        self.result = result; self.config = config; self.augmentation = augmentation; self.protocolJSON = protocolJSON
    }

    /// The `finetune` section of results.json: numbers only.
    public var section: EvalJSON {
        let r = result
        var o: [String: EvalJSON] = [
            "top1": EvalJSON(r.testTop1), "top5": EvalJSON(r.testTop5), "best_step": EvalJSON(r.bestStep),
            "steps": EvalJSON(config.steps), "train_videos": EvalJSON(r.trainVideos),
            "validation_videos": EvalJSON(r.validationVideos), "test_videos": EvalJSON(r.testVideos),
            "skipped_videos": EvalJSON(r.skipped.count), "seconds": EvalJSON(r.seconds),
        ]
        if let v = r.bestValidationTop1 { o["best_validation_top1"] = EvalJSON(v) }
        return .object(o)
    }

    /// The recipe, the validation checks and the skipped videos' reasons.
    public var details: EvalJSON {
        [
            "checks": .array(result.checks.map { c in
                ["step": EvalJSON(c.step), "train_loss": EvalJSON(c.trainLoss),
                 "validation_top1": c.validationTop1.map { EvalJSON($0) } ?? .null,
                 "validation_loss": c.validationLoss.map { EvalJSON($0) } ?? .null]
            }),
            "recipe": [
                "head": "new fc on the globally average-pooled backbone", "loss": "cross-entropy",
                "optimizer": "sgd", "momentum": EvalJSON(config.momentum), "weight_decay": EvalJSON(config.weightDecay),
                "lr": EvalJSON(config.lr), "schedule": "cosine", "warmup_steps": EvalJSON(config.warmupSteps),
                "steps": EvalJSON(config.steps), "batch_videos": EvalJSON(config.batchVideos),
                "validation_fraction": EvalJSON(config.validationFraction), "validate_every": EvalJSON(config.validateEvery),
                "augmentation": .string(augmentation), "seed": EvalJSON(Int(config.seed)),
                "scoring": .string("softmax averaged over \(config.clips) centre-cropped clips, BatchNorm running statistics"),
            ],
            "skipped": EvalJSON(result.skipped),
        ]
    }

    /// The `--json` output.
    public var json: EvalJSON { section.merging(["protocol": protocolJSON]).merging(details) }

    public var table: String {
        let r = result
        var s = "fine-tuning: \(r.trainVideos) training videos, \(r.validationVideos) validation, \(r.testVideos) test, \(config.steps) steps\n"
        s += String(format: "  top-1 %5.1f%%   top-5 %5.1f%%   (state of step %d", 100 * r.testTop1, 100 * r.testTop5, r.bestStep)
        if let v = r.bestValidationTop1 { s += String(format: ", validation top-1 %.1f%%", 100 * v) }
        s += String(format: "; %.0f s)\n", r.seconds)
        return s
    }
}
