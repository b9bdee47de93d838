import MCNTensor

/// One training batch: V views of each of N videos, video-major (row = video·V + view).
public struct TrainingBatch {
    // clips: [N·V, 3, T, H, W]
    public var clips: Tensor
    public var videoNames: [String]
    public var labels: [Int]
    public var epoch: Int
    /// Seconds `next()` blocked waiting for this batch.
    public var waitSeconds: Double

    public init(clips: Tensor, videoNames: [String], labels: [Int], epoch: Int, waitSeconds: Double) {
        self.clips = clips; self.videoNames = videoNames; self.labels = labels
        self.epoch = epoch; self.waitSeconds = waitSeconds
    }
}

/// Counters of the input pipeline, for the system panel.
public struct DataStats: Sendable, Equatable {
    public var skippedVideos = 0
    public var cacheHits = 0
    public var cacheMisses = 0
    public var decodeSeconds = 0.0
    public init() {}
}

/// Where training batches come from. Its batches must be a function of (seed, position) only, so
/// a resumed run sees the same batches as an uninterrupted one.
public protocol TrainingData: AnyObject {
    var videosPerBatch: Int { get }
    var viewsPerVideo: Int { get }
    var stepsPerEpoch: Int { get }
    /// One line: classes, videos, skipped.
    var summary: String { get }
    /// The position of the next batch.
    var position: DataPosition { get }
    /// Makes the next batch the one at `position`.
    func seek(to position: DataPosition)
    func next() throws -> TrainingBatch
    var stats: DataStats { get }
    /// Log lines the pipeline wants shown (skipped videos, padded clips), drained by the engine.
    func drainMessages() -> [String]
}

/// Random clips of random "videos", for tests and benchmarks that need no decoder.
public final class SyntheticTrainingData: TrainingData {
    public let videosPerBatch: Int
    public let viewsPerVideo: Int
    public let stepsPerEpoch: Int
    let clipShape: [Int]  // [3, T, H, W]
    let seed: UInt64
    public private(set) var position = DataPosition(epoch: 0, index: 0)

    public init(videosPerBatch: Int, viewsPerVideo: Int, clipShape: [Int], stepsPerEpoch: Int = 10, seed: UInt64 = 1) {
        self.videosPerBatch = videosPerBatch; self.viewsPerVideo = viewsPerVideo
        self.clipShape = clipShape; self.stepsPerEpoch = stepsPerEpoch; self.seed = seed
    }

    public var summary: String { "synthetic: \(videosPerBatch * stepsPerEpoch) videos of \(clipShape)" }
    public var stats: DataStats { DataStats() }
    public func seek(to position: DataPosition) { self.position = position }
    public func drainMessages() -> [String] { [] }

    public func next() throws -> TrainingBatch {
        var rng = RNG.derived(seed: seed, position.epoch, position.index)
        // Each video is a random base pattern; its views add small independent noise, so the
        // contrastive task is learnable.
        let per = clipShape.reduce(1, *)
        let clips = Tensor(uninitialized: [videosPerBatch * viewsPerVideo] + clipShape)
        for v in 0..<videosPerBatch {
            let base = (0..<per).map { _ in rng.normal() }
            for view in 0..<viewsPerVideo {
                let p = clips.pointer + (v * viewsPerVideo + view) * per
                for i in 0..<per { p[i] = base[i] + 0.3 * rng.normal() }
            }
        }
        let first = position.index * videosPerBatch
        let batch = TrainingBatch(clips: clips, videoNames: (0..<videosPerBatch).map { "synthetic-\(first + $0)" },
                                  labels: Array(repeating: 0, count: videosPerBatch), epoch: position.epoch, waitSeconds: 0)
        position.index += 1
        if position.index >= stepsPerEpoch { position = DataPosition(epoch: position.epoch + 1, index: 0) }
        return batch
    }
}
