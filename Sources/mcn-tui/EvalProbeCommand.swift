import ArgumentParser
import Foundation
import MCNTrain

/// `mcn-tui eval probe`: a linear classifier on frozen video-level features.
struct EvalProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Linear probe of a checkpoint (or random weights): a linear classifier trained on the training split's frozen features, video-level top-1/top-5 on the test split.")

    @OptionGroup var options: EvalModelOptions

    @Option(help: "Epochs over the cached training features.")
    var epochs = 300

    @Option(help: "Base learning rate (cosine schedule).")
    var lr = 0.1

    @Option(help: "Weight decay.")
    var weightDecay = 1e-4

    @Option(help: "Mini-batch size.")
    var batchSize = 64

    func validate() throws {
        try refuseFirst([
            (epochs >= 1, "--epochs \(epochs)", "at least 1"),
            (lr > 0 && lr.isFinite, "--lr \(lr)", "positive"),
            (weightDecay >= 0 && weightDecay.isFinite, "--weight-decay \(weightDecay)", "0 or more"),
            (batchSize >= 1, "--batch-size \(batchSize)", "at least 1"),
        ])
    }

    func run() throws {
        try runEval {
            let model = try options.loadModel()
            let dataset = try options.openData(model)
            let extractor = model.extractor(pipeline: try model.pipeline())
            printError("probe: \(model.source), feature \(extractor.feature.rawValue), \(extractor.clips) clips of \(extractor.clipFrames)×\(extractor.clipSize)×\(extractor.clipSize)")
            let (features, _) = SplitFeaturesCache.features(model, extractor, dataset: dataset, useCache: !options.freshFeatures,
                                                             progress: { printError($0) })
            if let line = skippedLine(features.skipped) { printError(line) }
            var config = LinearProbeConfig()
            config.epochs = epochs; config.lr = lr; config.weightDecay = weightDecay; config.batchSize = batchSize
            config.seed = UInt64(model.config.run.seed)
            let proto = evalProtocol(model, dataset: dataset, extractor: extractor)
            let report = try ProbeReport(features: features, dataset: dataset, protocolJSON: proto, config: config)
            if options.json {
                print(report.json.merging(.object(evalSource(model))).text())
            } else {
                print(report.table, terminator: "")
                print(String(format: "features extracted in %.1f s, probe trained in %.1f s", features.seconds, report.seconds))
            }
            try options.saveResults(model, section: "probe", figures: report.section, protocol: proto, details: report.details)
        }
    }
}
