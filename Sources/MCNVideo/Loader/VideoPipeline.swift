import Foundation
import MCNTensor
import Synchronization

/// Counters of the input pipeline, for the system panel and logs.
public struct PipelineStats: Sendable, Codable, Equatable {
    /// Videos that could not be read and were skipped, and their one-line reasons (first 100).
    public var skippedVideos = 0
    public var skippedReasons: [String] = []
    /// Videos with fewer frames than a clip (looped or padded).
    public var shortVideos = 0
    public var cacheHits = 0
    public var cacheMisses = 0
    /// Seconds spent decoding (cache misses and uncached reads).
    public var decodeSeconds = 0.0
    public init() {}
}

/// Frames of dataset videos at the cached size, plus evaluation clips and thumbnails. Safe to
/// use from several threads; each call opens its own decoder.
public final class VideoPipeline: Sendable {
    /// Where decoded frames are kept (nil: decode every time, in memory).
    public let cache: FrameCache?
    /// Short side of the frames clips are cut from.
    public let shortSide: Int
    public let shortVideoMode: ShortVideoMode
    private let state = Mutex(State())
    private let log: (@Sendable (String) -> Void)?

    private struct State {
        var stats = PipelineStats()
        var bad: [String: VideoError] = [:]
        var short: Set<String> = []
    }

    /// `shortSide` is the cached frame size; `FrameCache.shortSide(forCrop:)` picks one a
    /// little above the clip size.
    public init(cache: FrameCache?, shortSide: Int, shortVideoMode: ShortVideoMode = .loop,
                log: (@Sendable (String) -> Void)? = nil) {
        self.cache = cache
        self.shortSide = shortSide
        self.shortVideoMode = shortVideoMode
        self.log = log
    }

    public var stats: PipelineStats { state.withLock { $0.stats } }

    /// The known-unreadable videos by path (each already counted once and logged).
    public func unreadable(_ path: String) -> VideoError? { state.withLock { $0.bad[path] } }

    /// All frames of `item` at `shortSide`. A video that fails is remembered, counted once,
    /// logged once, and fails again at once next time.
    public func video(_ item: VideoItem, clipFrames: Int = 0) throws -> DecodedVideo {
        if let e = unreadable(item.path) { throw e }
        let t0 = DispatchTime.now().uptimeNanoseconds
        do {
            let v: DecodedVideo
            var hit = false
            if let cache {
                (v, hit) = try cache.frames(path: item.path, shortSide: shortSide)
            } else {
                let r = try VideoReader(path: item.path)
                let size = r.sizeForShortSide(shortSide)
                v = DecodedVideo(try r.decodeAll(outWidth: size.width, outHeight: size.height), fps: r.fps)
            }
            let dt = hit ? 0 : Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let isShort = v.count < clipFrames
            var firstShort = false
            state.withLock { s in
                if hit { s.stats.cacheHits += 1 } else { s.stats.cacheMisses += 1 }
                s.stats.decodeSeconds += dt
                if isShort && s.short.insert(item.path).inserted { s.stats.shortVideos += 1; firstShort = true }
            }
            if firstShort {
                log?("\(item.relativeName): \(v.count) frames, shorter than a \(clipFrames)-frame clip (\(shortVideoMode == .loop ? "looped" : "padded"))")
            }
            return v
        } catch let e as VideoError {
            let first = state.withLock { s -> Bool in
                guard s.bad[item.path] == nil else { return false }
                s.bad[item.path] = e
                s.stats.skippedVideos += 1
                if s.stats.skippedReasons.count < 100 { s.stats.skippedReasons.append(e.description) }
                return true
            }
            if first { log?("skipped unreadable video: \(e.description)") }
            throw e
        }
    }

    /// Evaluation clips (the VCOP protocol): `count` clips at uniformly spaced starts, each
    /// resized on its short side and centre-cropped to size×size.
    /// Returns [count, 3, clipFrames, size, size], normalised with `mean`/`std`.
    public func evalClips(_ item: VideoItem, count: Int = 10, clipFrames t: Int, size s: Int,
                          mean: [Float] = AugmentationConfig.standard.mean,
                          std: [Float] = AugmentationConfig.standard.std) throws -> Tensor {
        let v = try video(item, clipFrames: t)
        let out = Tensor(uninitialized: [count, 3, t, s, s])
        let transform = ClipTransform.centre(sourceWidth: v.width, sourceHeight: v.height)
        let clipSize = 3 * t * s * s
        for (k, start) in ClipSampler.evalStarts(frameCount: v.count, clipFrames: t, count: count).enumerated() {
            let idx = ClipSampler.indices(start: start, clipFrames: t, frameCount: v.count, mode: shortVideoMode)
            ClipRenderer.render(video: v, indices: idx, transform: transform, size: s, mean: mean, std: std,
                                into: out.pointer + k * clipSize)
        }
        return out
    }

    /// The middle frame of a video resized to width×height RGB (read directly, not cached).
    public func thumbnail(_ item: VideoItem, width: Int, height: Int) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        try Self.thumbnail(path: item.path, width: width, height: height)
    }

    public static func thumbnail(path: String, width: Int, height: Int) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let r = try VideoReader(path: path)
        let n = try r.frameCount()
        var f = try r.decodeFrames(start: max(0, n / 2), count: 1, outWidth: width, outHeight: height)
        if f.count == 0 { f = try r.decodeFrames(start: 0, count: 1, outWidth: width, outHeight: height) }
        return (width, height, f.rgb)
    }
}
