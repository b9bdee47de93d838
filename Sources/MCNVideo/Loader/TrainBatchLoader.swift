import Foundation
import MCNTensor
import Synchronization

/// Where a loader is: the next batch is number `batch` of epoch `epoch`'s permutation.
public struct LoaderPosition: Sendable, Codable, Equatable {
    public var epoch: Int
    public var batch: Int
    public init(epoch: Int = 0, batch: Int = 0) { self.epoch = epoch; self.batch = batch }
}

/// One training batch: V augmented views of each of N videos.
public struct TrainBatch: @unchecked Sendable {
    /// [N*V, 3, T, S, S] float32, normalised; video-major: index = video*V + view.
    public var clips: Tensor
    /// Relative names and labels of the N videos.
    public var videoNames: [String]
    public var labels: [Int]
    public var epoch: Int
    /// Position of this batch (restore it to get this batch again).
    public var position: LoaderPosition
    /// Seconds `next()` waited for this batch (0 when the prefetch had it ready).
    public var waitSeconds: Double
}

/// How training batches are cut.
public struct TrainLoaderConfig: Sendable, Codable, Equatable {
    public var clipFrames = 8
    public var size = 64
    public var viewsPerVideo = 2
    public var batchVideos = 16
    public var augmentation = AugmentationConfig.standard
    public var seed: UInt64 = 0
    public init(clipFrames: Int = 8, size: Int = 64, viewsPerVideo: Int = 2, batchVideos: Int = 16,
                augmentation: AugmentationConfig = .standard, seed: UInt64 = 0) {
        self.clipFrames = clipFrames; self.size = size; self.viewsPerVideo = viewsPerVideo
        self.batchVideos = batchVideos; self.augmentation = augmentation; self.seed = seed
    }
}

/// Training batches, assembled on a background queue while the current one trains.
///
/// Each epoch visits the videos in a permutation drawn from (seed, epoch); batch b takes the
/// videos at positions b·N ..< (b+1)·N (the last partial batch is dropped). Every random choice
/// of a batch (clip starts, crops, colours) comes from (seed, epoch, batch, slot), so a loader
/// restored to a position returns exactly the batches an uninterrupted one would have. An
/// unreadable video is skipped (counted and logged once) and its slot filled by the next
/// readable video after the batch in the permutation.
public final class TrainBatchLoader: @unchecked Sendable {
    public let items: [VideoItem]
    public let config: TrainLoaderConfig
    public let pipeline: VideoPipeline
    /// Batches in one epoch (at least 1).
    public let batchesPerEpoch: Int

    private let queue = DispatchQueue(label: "mcn.video.prefetch", qos: .userInitiated)
    private let lock = NSLock()
    private var nextPosition: LoaderPosition
    private var prefetch: Prefetch?
    private var permutationCache: (epoch: Int, order: [Int])?
    private let permLock = NSLock()

    private final class Prefetch: @unchecked Sendable {
        let position: LoaderPosition
        let done = DispatchSemaphore(value: 0)
        var result: Result<TrainBatch, Error>?
        init(_ p: LoaderPosition) { position = p }
    }

    /// `items`: the training videos; `pipeline`: frames (with or without the disk cache).
    public init(items: [VideoItem], config: TrainLoaderConfig, pipeline: VideoPipeline,
                position: LoaderPosition = LoaderPosition()) throws {
        guard !items.isEmpty else {
            throw VideoError(.dataset, path: "(training set)", "no training videos to load")
        }
        self.items = items
        self.config = config
        self.pipeline = pipeline
        batchesPerEpoch = max(1, items.count / config.batchVideos)
        nextPosition = position
    }

    /// Convenience: a pipeline with the frame cache sized for `config.size`.
    public convenience init(items: [VideoItem], config: TrainLoaderConfig, cache: FrameCache?,
                            position: LoaderPosition = LoaderPosition(),
                            log: (@Sendable (String) -> Void)? = nil) throws {
        let p = VideoPipeline(cache: cache, shortSide: FrameCache.shortSide(forCrop: config.size), log: log)
        try self.init(items: items, config: config, pipeline: p, position: position)
    }

    /// The position of the batch the next `next()` returns: save it with a checkpoint.
    public var position: LoaderPosition { lock.withLock { nextPosition } }

    /// Continues from `position` (e.g. from a checkpoint); a batch being prefetched is dropped.
    public func restore(_ position: LoaderPosition) {
        lock.withLock { nextPosition = position; prefetch = nil }
    }

    public var stats: PipelineStats { pipeline.stats }

    /// The next batch; blocks only when the prefetch hasn't finished it. Throws when no video of
    /// the training set can be read.
    public func next() throws -> TrainBatch {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let (pos, pending) = lock.withLock { () -> (LoaderPosition, Prefetch?) in
            let p = nextPosition
            let f = prefetch?.position == p ? prefetch : nil
            prefetch = nil
            return (p, f)
        }
        var result: Result<TrainBatch, Error>
        if let pending {
            pending.done.wait()
            result = pending.result!
        } else {
            result = Result { try makeBatch(pos) }
        }
        let waited = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let following = advance(pos)
        lock.withLock { nextPosition = following }
        startPrefetch(following)
        var batch = try result.get()
        batch.waitSeconds = waited
        return batch
    }

    /// The batch at `position`, made now on the calling thread (no prefetch, position unchanged).
    public func batch(at position: LoaderPosition) throws -> TrainBatch { try makeBatch(position) }

    private func advance(_ p: LoaderPosition) -> LoaderPosition {
        p.batch + 1 >= batchesPerEpoch ? LoaderPosition(epoch: p.epoch + 1, batch: 0)
                                       : LoaderPosition(epoch: p.epoch, batch: p.batch + 1)
    }

    private func startPrefetch(_ p: LoaderPosition) {
        let f = Prefetch(p)
        lock.withLock { prefetch = f }
        queue.async { [self] in
            f.result = Result { try makeBatch(p) }
            f.done.signal()
        }
    }

    private func order(epoch: Int) -> [Int] {
        permLock.withLock {
            if let c = permutationCache, c.epoch == epoch { return c.order }
            var rng = RNG.derived(seed: config.seed, 0x5EED, epoch)
            let o = rng.permutation(items.count)
            permutationCache = (epoch, o)
            return o
        }
    }

    // batch clips: [N*V, 3, T, S, S]
    private func makeBatch(_ pos: LoaderPosition) throws -> TrainBatch {
        let n = config.batchVideos, views = config.viewsPerVideo, t = config.clipFrames, s = config.size
        let perm = order(epoch: pos.epoch)
        let clips = Tensor(uninitialized: [n * views, 3, t, s, s])
        let clipSize = 3 * t * s * s
        var names: [String] = [], labels: [Int] = []
        var used = Set<Int>()
        var spare = (pos.batch + 1) * n // where replacements for unreadable videos come from
        // A training set smaller than a batch (or with too few readable videos) repeats videos.
        var allowRepeats = items.count < n
        for slot in 0..<n {
            var candidate = perm[(pos.batch * n + slot) % perm.count]
            var tries = 0
            while true {
                if allowRepeats || !used.contains(candidate), let v = try? pipeline.video(items[candidate], clipFrames: t) {
                    var rng = RNG.derived(seed: config.seed, pos.epoch, pos.batch, slot)
                    for view in 0..<views {
                        let start = ClipSampler.randomStart(frameCount: v.count, clipFrames: t, rng: &rng)
                        let idx = ClipSampler.indices(start: start, clipFrames: t, frameCount: v.count,
                                                      mode: pipeline.shortVideoMode)
                        let tr = ClipTransform.random(config.augmentation, sourceWidth: v.width,
                                                      sourceHeight: v.height, rng: &rng)
                        ClipRenderer.render(video: v, indices: idx, transform: tr, size: s,
                                            mean: config.augmentation.mean, std: config.augmentation.std,
                                            into: clips.pointer + (slot * views + view) * clipSize)
                    }
                    used.insert(candidate)
                    names.append(items[candidate].relativeName)
                    labels.append(items[candidate].label)
                    break
                }
                tries += 1
                if tries > items.count && !allowRepeats {
                    allowRepeats = true
                    tries = 0
                } else if tries > items.count {
                    throw VideoError(.dataset, path: items[candidate].path,
                                     "no readable training video left to fill a batch (\(pipeline.stats.skippedVideos) skipped)")
                }
                candidate = perm[spare % perm.count]
                spare += 1
            }
        }
        return TrainBatch(clips: clips, videoNames: names, labels: labels, epoch: pos.epoch,
                          position: pos, waitSeconds: 0)
    }
}
