import Foundation
import MCNModel
import MCNTensor
import MCNVideo

/// Which pooled feature evaluation uses.
public enum EvalFeature: String, Sendable, CaseIterable {
    /// Global average pool of the last stage (then the fc feature head, where there is one).
    case gap
    /// VCOP's: the last stage max-pooled (1, 2, 2) and flattened.
    case conv5MaxPool = "conv5-maxpool"
}

/// Video-level features: `clips` uniformly spaced centre-cropped clips per video (the VCOP
/// protocol), the network in evaluation mode (running BatchNorm statistics), features averaged
/// over the clips. Unreadable videos are skipped and reported.
public struct FeatureExtractor {
    public let network: MCNNetwork
    public let theta: Slab
    public let buffers: Slab
    public let pipeline: VideoPipeline
    public var clipFrames: Int
    public var clipSize: Int
    public var clips: Int = 10
    public var feature: EvalFeature = .gap
    /// Thumbnail side (0: none), from the middle clip's middle frame.
    public var thumbnailSize: Int = 0
    /// Asked before each video: true ends the extraction there (`Output.stopped`).
    public var shouldStop: (() -> Bool)?

    public init(network: MCNNetwork, theta: Slab, buffers: Slab, pipeline: VideoPipeline, clipFrames: Int, clipSize: Int) {
        self.network = network; self.theta = theta; self.buffers = buffers; self.pipeline = pipeline
        self.clipFrames = clipFrames; self.clipSize = clipSize
    }

    public struct Output {
        /// Row-major [videos, dim] for the videos that were read.
        public var features: [Float]
        public var dim: Int
        /// The items the rows belong to, in order.
        public var items: [VideoItem]
        public var skipped: [String]
        public var thumbnails: [String: Thumbnail]
        /// Whether `shouldStop` ended it before the last video.
        public var stopped = false
    }

    public func extract(_ items: [VideoItem]) -> Output {
        var out = Output(features: [], dim: 0, items: [], skipped: [], thumbnails: [:])
        let views = BufferViews(layout: network.buffers, slab: buffers)
        for item in items {
            if let shouldStop, shouldStop() { out.stopped = true; break }
            let x: Tensor
            do { x = try pipeline.evalClips(item, count: clips, clipFrames: clipFrames, size: clipSize) } catch {
                out.skipped.append("\(error)")
                continue
            }
            let f = features(x, views)  // [clips, dim]
            let dim = f.shape[1]
            out.dim = dim
            var mean = [Float](repeating: 0, count: dim)
            for c in 0..<clips { for j in 0..<dim { mean[j] += f[c * dim + j] / Float(clips) } }
            out.features += mean
            out.items.append(item)
            if thumbnailSize > 0 { out.thumbnails[item.relativeName] = thumbnail(x) }
        }
        return out
    }

    // x: [clips, 3, T, S, S] -> [clips, dim]
    func features(_ x: Tensor, _ views: BufferViews) -> Tensor {
        let t = Tape(recording: false, training: false, updateRunningStats: false)
        let p = BoundParameters(tape: t, layout: network.params, values: theta, grads: nil)
        switch feature {
        case .gap:
            return network.features(t, p, views, t.constant(x)).value
        case .conv5MaxPool:
            let fmap = network.backbone.features(t, p, views, t.constant(x))
            let s = fmap.shape
            let pooled = t.maxPool3d(fmap, kernel: (1, min(2, s[3]), min(2, s[4])), stride: (1, min(2, s[3]), min(2, s[4])))
            return pooled.value.reshaped([s[0], pooled.value.count / s[0]])
        }
    }

    /// The middle clip's middle frame, un-normalised and resized (nearest) to a square.
    // x: [clips, 3, T, S, S]
    func thumbnail(_ x: Tensor) -> Thumbnail {
        let (t, s) = (x.shape[2], x.shape[3])
        let clip = x.shape[0] / 2, frame = t / 2
        let mean = AugmentationConfig.standard.mean, std = AugmentationConfig.standard.std
        let n = thumbnailSize
        var rgb = [UInt8](repeating: 0, count: n * n * 3)
        for y in 0..<n { for xx in 0..<n {
            let sy = y * s / n, sx = xx * s / n
            for c in 0..<3 {
                let v = x.pointer[(((clip * 3 + c) * t + frame) * s + sy) * s + sx] * std[c] + mean[c]
                rgb[(y * n + xx) * 3 + c] = UInt8(max(0, min(255, (v * 255).rounded())))
            }
        } }
        return Thumbnail(width: n, height: n, rgb: rgb)
    }
}
