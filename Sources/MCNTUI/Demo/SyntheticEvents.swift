import Foundation
import MCNTrain

/// Plausible engine events computed from the step number alone (deterministic): the demo engine
/// and the panel tests use them.
public struct SyntheticEvents: Sendable {
    public var totalSteps: Int
    public var stepsPerEpoch: Int
    public var seed: UInt64

    public init(totalSteps: Int = 3000, stepsPerEpoch: Int = 100, seed: UInt64 = 7) {
        self.totalSteps = totalSteps; self.stepsPerEpoch = stepsPerEpoch; self.seed = seed
    }

    static let classes = ["ApplyEyeMakeup", "Archery", "BabyCrawling", "BalanceBeam", "BandMarching",
                          "BasketballDunk", "BenchPress", "Biking", "Billiards", "BlowDryHair"]

    public static func videoName(_ i: Int) -> String {
        "v_\(classes[i % classes.count])_g\(String(format: "%02d", 8 + i / classes.count))_c0\(1 + i % 4)"
    }

    public var runInfo: RunInfo {
        RunInfo(name: "demo-mcn", runDirectory: "runs/demo-mcn", method: "mcn", mode: "second-order",
                backbone: "r3d-18 ×0.25", totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch, startStep: 0,
                batchVideos: 16, clipShape: [8, 64, 64], datasetSummary: "sample-data 40 videos", baseLearningRate: 0.05)
    }

    /// A uniform number in [0, 1) from (seed, a, b): splitmix64.
    func noise(_ a: Int, _ b: Int) -> Double {
        var z = seed &+ UInt64(truncatingIfNeeded: a) &* 0x9E3779B97F4A7C15 &+ UInt64(truncatingIfNeeded: b) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        z = z ^ (z >> 31)
        return Double(z >> 11) / Double(1 << 53)
    }

    public func step(_ s: Int) -> StepMetrics {
        let t = Double(s)
        func n(_ k: Int, _ amp: Double) -> Double { (noise(s, k) - 0.5) * 2 * amp }
        let conS = 3.2 * exp(-t / 900) + 1.4 + n(1, 0.25)
        let conQ = 3.3 * exp(-t / 950) + 1.5 + n(2, 0.28)
        let metaS = 0.45 * exp(-t / 700) + 0.22 + n(3, 0.06)
        let metaQ = 0.47 * exp(-t / 750) + 0.25 + n(4, 0.07)
        let accS = min(0.99, 0.5 + 0.42 * (1 - exp(-t / 600)) + n(5, 0.04))
        let accQ = min(0.99, 0.5 + 0.38 * (1 - exp(-t / 650)) + n(6, 0.05))
        let values: [String: Double] = [
            "loss_con_support": conS, "loss_con_query": conQ, "loss_meta_support": metaS, "loss_meta_query": metaQ,
            "loss_total": conQ + metaQ, "acc_meta_support": accS, "acc_meta_query": accQ,
            "inner_drop": 0.08 * exp(-t / 1200) + 0.01 + n(7, 0.015),
            "inner_grad_norm": 2.0 * exp(-t / 1500) + 0.5 + n(8, 0.1),
            "lr": 1e-3 * (s < 100 ? t / 100 : 0.5 * (1 + cos(Double.pi * t / Double(totalSteps)))),
        ]
        let stepSeconds = 0.42 + n(9, 0.04)
        // As the engine numbers them: the epoch of the batch step s trained on.
        return StepMetrics(step: s, epoch: max(0, s - 1) / stepsPerEpoch, values: values, clipsPerSecond: 64 / stepSeconds,
                           dataWaitSeconds: 0.03 + n(10, 0.02), stepSeconds: stepSeconds)
    }

    public func tasks(_ s: Int, count: Int = 8) -> [TaskLoss] {
        (0..<count).map { i in
            let v = (i * 7 + s / stepsPerEpoch) % 40
            let hard = noise(s, 100 + i)
            return TaskLoss(video: Self.videoName(v), metaLoss: 0.15 + 0.6 * hard * exp(-Double(s) / 1500),
                            pairAccuracy: min(1, 0.55 + 0.45 * (1 - hard)))
        }
    }

    public func system(_ s: Int) -> SystemStats {
        SystemStats(cpuCores: 1.7 + noise(s, 200) * 0.25, residentBytes: 612 * 1_048_576 + s * 1024, blasThreads: 2,
                    decodeSeconds: 0.03 + noise(s, 201) * 0.01, computeSeconds: 0.38 + noise(s, 202) * 0.03,
                    cacheHits: s * 30, cacheMisses: min(s * 2, 400), skippedVideos: 0)
    }

    /// A retrieval evaluation with `queries` queries and 10 neighbours each, and thumbnails.
    public func retrieval(_ s: Int, queries: Int = 24, thumbnailSize: Int = 16) -> RetrievalSummary {
        let quality = 1 - exp(-Double(s) / 1500)
        let recall: [Int: Double] = [1: 0.12 + 0.3 * quality, 5: 0.3 + 0.35 * quality, 10: 0.42 + 0.33 * quality,
                                     20: 0.55 + 0.3 * quality, 50: 0.72 + 0.22 * quality]
        var qs: [RetrievalQuery] = []
        var thumbs: [String: Thumbnail] = [:]
        for q in 0..<queries {
            let qv = Self.videoName(40 + q), qc = Self.classes[(40 + q) % Self.classes.count]
            var ns: [Neighbour] = []
            for k in 0..<10 {
                let same = noise(s, 1000 + q * 10 + k) < 0.25 + 0.5 * quality
                let idx = same ? (40 + q) % Self.classes.count + Self.classes.count * (k % 4) : (q * 3 + k * 7) % 40
                let name = Self.videoName(idx)
                let cls = Self.classes[idx % Self.classes.count]
                ns.append(Neighbour(video: name, className: cls, similarity: 0.92 - 0.06 * Double(k) - 0.05 * noise(s, 2000 + q * 10 + k), hit: cls == qc))
                thumbs[name] = thumbnail(idx, size: thumbnailSize)
            }
            qs.append(RetrievalQuery(video: qv, className: qc, neighbours: ns))
            thumbs[qv] = thumbnail(40 + q, size: thumbnailSize)
        }
        return RetrievalSummary(step: s, recall: recall, queries: qs, thumbnails: thumbs)
    }

    /// A small picture per video: a gradient in its class's hue with a bright disc.
    public func thumbnail(_ video: Int, size: Int) -> Thumbnail {
        let w = size, h = size * 3 / 4
        let hue = Double(video % Self.classes.count) / Double(Self.classes.count)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        let cx = Double(w) * (0.3 + 0.4 * noise(video, 3)), cy = Double(h) * 0.5
        for y in 0..<h {
            for x in 0..<w {
                let d = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
                let v = d < Double(h) / 4 ? 1.0 : 0.35 + 0.4 * Double(y) / Double(h)
                let (r, g, b) = Self.hsv(hue, 0.7, v)
                let i = (y * w + x) * 3
                rgb[i] = r; rgb[i + 1] = g; rgb[i + 2] = b
            }
        }
        return Thumbnail(width: w, height: h, rgb: rgb)
    }

    static func hsv(_ h: Double, _ s: Double, _ v: Double) -> (UInt8, UInt8, UInt8) {
        let i = Int(h * 6) % 6, f = h * 6 - Double(Int(h * 6))
        let p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s)
        let (r, g, b): (Double, Double, Double) = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
        return (UInt8(r * 255), UInt8(g * 255), UInt8(b * 255))
    }

    /// The events of a run up to `steps` steps: a fixture for tests and benchmarks.
    public func history(steps: Int, evaluateEvery: Int = 500, checkpointEvery: Int = 250) -> [EngineEvent] {
        var ev: [EngineEvent] = [.started(runInfo), .state(.running), .log(.info, "training on sample-data: 40 videos, 10 classes")]
        for s in 1...max(1, steps) {
            ev.append(.step(step(s)))
            if s % 10 == 0 { ev.append(.tasks(step: s, tasks(s))); ev.append(.system(system(s))) }
            if s % checkpointEvery == 0 {
                let path = "runs/demo-mcn/checkpoints/step-\(String(format: "%08d", s)).safetensors"
                ev.append(.log(.info, "checkpoint written: \(path)")); ev.append(.checkpointSaved(step: s, path: path))
            }
            if s % evaluateEvery == 0 {
                ev.append(.retrieval(retrieval(s)))
                ev.append(.monitors(step: s, ["knn_top1": 0.2 + 0.3 * (1 - exp(-Double(s) / 1500)), "embedding_std": 0.8, "embedding_std_ref": 1.0]))
            }
            if s == 333 { ev.append(.log(.warning, "skipped v_Biking_g09_c02.avi: moov atom not found")) }
        }
        return ev
    }
}
