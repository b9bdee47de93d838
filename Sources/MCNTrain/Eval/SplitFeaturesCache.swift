import Foundation
import MCNVideo

/// Split features kept in the run directory (`features/<key>.json`), so `eval retrieval` and
/// `eval probe` of one model extract them once. The key covers the weights (file, step,
/// modification time), the network's config and the protocol (feature, clips, clip shape,
/// dataset, split).
public enum SplitFeaturesCache {
    struct Stored: Codable {
        var key: String
        var dim: Int
        var trainItems: [VideoItem]
        var trainFeatures: [Float]
        var trainSkipped: [String]
        var testItems: [VideoItem]
        var testFeatures: [Float]
        var testSkipped: [String]
        var seconds: Double
    }

    /// The cache key of `model`'s features under `extractor`'s protocol on `dataset`.
    public static func key(_ model: EvalModel, _ extractor: FeatureExtractor, _ dataset: VideoDataset) -> String {
        let mtime = (try? FileManager.default.attributesOfItem(atPath: model.source)[.modificationDate] as? Date)?
            .map { String($0.timeIntervalSince1970) } ?? "-"
        let text = [model.source, model.step.map(String.init) ?? "random", mtime, model.config.hash,
                    extractor.feature.rawValue, "\(extractor.clips)", "\(extractor.clipFrames)x\(extractor.clipSize)",
                    dataset.root, dataset.format.rawValue, "\(dataset.split)",
                    "\(dataset.train.count)/\(dataset.test.count)"].joined(separator: "|")
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(format: "%016llx", h)
    }

    public static func path(_ model: EvalModel, key: String) -> String { "\(model.run.path)/features/\(key).json" }

    /// The cached features when present and matching, else extracted now and stored (a store
    /// that fails is only reported through `progress`).
    public static func features(_ model: EvalModel, _ extractor: FeatureExtractor, dataset: VideoDataset,
                                useCache: Bool = true, progress: ((String) -> Void)? = nil) -> (SplitFeatures, cached: Bool) {
        let k = key(model, extractor, dataset), p = path(model, key: k)
        if useCache, let data = FileManager.default.contents(atPath: p),
           let s = try? JSONDecoder().decode(Stored.self, from: data), s.key == k {
            progress?("features: reusing \(p)")
            let f = SplitFeatures(train: .init(features: s.trainFeatures, dim: s.dim, items: s.trainItems, skipped: s.trainSkipped, thumbnails: [:]),
                                  test: .init(features: s.testFeatures, dim: s.dim, items: s.testItems, skipped: s.testSkipped, thumbnails: [:]),
                                  seconds: 0)
            return (f, true)
        }
        let f = SplitFeatures.extract(extractor, dataset: dataset, progress: progress)
        guard useCache else { return (f, false) }
        let s = Stored(key: k, dim: max(f.train.dim, f.test.dim), trainItems: f.train.items, trainFeatures: f.train.features,
                       trainSkipped: f.train.skipped, testItems: f.test.items, testFeatures: f.test.features,
                       testSkipped: f.test.skipped, seconds: f.seconds)
        do {
            try FileManager.default.createDirectory(atPath: "\(model.run.path)/features", withIntermediateDirectories: true)
            try AtomicFile.write(try JSONEncoder().encode(s), to: p)
        } catch {
            progress?("warning: could not keep the features in \(p): \(error)")
        }
        return (f, false)
    }
}
