import ArgumentParser
import Foundation
import MCNTrain
import MCNVideo

/// `mcn-tui eval retrieval`: video retrieval R@k (gallery = training split, queries = test split).
struct EvalRetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Retrieval R@1/5/10/20/50 of a checkpoint (or random weights): test-split queries against the training split, cosine similarity of clip-averaged features.")

    @OptionGroup var options: EvalModelOptions

    @Option(help: "Also save the features: DIR/train.npy and DIR/test.npy (float32 [videos, dim]), each with a .json of video paths, labels and class names.")
    var saveFeatures: String?

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
            let proto = evalProtocol(model, dataset: dataset, extractor: extractor)
            let report = try RetrievalReport(features: features, dataset: dataset, protocolJSON: proto, centre: model.config.eval.centre)
            if options.json {
                print(report.json.merging(.object(evalSource(model))).text())
            } else {
                print(report.table, terminator: "")
                print(String(format: "features extracted in %.1f s", features.seconds))
            }
            if let dir = saveFeatures { try save(features, dataset: dataset, proto: proto, to: dir) }
            try options.saveResults(model, section: "retrieval", figures: report.section, protocol: proto, details: report.details)
        }
    }

    func save(_ f: SplitFeatures, dataset: VideoDataset, proto: EvalJSON, to dir: String) throws {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw FileError("\(dir): cannot create the features directory")
        }
        var info: [String: String] = [:]
        if case .object(let o) = proto { for (k, v) in o { info[k] = v.text(indent: nil).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } }
        for (out, name) in [(f.train, "train"), (f.test, "test")] {
            let meta = FeatureSetInfo(videos: out.items.map(\.relativeName), labels: out.items.map(\.label), classNames: dataset.classNames,
                                      feature: info["feature"] ?? "", dim: out.dim, clips: Int(info["clips"] ?? "") ?? 0, protocolInfo: info)
            let paths = try FeatureFiles.save(features: out.features, info: meta, to: "\(dir)/\(name)")
            printError("features saved: \(paths.npy), \(paths.json)")
        }
    }
}
