import Foundation
import MCNModel
import MCNTensor
import MCNTrain
import MCNVideo

/// `extract.<net>`: feature extraction as evaluation runs it (10 uniformly spaced centre clips of
/// 8×64×64 a video, `gap` features averaged over the clips, running BatchNorm statistics), in clips
/// per second, with the frame cache warm; `extract.<net>.forward` is the backbone's forward pass
/// alone on the same clips in the same run, and the extraction figure's ratio is against it (what
/// decoding, cropping and averaging leave of the forward's throughput). `cold_clips_per_s` is
/// the first pass, which decodes every video from its file.
let extractSuites: [BenchSuite] = [BenchSuite(prefix: "extract") { report, options in
    let root = options.dataDir ?? "sample-data"
    guard let ds = try? VideoDataset.load(dir: root), !ds.test.isEmpty else {
        report.comment("extract: no dataset with a test split at \(root) (run from the package root or give --data)")
        return
    }
    let items = Array(ds.test.prefix(options.quick ? 4 : 12))
    let clips = 10, frames = 8, size = 64
    for name in BenchNetworks.names where options.wants("extract.\(name)") {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("mcn-bench-extract-\(getpid())-\(name)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = VideoPipeline(cache: try FrameCache(directory: dir), shortSide: FrameCache.shortSide(forCrop: size))
        let inst = BenchNetworks.make(name)
        var extractor = FeatureExtractor(network: inst.network, theta: inst.theta, buffers: inst.buffers, pipeline: pipeline,
                                         clipFrames: frames, clipSize: size)
        extractor.clips = clips
        extractor.feature = .gap
        let t0 = Date()
        let first = extractor.extract(items)
        let cold = Date().timeIntervalSince(t0)
        guard !first.items.isEmpty else {
            report.comment("extract.\(name): no readable video among \(items.count) (\(first.skipped.first ?? ""))")
            continue
        }
        let warm = benchTime(warmup: 0, minSeconds: 0, maxIters: options.quick ? 1 : 3) { _ = extractor.extract(items) }
        // The forward alone: one video's clips, decoded once.
        let x = try pipeline.evalClips(first.items[0], count: clips, clipFrames: frames, size: size)  // [10, 3, 8, 64, 64]
        let forward = benchTime(warmup: 1, minSeconds: options.quick ? 0.3 : 1, maxIters: 20) {
            let t = Tape(recording: false, training: false, updateRunningStats: false)
            let p = BoundParameters(tape: t, layout: inst.network.params, values: inst.theta, grads: nil)
            _ = inst.network.features(t, p, inst.bufferViews, t.constant(x))
        }
        let n = Double(first.items.count * clips)
        report.reference("extract.\(name).forward", Double(clips) / forward, unit: "clips/s",
                         note: "backbone + feature head forward, \(clips) clips of 3x\(frames)x\(size)x\(size), eval mode")
        report.record("extract.\(name)", n / warm, unit: "clips/s", vs: "extract.\(name).forward",
                      extra: ["cold_clips_per_s": n / cold, "videos": Double(first.items.count)],
                      note: "\(first.items.count) videos x \(clips) centre clips, gap, frame cache warm; ratio to the forward alone")
    }
}]
