import Foundation
import MCNVideo

/// Video-level features of a dataset's training split (the retrieval gallery, the probe's
/// training rows) and test split (queries, probe test rows), extracted once.
public struct SplitFeatures {
    public let train: FeatureExtractor.Output
    public let test: FeatureExtractor.Output
    public let seconds: Double

    /// Extracts both splits with `extractor`; `progress` gets a line every `every` videos.
    public static func extract(_ extractor: FeatureExtractor, dataset: VideoDataset, every: Int = 25,
                               progress: ((String) -> Void)? = nil) -> SplitFeatures {
        let t0 = Date()
        func run(_ items: [VideoItem], _ name: String) -> FeatureExtractor.Output {
            var out = FeatureExtractor.Output(features: [], dim: 0, items: [], skipped: [], thumbnails: [:])
            for start in stride(from: 0, to: items.count, by: max(1, every)) {
                let part = extractor.extract(Array(items[start..<min(items.count, start + every)]))
                out.features += part.features
                out.items += part.items
                out.skipped += part.skipped
                if part.dim > 0 { out.dim = part.dim }
                let done = min(items.count, start + every)
                progress?(String(format: "features: %@ %d/%d videos (%.0f s)", name, done, items.count, Date().timeIntervalSince(t0)))
            }
            return out
        }
        let train = run(dataset.train, "train")
        let test = run(dataset.test, "test")
        return SplitFeatures(train: train, test: test, seconds: Date().timeIntervalSince(t0))
    }

    /// Every skipped video's reason, train split first.
    public var skipped: [String] { train.skipped + test.skipped }

    /// Throws a one-line error when a split has no readable video.
    public func requireBoth(_ dataset: VideoDataset) throws {
        for (out, name, listed) in [(train, "training", dataset.train.count), (test, "test", dataset.test.count)] where out.items.isEmpty {
            throw FileError("\(dataset.root): no readable video in the \(name) split (\(listed) listed and present, \(out.skipped.count) unreadable)")
        }
    }
}

/// How an evaluation was made, recorded as results.json's `protocol` (scalars only, the same
/// keys from every command, so `eval compare` lines runs up key by key). Which weights were
/// evaluated is provenance, not protocol: see `evalSource`.
public func evalProtocol(_ model: EvalModel, dataset: VideoDataset, extractor: FeatureExtractor) -> EvalJSON {
    [
        // Absolute: `--checkpoint random` found the sample data as "sample-data", trained runs record
        // it absolute, and `eval compare` called the two different datasets.
        "dataset": .string(absolutePath(dataset.root)), "format": .string(dataset.format.rawValue), "split": EvalJSON(dataset.split),
        "clips": EvalJSON(extractor.clips), "clip_frames": EvalJSON(extractor.clipFrames),
        "clip_size": EvalJSON(extractor.clipSize), "crop": "centre", "clip_starts": "uniform",
        "feature": .string(extractor.feature.rawValue), "centre": .bool(model.config.eval.centre),
        "batchnorm": "running statistics", "clip_aggregation": "mean",
        "backbone": .string(model.config.model.backbone), "width": EvalJSON(model.config.model.width),
        "step": model.step.map { EvalJSON($0) } ?? "random",
    ]
}

/// Which weights were evaluated, and when.
public func evalSource(_ model: EvalModel) -> [String: EvalJSON] {
    var o: [String: EvalJSON] = ["weights": .string(model.source), "evaluated_at": .string(TrainLog.timestamp())]
    if let step = model.step { o["step"] = EvalJSON(step) }
    return o
}

extension EvalJSON {
    /// The keys of two objects together (`other` wins); non-objects give `self`.
    public func merging(_ other: EvalJSON) -> EvalJSON {
        guard case .object(let a) = self, case .object(let b) = other else { return self }
        return .object(a.merging(b) { _, new in new })
    }
}
