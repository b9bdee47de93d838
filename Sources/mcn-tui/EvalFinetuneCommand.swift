import ArgumentParser
import Foundation
import MCNTrain
import MCNVideo

/// `mcn-tui eval finetune`: the backbone with a new fc, trained end to end on the dataset's labels.
struct EvalFinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a checkpoint (or random weights: the supervised-from-scratch bound) with a new fc; video-level top-1 on the test split from 10 clips' averaged scores.")

    @OptionGroup var options: EvalModelOptions

    @Option(help: "Training steps.")
    var steps = 300

    @Option(help: "Base learning rate (warm-up, then cosine).")
    var lr = FineTuneConfig().lr

    @Option(help: "Videos per batch (one augmented clip each).")
    var batchVideos = FineTuneConfig().batchVideos

    @Option(help: "Weight decay.")
    var weightDecay = 5e-4

    @Option(help: "Share of each class's training videos held out for model selection.")
    var validation = 0.1

    @Option(help: "Steps between validations.")
    var validateEvery = 50

    // 0.8 lifted supervised r3d-tiny on the sample data from 63.5 / 57.3% to 74.0 / 68.8% test
    // top-1 (300 steps, seeds 1 / 2; BENCHMARKS.md): colour is a nuisance there, as in real video.
    @Option(help: "Probability of colour jitter on a training clip (brightness, contrast, saturation 0.4, hue 0.1; 0: no colour changes).")
    var colourJitter: Float = 0.8

    /// Each refusal names its flag and value (one list of every rule named none).
    func validate() throws {
        try refuseFirst([
            (steps >= 1, "--steps \(steps)", "at least 1"),
            (lr > 0 && lr.isFinite, "--lr \(lr)", "positive"),
            (batchVideos >= 1, "--batch-videos \(batchVideos)", "at least 1"),
            (weightDecay >= 0 && weightDecay.isFinite, "--weight-decay \(weightDecay)", "0 or more"),
            ((0..<1).contains(validation), "--validation \(validation)", "in [0, 1)"),
            (validateEvery >= 1, "--validate-every \(validateEvery)", "at least 1"),
            ((0...1).contains(colourJitter), "--colour-jitter \(colourJitter)", "in [0, 1]"),
        ])
    }

    func run() throws {
        try runEval {
            let model = try options.loadModel()
            let dataset = try options.openData(model)
            let pipeline = try model.pipeline(log: { printError($0) })
            var config = FineTuneConfig()
            config.steps = steps; config.lr = lr; config.batchVideos = batchVideos; config.weightDecay = weightDecay
            config.validationFraction = validation; config.validateEvery = validateEvery
            config.clips = model.config.eval.clips
            config.seed = UInt64(model.config.run.seed)
            config.warmupSteps = min(config.warmupSteps, steps / 10)
            let aug = fineTuneAugmentation(model.config, dataset: dataset, colourJitter: colourJitter)
            let c = model.config.data
            printError("finetune: \(model.source), clips \(c.clipFrames)×\(c.clipSize)×\(c.clipSize)")
            let tuner = try FineTuner(network: model.network, theta: model.theta, buffers: model.buffers, dataset: dataset,
                                      pipeline: pipeline, clipFrames: c.clipFrames, clipSize: c.clipSize,
                                      augmentation: aug, config: config)
            let result = try tuner.run(progress: { printError($0) })
            let extractor = model.extractor(pipeline: pipeline)
            let proto = evalProtocol(model, dataset: dataset, extractor: extractor)
            let colourText = aug.jitterProbability > 0
                ? String(format: "colour jitter p %.2f (hue %.2f)", aug.jitterProbability, aug.hue) : "no colour changes"
            let augText = String(format: "random resized crop (area %.2f–1), ", aug.cropAreaMin)
                + "flip \(aug.flip ? "on" : "off"), \(colourText); one clip per video per step"
            let report = FineTuneReport(result: result, config: config, augmentation: augText, protocolJSON: proto)
            if options.json { print(report.json.merging(.object(evalSource(model))).text()) } else { print(report.table, terminator: "") }
            try options.saveResults(model, section: "finetune", figures: report.section, protocol: proto, details: report.details)
        }
    }
}
