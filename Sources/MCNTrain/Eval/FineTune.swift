import Foundation
import MCNModel
import MCNTensor
import MCNVideo

/// How `eval finetune` trains.
public struct FineTuneConfig: Sendable, Equatable {
    public var steps = 300
    /// Base rate of a half-cosine schedule after `warmupSteps`.
    public var lr = 0.02
    public var warmupSteps = 20
    public var momentum = 0.9
    public var weightDecay = 5e-4
    public var batchVideos = 16
    /// Share of each class's training videos held out for model selection (at least one from a
    /// class with three or more videos).
    public var validationFraction = 0.1
    /// Steps between validations (and one at the end).
    public var validateEvery = 50
    /// Clips per video when scoring (validation and test), averaged.
    public var clips = 10
    public var seed: UInt64 = 1
    public init() {}
}

/// One validation of a fine-tuning run.
public struct FineTuneCheck: Sendable, Equatable {
    public let step: Int
    /// Mean training cross-entropy since the previous check.
    public let trainLoss: Double
    public let validationTop1: Double?
    public let validationLoss: Double?
}

/// What fine-tuning measured.
public struct FineTuneResult: Sendable {
    public let testTop1: Double
    public let testTop5: Double
    /// The step whose state was kept (the best validation top-1, ties to the lower loss), and
    /// its validation top-1; the last step when there are no validation videos.
    public let bestStep: Int
    public let bestValidationTop1: Double?
    public let checks: [FineTuneCheck]
    public let trainVideos, validationVideos, testVideos: Int
    public let skipped: [String]
    public let seconds: Double
}

/// Fine-tuning (the action-recognition protocol): the backbone, globally average-pooled, with a
/// new fc over the dataset's classes, trained end to end on augmented training clips with SGD
/// momentum and cross-entropy (the MCN heads are unused). A held-out validation subset of the
/// training split picks the state that is kept; the test split is scored video-level from the
/// averaged softmax of `clips` centre-cropped clips, BatchNorm on its running statistics.
public final class FineTuner {
    public let network: MCNNetwork
    public let theta: Slab
    public let buffers: Slab
    public let classes: Int
    /// The new classifier: `fc.weight` [classes, C], `fc.bias` [classes].
    public let fcLayout = ParameterLayout()
    public let fc: Slab
    let fcWeight, fcBias: ParameterHandle
    let pipeline: VideoPipeline
    let config: FineTuneConfig
    let loaderConfig: TrainLoaderConfig
    public let trainItems, validationItems, testItems: [VideoItem]

    /// Copies `theta`/`buffers` (the caller's slabs are left as they are).
    public init(network: MCNNetwork, theta: Slab, buffers: Slab, dataset: VideoDataset, pipeline: VideoPipeline,
                clipFrames: Int, clipSize: Int, augmentation: AugmentationConfig, config: FineTuneConfig) throws {
        self.network = network
        self.theta = Slab(copying: theta)
        self.buffers = Slab(copying: buffers)
        classes = dataset.classNames.count
        let c = network.backbone.spec.featureDim
        fcWeight = fcLayout.add("fc.weight", [classes, c])
        fcBias = fcLayout.add("fc.bias", [classes])
        fc = Slab(count: fcLayout.count)
        var rng = RNG.derived(seed: config.seed, 0xFC)
        let bound = 1 / Float(c).squareRoot()  // PyTorch's nn.Linear initialisation
        for i in 0..<fcLayout.count { fc.pointer[i] = rng.uniform(-bound, bound) }
        self.pipeline = pipeline
        self.config = config
        (trainItems, validationItems) = Self.holdOut(dataset.train, fraction: config.validationFraction, seed: config.seed)
        testItems = dataset.test
        guard !trainItems.isEmpty else { throw FileError("\(dataset.root): no training videos to fine-tune on") }
        guard !testItems.isEmpty else { throw FileError("\(dataset.root): no test videos to score fine-tuning on") }
        loaderConfig = TrainLoaderConfig(clipFrames: clipFrames, size: clipSize, viewsPerVideo: 1,
                                         batchVideos: max(1, min(config.batchVideos, trainItems.count)),
                                         augmentation: augmentation, seed: config.seed)
    }

    /// Splits each class's videos: `fraction` of them (rounded, at least one when the class has
    /// three or more) go to validation, chosen by a seeded shuffle; order is kept otherwise.
    public static func holdOut(_ items: [VideoItem], fraction: Double, seed: UInt64) -> (train: [VideoItem], validation: [VideoItem]) {
        guard fraction > 0 else { return (items, []) }
        var byClass: [Int: [Int]] = [:]
        for (i, item) in items.enumerated() { byClass[item.label, default: []].append(i) }
        var held = Set<Int>()
        for label in byClass.keys.sorted() {
            let members = byClass[label]!
            guard members.count >= 3 else { continue }
            let n = min(members.count - 1, max(1, Int((Double(members.count) * fraction).rounded())))
            var rng = RNG.derived(seed: seed, 0x7A1, label)
            for j in rng.permutation(members.count).prefix(n) { held.insert(members[j]) }
        }
        let train = items.indices.filter { !held.contains($0) }.map { items[$0] }
        let validation = items.indices.filter { held.contains($0) }.map { items[$0] }
        return (train, validation)
    }

    /// Trains `config.steps` steps, validating every `validateEvery`; restores the best state,
    /// then scores the test split.
    public func run(progress: (String) -> Void = { _ in }) throws -> FineTuneResult {
        let t0 = Date()
        let loader = try TrainBatchLoader(items: trainItems, config: loaderConfig, pipeline: pipeline)
        let views = BufferViews(layout: network.buffers, slab: buffers)
        let gTheta = Slab(count: theta.count), gFC = Slab(count: fc.count)
        let optTheta = SGD(count: theta.count, momentum: Float(config.momentum), weightDecay: Float(config.weightDecay))
        let optFC = SGD(count: fc.count, momentum: Float(config.momentum), weightDecay: Float(config.weightDecay))
        var best: (step: Int, top1: Double, loss: Double, theta: Slab, buffers: Slab, fc: Slab)?
        var checks: [FineTuneCheck] = []
        var lossSum = 0.0, lossCount = 0
        progress("fine-tuning \(config.steps) steps on \(trainItems.count) training videos (\(validationItems.count) held out for validation), \(classes) classes, batch \(loaderConfig.batchVideos)")
        for step in 1...max(1, config.steps) {
            let batch = try loader.next()
            gTheta.zero(); gFC.zero()
            let t = Tape(recording: true, training: true, updateRunningStats: true)
            let loss = t.crossEntropy(logits(t, batch.clips, views, grads: (gTheta, gFC)), labels: batch.labels)
            t.backward(loss)
            guard loss.scalar.isFinite, gTheta.allFinite(), gFC.allFinite() else {
                throw FileError("fine-tuning: non-finite loss or gradient at step \(step) (lower --lr)")
            }
            let lr = Float(LRSchedule.cosine.rate(base: config.lr, step: step - 1, total: config.steps, warmup: config.warmupSteps))
            optTheta.step(params: theta, grads: gTheta, lr: lr)
            optFC.step(params: fc, grads: gFC, lr: lr)
            lossSum += Double(loss.scalar); lossCount += 1

            guard step % max(1, config.validateEvery) == 0 || step == config.steps else { continue }
            let trainLoss = lossSum / Double(max(1, lossCount))
            lossSum = 0; lossCount = 0
            var line = String(format: "step %d/%d  train loss %.3f", step, config.steps, trainLoss)
            if validationItems.isEmpty {
                checks.append(FineTuneCheck(step: step, trainLoss: trainLoss, validationTop1: nil, validationLoss: nil))
            } else {
                let v = score(validationItems)
                let top1 = LinearProbe.topK(v.scores, classes: classes, labels: v.items.map(\.label), k: 1)
                checks.append(FineTuneCheck(step: step, trainLoss: trainLoss, validationTop1: top1, validationLoss: v.loss))
                line += String(format: "  validation top-1 %.1f%% loss %.3f", 100 * top1, v.loss)
                if best == nil || top1 > best!.top1 || (top1 == best!.top1 && v.loss < best!.loss) {
                    best = (step, top1, v.loss, Slab(copying: theta), Slab(copying: buffers), Slab(copying: fc))
                    line += "  (best)"
                }
            }
            progress(line + String(format: "  %.0f s", Date().timeIntervalSince(t0)))
        }
        if let best {
            theta.copy(from: best.theta); buffers.copy(from: best.buffers); fc.copy(from: best.fc)
            progress("kept the state of step \(best.step) (validation top-1 \(String(format: "%.1f%%", 100 * best.top1)))")
        }
        let s = score(testItems)
        let labels = s.items.map(\.label)
        return FineTuneResult(testTop1: LinearProbe.topK(s.scores, classes: classes, labels: labels, k: 1),
                              testTop5: LinearProbe.topK(s.scores, classes: classes, labels: labels, k: 5),
                              bestStep: best?.step ?? config.steps, bestValidationTop1: best?.top1, checks: checks,
                              trainVideos: trainItems.count, validationVideos: validationItems.count, testVideos: s.items.count,
                              skipped: pipeline.stats.skippedReasons, seconds: Date().timeIntervalSince(t0))
    }

    /// Class logits of clips; with `grads`, gradients flow into those slabs.
    // clips: [N, 3, T, H, W] -> [N, classes]
    func logits(_ t: Tape, _ clips: Tensor, _ views: BufferViews, grads: (Slab, Slab)?) -> Variable {
        let p = BoundParameters(tape: t, layout: network.params, values: theta, grads: grads?.0)
        let q = BoundParameters(tape: t, layout: fcLayout, values: fc, grads: grads?.1)
        return t.linear(network.backbone(t, p, views, t.constant(clips)), q[fcWeight], q[fcBias])
    }

    /// Video-level class probabilities (softmax averaged over the clips) of the readable items,
    /// and the mean cross-entropy of those averages.
    // -> scores: [videos, classes]
    func score(_ items: [VideoItem]) -> (scores: [Float], items: [VideoItem], loss: Double) {
        let views = BufferViews(layout: network.buffers, slab: buffers)
        var scores: [Float] = [], kept: [VideoItem] = [], loss = 0.0
        for item in items {
            guard let x = try? pipeline.evalClips(item, count: config.clips, clipFrames: loaderConfig.clipFrames, size: loaderConfig.size) else { continue }
            let t = Tape(recording: false, training: false, updateRunningStats: false)
            let logp = t.logSoftmax(logits(t, x, views, grads: nil)).value  // [clips, classes]
            var mean = [Float](repeating: 0, count: classes)
            for c in 0..<config.clips { for k in 0..<classes { mean[k] += exp(logp.pointer[c * classes + k]) / Float(config.clips) } }
            loss -= log(Double(max(mean[item.label], 1e-12)))
            scores += mean
            kept.append(item)
        }
        return (scores, kept, kept.isEmpty ? 0 : loss / Double(kept.count))
    }
}

/// The augmentation fine-tuning uses: the dataset's crop recipe (milder, and no flip, on the
/// sample data, whose classes include mirrored motions) with `data.flip`, colour jitter (the
/// pre-training strengths) with probability `colourJitter`, no grayscale and no blur.
public func fineTuneAugmentation(_ config: RunConfig, dataset: VideoDataset, colourJitter: Float) -> AugmentationConfig {
    // By its classes, as training tells the sample data (a copy in another folder is the same data).
    var aug = SampleDataGenerator.isSampleData(classNames: dataset.classNames) ? AugmentationConfig.sampleData
                                                                                : AugmentationConfig.standard
    aug.flip = config.data.flip
    aug.jitterProbability = colourJitter
    aug.grayscaleProbability = 0
    aug.blurProbability = 0
    return aug
}
