import ArgumentParser
import Foundation
import MCNTrain

/// `mcn-tui eval retrieval`: video retrieval R@k (gallery = training split, queries = test split).
struct EvalRetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Retrieval R@1/5/10/20/50 of a checkpoint (or random weights): test-split queries against the training split, cosine similarity of clip-averaged features.")

    @OptionGroup var options: EvalModelOptions

    func run() throws {
        try runEval {
            let model = try options.loadModel()
            let dataset = try options.openData(model)
            let pipeline = try model.pipeline()
            let extractor = model.extractor(pipeline: pipeline)
            printError("retrieval: \(model.source), feature \(extractor.feature.rawValue), \(extractor.clips) clips of \(extractor.clipFrames)×\(extractor.clipSize)×\(extractor.clipSize)")
            let (features, _) = SplitFeaturesCache.features(model, extractor, dataset: dataset, useCache: !options.freshFeatures,
                                                             progress: { printError($0) })
            if let line = skippedLine(features.skipped) { printError(line) }
            let proto = evalProtocol(model, dataset: dataset, extractor: extractor, centre: model.config.eval.centre)
            let report = try RetrievalReport(features: features, dataset: dataset, protocolJSON: proto, centre: model.config.eval.centre)
            if options.json {
                print(report.json.text())
            } else {
                print(report.table, terminator: "")
                print(String(format: "features extracted in %.1f s", features.seconds))
            }
            try options.saveResults(model, ["retrieval": report.json, "protocol": proto])
        }
    }
}
