import Foundation
import MCNVideo

/// The linear probe on a dataset (trained on the training split's features, scored on the test
/// split's), as the `eval probe` command reports it.
public struct ProbeReport {
    public let training: LinearProbe.Training
    public let top1: Double
    public let top5: Double
    public let trainVideos: Int
    public let testVideos: Int
    public let classNames: [String]
    public let config: LinearProbeConfig
    public let protocolJSON: EvalJSON
    public let skipped: [String]
    public let seconds: Double
    /// Test videos whose class has no training video: no classifier can get them right (the
    /// retrieval report says the same of its queries).
    public let absentClassTests: Int

    public init(features f: SplitFeatures, dataset: VideoDataset, protocolJSON: EvalJSON,
                config: LinearProbeConfig = LinearProbeConfig()) throws {
        try f.requireBoth(dataset)
        let t0 = Date()
        let classes = dataset.classNames.count
        training = LinearProbe.train(features: f.train.features, labels: f.train.items.map(\.label), dim: f.train.dim,
                                     classes: classes, config: config)
        let scores = training.model.scores(f.test.features)
        let labels = f.test.items.map(\.label)
        top1 = LinearProbe.topK(scores, classes: classes, labels: labels, k: 1)
        top5 = LinearProbe.topK(scores, classes: classes, labels: labels, k: 5)
        trainVideos = f.train.items.count
        testVideos = f.test.items.count
        let trained = Set(f.train.items.map(\.label))
        absentClassTests = labels.filter { !trained.contains($0) }.count
        classNames = dataset.classNames
        self.config = config
        self.protocolJSON = protocolJSON
        skipped = f.skipped
        seconds = Date().timeIntervalSince(t0)
    }

    /// The `probe` section of results.json: numbers only.
    public var section: EvalJSON {
        [
            "top1": EvalJSON(top1), "top5": EvalJSON(top5),
            "train_top1": EvalJSON(training.trainTop1), "final_train_loss": EvalJSON(training.finalLoss),
            "train_videos": EvalJSON(trainVideos), "test_videos": EvalJSON(testVideos),
            "classes": EvalJSON(classNames.count), "skipped_videos": EvalJSON(skipped.count),
            "absent_class_tests": EvalJSON(absentClassTests),
        ]
    }

    /// The classifier's recipe and the skipped videos' reasons.
    public var details: EvalJSON {
        [
            "classifier": [
                "kind": "linear on L2-normalised, standardised features",
                "optimizer": "sgd", "epochs": EvalJSON(config.epochs), "lr": EvalJSON(config.lr),
                "schedule": "cosine", "momentum": EvalJSON(config.momentum),
                "weight_decay": EvalJSON(config.weightDecay), "batch_size": EvalJSON(config.batchSize),
                "seed": EvalJSON(Int(config.seed)),
            ],
            "skipped": EvalJSON(skipped),
        ]
    }

    /// The `--json` output.
    public var json: EvalJSON { section.merging(["protocol": protocolJSON]).merging(details) }

    public var table: String {
        var s = "linear probe: \(trainVideos) training videos, \(testVideos) test videos, \(classNames.count) classes, \(config.epochs) epochs\n"
        s += String(format: "  top-1 %5.1f%%   top-5 %5.1f%%   (training top-1 %5.1f%%, final loss %.3f)\n",
                    100 * top1, 100 * top5, 100 * training.trainTop1, training.finalLoss)
        if absentClassTests > 0 {
            s += "\(absentClassTests) test video\(absentClassTests == 1 ? " has a class" : "s have classes") with no training video (counted as misses)\n"
        }
        return s
    }
}
