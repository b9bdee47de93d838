import MCNTensor

/// The pre-training method: MCN (contrastive + meta branch, MAML) or the plain contrastive
/// baseline (meta branch and inner step off).
public enum MCNMethod: String, Sendable, CaseIterable, Codable {
    case mcn, contrastive
}

/// How a batch is divided into the support set S and the query set Q.
public enum SetSplit: String, Sendable, CaseIterable, Codable {
    /// Half the videos each, two views per video.
    case videos
    /// Four views per video: S = views 1–2, Q = views 3–4.
    case views

    public var viewsPerVideo: Int { self == .views ? 4 : 2 }
}

/// What the contrastive baseline's loss runs over.
public enum BaselineLoss: String, Sendable, CaseIterable, Codable {
    /// The support and query sets apart, as MCN forms them (each set's BatchNorm statistics and
    /// negatives): MCN with the meta branch and the inner step switched off.
    case sets
    /// One loss over the whole batch (twice the negatives of a set).
    case batch
}

public struct MCNStepConfig: Sendable {
    public var method: MCNMethod = .mcn
    public var baselineLoss: BaselineLoss = .sets
    public var order: MetaOrder = .firstOrder
    public var split: SetSplit = .videos
    /// Inner (meta-train) learning rate α1, and the norm the inner gradient is clipped to (0: off).
    public var alpha1: Float = 0.01
    public var innerClip: Float = 10
    public var hvpEpsilon: Float = 1e-2
    public init() {}
}

/// What one training step measured.
public struct MCNStepOutput: Sendable {
    /// Named losses and accuracies (metrics.jsonl keys).
    public var values: [String: Double]
    /// The query set's tasks: (video index in the batch, meta loss, pair accuracy).
    public var tasks: [TaskMeasure]
    /// With `diagnose`, the first op whose output was NaN or Inf, with its shapes.
    public var firstNonFinite: String?
}

public struct TaskMeasure: Sendable, Equatable {
    public var video: Int
    public var loss: Double
    public var accuracy: Double
}

/// One MCN (or contrastive) step on one batch: writes the outer gradient into `grad`; the caller
/// applies the optimiser (after checking the losses are finite).
public final class MCNStep {
    public let network: MCNNetwork
    public let config: MCNStepConfig
    let workspace: MetaWorkspace

    public init(network: MCNNetwork, config: MCNStepConfig) {
        self.network = network
        self.config = config
        workspace = MetaWorkspace(count: network.params.count)
    }

    /// - Parameters:
    ///   - clips: video-major views, row = video·V + view
    ///   - rng: draws the meta pairs of this step
    ///   - measureInnerDrop: also evaluate L(Q; θ) to report L(Q; θ) − L(Q; θ')
    ///   - diagnose: scan every op's output for NaN/Inf and name the first (slower)
    // clips: [N·V, 3, T, H, W]
    public func run(theta: Slab, buffers: Slab, grad: Slab, clips: Tensor, videos: Int,
                    rng: inout RNG, measureInnerDrop: Bool = false, diagnose: Bool = false) -> MCNStepOutput {
        var firstBad: String?
        func watch(_ t: Tape) { t.checkFinite = diagnose }
        func note(_ t: Tape, _ pass: String) {
            if firstBad == nil, let f = t.firstNonFinite { firstBad = "\(pass) pass, \(f)" }
        }
        let v = clips.shape[0] / videos
        precondition(v * videos == clips.shape[0], "MCNStep: \(clips.shape[0]) clips for \(videos) videos")
        let bufferViews = BufferViews(layout: network.buffers, slab: buffers)
        let layout = network.params

        // Support and query sets: rows and video ids (below: their clips and, for MCN, meta pairs).
        let (sRows, qRows) = setRows(videos: videos, views: v)
        let sGroups = sRows.map { $0 / v }, qGroups = qRows.map { $0 / v }

        if config.method == .contrastive {
            grad.zero()
            // (clips, video ids, weight of its loss, name) of each loss the baseline takes; the
            // sets' clips only when used (with split = "views" they are copies).
            let parts: [(Tensor, [Int], Float, String)] = config.baselineLoss == .batch
                ? [(clips, (0..<clips.shape[0]).map { $0 / v }, 1, "contrastive")]
                : [(Self.rows(sRows, of: clips), sGroups, 0.5, "support"), (Self.rows(qRows, of: clips), qGroups, 0.5, "query")]
            var values: [String: Double] = [:], lossCon = 0.0
            for (partClips, groups, weight, name) in parts {
                let t = Tape()
                watch(t)
                let p = BoundParameters(tape: t, layout: layout, values: theta, grads: grad)
                let r = network.setLoss(t, p, bufferViews, clips: t.constant(partClips), groups: groups, pairs: nil)
                note(t, name)
                t.backward(weight == 1 ? r.total : t.scale(r.total, weight))
                lossCon += Double(weight * r.contrastive)
                if parts.count > 1 { values["loss_con_\(name)"] = Double(r.contrastive) }
            }
            values["loss_con"] = lossCon; values["loss_total"] = lossCon
            return MCNStepOutput(values: values, tasks: [], firstNonFinite: firstBad)
        }

        let sClips = Self.rows(sRows, of: clips), qClips = Self.rows(qRows, of: clips)

        let neg = network.lossConfig.negativesPerPositive
        let sPairs = MetaPairs.sample(groups: sGroups, negativesPerPositive: neg, rng: &rng)
        let qPairs = MetaPairs.sample(groups: qGroups, negativesPerPositive: neg, rng: &rng)

        var support: SetLossResult?, query: SetLossResult?
        let meta = MetaGradient(alpha: config.alpha1, clip: config.innerClip, order: config.order, epsilon: config.hvpEpsilon)
        let result = meta.compute(theta: theta, grad: grad, work: workspace) { pass, params, grads in
            let isQuery = pass == .query
            let t = Tape(recording: true, training: true, updateRunningStats: pass == .support || pass == .query)
            watch(t)
            let p = BoundParameters(tape: t, layout: layout, values: params, grads: grads)
            let r = network.setLoss(t, p, bufferViews, clips: t.constant(isQuery ? qClips : sClips),
                                    groups: isQuery ? qGroups : sGroups, pairs: isQuery ? qPairs : sPairs)
            note(t, "\(pass)")
            t.backward(r.total)
            if pass == .support { support = r } else if isQuery { query = r }
            return r.total.scalar
        }
        var values: [String: Double] = [
            "loss_con_support": Double(support!.contrastive), "loss_meta_support": Double(support!.meta),
            "acc_meta_support": support!.metaAccuracy,
            "loss_con_query": Double(query!.contrastive), "loss_meta_query": Double(query!.meta),
            "acc_meta_query": query!.metaAccuracy,
            "loss_support": Double(result.supportLoss), "loss_query": Double(result.queryLoss),
            "loss_total": Double(result.queryLoss) + (config.order == .mldg ? Double(result.supportLoss) : 0),
            "inner_grad_norm": result.innerGradNorm, "inner_clip_scale": Double(result.innerClipScale),
        ]
        if measureInnerDrop {
            let t = Tape(recording: false, training: true, updateRunningStats: false)
            let p = BoundParameters(tape: t, layout: layout, values: theta, grads: nil)
            let before = network.setLoss(t, p, bufferViews, clips: t.constant(qClips), groups: qGroups, pairs: qPairs)
            values["inner_drop"] = Double(before.total.scalar) - Double(result.queryLoss)
        }
        let tasks = query!.tasks.map { TaskMeasure(video: $0.video, loss: $0.loss, accuracy: $0.accuracy) }
        return MCNStepOutput(values: values, tasks: tasks, firstNonFinite: firstBad)
    }

    /// Rows of the support and query sets in a video-major batch.
    func setRows(videos: Int, views v: Int) -> ([Int], [Int]) {
        switch config.split {
        case .videos:
            let half = videos / 2
            return (Array(0..<(half * v)), Array((half * v)..<(videos * v)))
        case .views:
            let h = v / 2
            var s: [Int] = [], q: [Int] = []
            for video in 0..<videos {
                for view in 0..<v { (view < h ? { s.append(video * v + view) } : { q.append(video * v + view) })() }
            }
            return (s, q)
        }
    }

    /// The batch's rows `rows`: a view when they are one run, else a copy.
    // clips: [N·V, 3, T, H, W] -> [rows.count, 3, T, H, W]
    private static func rows(_ rows: [Int], of clips: Tensor) -> Tensor {
        guard let f = rows.first, rows.last! - f + 1 == rows.count else { return clips.gatherRows(rows) }
        return clips.rows(f..<(rows.last! + 1))
    }
}
