import Foundation
import MCNTensor
import MCNVideo

/// Training batches from a video dataset: the video pipeline's prefetching loader behind the
/// engine's `TrainingData`.
public final class VideoTrainingData: TrainingData, @unchecked Sendable {
    public let dataset: VideoDataset
    public let loader: TrainBatchLoader
    private let messages = MessageChannel<String>()

    init(dataset: VideoDataset, config: RunConfig, viewsPerVideo: Int) throws {
        self.dataset = dataset
        let d = config.data
        // The config's data.* keys set the recipe (flip, crop area, jitter and its strength, hue, grayscale, blur).
        var aug = AugmentationConfig.standard
        aug.flip = d.flip
        aug.cropAreaMin = Float(d.cropMinArea)
        aug.jitterProbability = Float(d.colorJitter)
        aug.brightness = Float(d.jitterStrength)
        aug.contrast = Float(d.jitterStrength)
        aug.saturation = Float(d.jitterStrength)
        aug.hue = Float(d.hue)
        aug.grayscaleProbability = Float(d.grayscale)
        aug.blurProbability = d.blur ? 0.5 : 0
        let loaderConfig = TrainLoaderConfig(clipFrames: d.clipFrames, size: d.clipSize, viewsPerVideo: viewsPerVideo,
                                             batchVideos: config.optim.batchVideos, augmentation: aug,
                                             seed: UInt64(config.run.seed))
        let channel = messages
        loader = try TrainBatchLoader(items: dataset.train, config: loaderConfig, cache: try openFrameCache(config),
                                      log: { channel.send($0) })
    }

    public var videosPerBatch: Int { loader.config.batchVideos }
    public var viewsPerVideo: Int { loader.config.viewsPerVideo }
    public var stepsPerEpoch: Int { loader.batchesPerEpoch }
    public var summary: String { dataset.summary }
    public var position: DataPosition {
        let p = loader.position
        return DataPosition(epoch: p.epoch, index: p.batch)
    }
    public func seek(to position: DataPosition) { loader.restore(LoaderPosition(epoch: position.epoch, batch: position.index)) }
    public func drainMessages() -> [String] { messages.drain() }

    public var stats: DataStats {
        let s = loader.stats
        var d = DataStats()
        d.skippedVideos = s.skippedVideos; d.cacheHits = s.cacheHits; d.cacheMisses = s.cacheMisses
        d.decodeSeconds = s.decodeSeconds
        return d
    }

    public func next() throws -> TrainingBatch {
        let b = try loader.next()
        return TrainingBatch(clips: b.clips, videoNames: b.videoNames, labels: b.labels, epoch: b.epoch, waitSeconds: b.waitSeconds)
    }
}

/// The decoded-frame cache a config asks for: `data.cache_dir` ("" = the default directory,
/// "none" = no cache), bounded by `data.cache_max_mb`.
public func openFrameCache(_ config: RunConfig) throws -> FrameCache? {
    let dir = config.data.cacheDir
    if dir == "none" || config.data.cacheMaxMB == 0 { return nil }
    return try FrameCache(directory: dir.isEmpty ? FrameCache.defaultDirectory : dir,
                          maxBytes: config.data.cacheMaxMB << 20)
}

/// Loads the dataset a config names (`data.dir`, `data.format`, `data.split`, `data.strict`).
public func openDataset(_ config: RunConfig) throws -> VideoDataset {
    let d = config.data
    return try VideoDataset.load(dir: d.dir, format: DatasetFormat(rawValue: d.format) ?? .auto, split: d.split,
                                 strict: d.strict, seed: UInt64(config.run.seed))
}

/// The engine's data for a config: the dataset's training split through the prefetching loader.
public func openTrainingData(_ config: RunConfig, dataset: VideoDataset) throws -> VideoTrainingData {
    let views = config.method.split == "views" ? 4 : 2
    return try VideoTrainingData(dataset: dataset, config: config, viewsPerVideo: views)
}
