import Foundation
import MCNModel
import MCNTensor
import MCNVideo

/// Retrieval and monitors on a video dataset, for the engine: gallery = training split, queries
/// = test split (the VCOP protocol), and a fixed small subset of both for the cheap monitors.
public final class DatasetEvaluator: RunEvaluator {
    public let dataset: VideoDataset
    public let pipeline: VideoPipeline
    let clipFrames, clipSize, clips: Int
    let feature: EvalFeature
    let centre: Bool
    let monitorGallery: [VideoItem]
    let monitorQueries: [VideoItem]
    /// Neighbours kept per query for the browser.
    public var neighboursShown = 10
    /// Asked between videos: true stops an evaluation (the run is stopping), which then throws
    /// `EvaluationStopped`.
    public var shouldStop: (() -> Bool)?

    /// An evaluation ended early because the run is stopping.
    public struct EvaluationStopped: Error, CustomStringConvertible {
        public var description: String { "the run is stopping" }
    }

    public init(dataset: VideoDataset, pipeline: VideoPipeline, config: RunConfig) {
        self.dataset = dataset
        self.pipeline = pipeline
        clipFrames = config.data.clipFrames
        clipSize = config.data.clipSize
        clips = config.eval.clips
        feature = EvalFeature(rawValue: config.eval.feature) ?? .gap
        centre = config.eval.centre
        var rng = RNG.derived(seed: UInt64(config.run.seed), 0x3017)
        let half = max(1, config.eval.monitorVideos / 2)
        monitorGallery = rng.permutation(dataset.train.count).prefix(half).sorted().map { dataset.train[$0] }
        monitorQueries = rng.permutation(dataset.test.count).prefix(half).sorted().map { dataset.test[$0] }
    }

    func extractor(_ network: MCNNetwork, _ theta: Slab, _ buffers: Slab, clips: Int, thumbnails: Bool) -> FeatureExtractor {
        var e = FeatureExtractor(network: network, theta: theta, buffers: buffers, pipeline: pipeline,
                                 clipFrames: clipFrames, clipSize: clipSize)
        e.clips = clips
        e.feature = feature
        e.thumbnailSize = thumbnails ? 16 : 0
        e.shouldStop = shouldStop
        return e
    }

    public func retrieval(network: MCNNetwork, theta: Slab, buffers: Slab, step: Int) throws -> RetrievalSummary {
        let ex = extractor(network, theta, buffers, clips: clips, thumbnails: true)
        let g = ex.extract(dataset.train), q = ex.extract(dataset.test)
        if g.stopped || q.stopped { throw EvaluationStopped() }
        guard !g.items.isEmpty, !q.items.isEmpty else {
            throw Retrieval.InputError(description: "retrieval: no readable videos in the \(g.items.isEmpty ? "training" : "test") split")
        }
        let r = try Retrieval.evaluate(queries: q.features, gallery: g.features, dim: g.dim,
                                       queryLabels: q.items.map(\.label), galleryLabels: g.items.map(\.label), centre: centre)
        let queries = q.items.enumerated().map { i, item in
            RetrievalQuery(video: item.relativeName, className: item.className,
                           neighbours: r.neighbours(ofQuery: i).prefix(neighboursShown).map { n in
                               let gi = g.items[n.index]
                               return Neighbour(video: gi.relativeName, className: gi.className,
                                                similarity: Double(n.similarity), hit: gi.label == item.label)
                           })
        }
        return RetrievalSummary(step: step, recall: r.recall, queries: queries,
                                thumbnails: g.thumbnails.merging(q.thumbnails) { a, _ in a })
    }

    public func monitors(network: MCNNetwork, theta: Slab, buffers: Slab, step: Int) throws -> [String: Double] {
        let ex = extractor(network, theta, buffers, clips: 2, thumbnails: false)
        let g = ex.extract(monitorGallery), q = ex.extract(monitorQueries)
        if g.stopped || q.stopped { throw EvaluationStopped() }
        guard g.items.count > 1, g.dim > 0 else { return [:] }
        var m: [String: Double] = [:]
        m["knn_top1"] = Monitors.knnTop1(features: g.features, labels: g.items.map(\.label), dim: g.dim)
        if !q.items.isEmpty {
            let r = try Retrieval.evaluate(queries: q.features, gallery: g.features, dim: g.dim,
                                           queryLabels: q.items.map(\.label), galleryLabels: g.items.map(\.label), ks: [1])
            m["monitor_R@1"] = r.recall[1]
        }
        let c = Monitors.collapse(features: g.features + q.features, rows: g.items.count + q.items.count, dim: g.dim)
        m["embedding_std"] = c.std
        m["embedding_std_ref"] = c.reference
        return m
    }
}
