import Foundation
import MCNModel
import MCNTensor

/// How the linear probe trains.
public struct LinearProbeConfig: Sendable, Equatable {
    public var epochs = 300
    /// Base rate of a half-cosine schedule (features are standardised first, so one rate suits
    /// most feature sizes).
    public var lr = 0.1
    public var momentum = 0.9
    public var weightDecay = 1e-4
    public var batchSize = 64
    public var seed: UInt64 = 1
    public init() {}
}

/// A trained linear classifier on video-level features: rows are L2-normalised, then
/// standardised with the training set's per-dimension mean and spread, then W·x + b.
public struct LinearProbeModel: Sendable {
    public let dim: Int
    public let classes: Int
    /// [classes, dim] and [classes].
    public let weight: [Float]
    public let bias: [Float]
    let mean: [Float]
    let invStd: [Float]

    /// Class scores (logits) of each row.
    // features: [rows, dim] -> [rows, classes]
    public func scores(_ features: [Float]) -> [Float] {
        let rows = features.count / max(dim, 1)
        let x = LinearProbe.prepared(features, rows: rows, dim: dim, mean: mean, invStd: invStd)
        var out = [Float](repeating: 0, count: rows * classes)
        for r in 0..<rows {
            for k in 0..<classes {
                var s = bias[k]
                for j in 0..<dim { s += weight[k * dim + j] * x[r * dim + j] }
                out[r * classes + k] = s
            }
        }
        return out
    }
}

/// The linear-probe protocol: a linear classifier trained with SGD (momentum, weight decay,
/// cosine schedule, shuffled mini-batches) on frozen features of the training split.
public enum LinearProbe {
    public struct Training: Sendable {
        public let model: LinearProbeModel
        /// Mean cross-entropy of the last epoch, and top-1 on the training rows at the end.
        public let finalLoss: Double
        public let trainTop1: Double
    }

    // features: [rows, dim], labels: rows values in 0..<classes
    public static func train(features: [Float], labels: [Int], dim: Int, classes: Int,
                             config: LinearProbeConfig = LinearProbeConfig()) -> Training {
        let rows = labels.count
        precondition(rows > 0 && dim > 0 && features.count == rows * dim && labels.allSatisfy { (0..<classes).contains($0) },
                     "LinearProbe.train: \(features.count) floats for \(rows)×\(dim), labels in 0..<\(classes)")
        let (mean, invStd) = standardisation(features, rows: rows, dim: dim)
        let x = prepared(features, rows: rows, dim: dim, mean: mean, invStd: invStd)

        let layout = ParameterLayout()
        let w = layout.add("weight", [classes, dim]), b = layout.add("bias", [classes])
        let theta = Slab(count: layout.count), grad = Slab(count: layout.count)
        var rng = RNG.derived(seed: config.seed, 0x9B0E)
        let bound = 1 / Float(dim).squareRoot()  // PyTorch's nn.Linear initialisation
        for i in 0..<layout[w].count { theta.pointer[layout[w].offset + i] = rng.uniform(-bound, bound) }
        let opt = SGD(count: layout.count, momentum: Float(config.momentum), weightDecay: Float(config.weightDecay))

        let batch = min(config.batchSize, rows)
        let perEpoch = (rows + batch - 1) / batch
        let total = config.epochs * perEpoch
        var step = 0, lastLoss = 0.0
        for epoch in 0..<config.epochs {
            var order = RNG.derived(seed: config.seed, 0xE90C, epoch)
            let perm = order.permutation(rows)
            var epochLoss = 0.0
            for start in stride(from: 0, to: rows, by: batch) {
                let idx = Array(perm[start..<min(rows, start + batch)])
                let xb = Tensor(uninitialized: [idx.count, dim])
                for (r, i) in idx.enumerated() {
                    x.withUnsafeBufferPointer { (xb.pointer + r * dim).update(from: $0.baseAddress! + i * dim, count: dim) }
                }
                grad.zero()
                let t = Tape()
                let p = BoundParameters(tape: t, layout: layout, values: theta, grads: grad)
                let loss = t.crossEntropy(t.linear(t.constant(xb), p[w], p[b]), labels: idx.map { labels[$0] })
                t.backward(loss)
                let lr = LRSchedule.cosine.rate(base: config.lr, step: step, total: total)
                opt.step(params: theta, grads: grad, lr: Float(lr))
                epochLoss += Double(loss.scalar) * Double(idx.count)
                step += 1
            }
            lastLoss = epochLoss / Double(rows)
        }
        let model = LinearProbeModel(dim: dim, classes: classes,
                                     weight: layout.view(w, in: theta).toArray(),
                                     bias: layout.view(b, in: theta).toArray(), mean: mean, invStd: invStd)
        let trainTop1 = topK(model.scores(features), classes: classes, labels: labels, k: 1)
        return Training(model: model, finalLoss: lastLoss, trainTop1: trainTop1)
    }

    /// Fraction of rows whose label is among their k highest scores (ties: the lower class wins).
    // scores: [rows, classes]
    public static func topK(_ scores: [Float], classes: Int, labels: [Int], k: Int) -> Double {
        guard !labels.isEmpty else { return 0 }
        var hits = 0
        for (r, label) in labels.enumerated() {
            let row = scores[(r * classes)..<((r + 1) * classes)]
            let mine = row[row.startIndex + label]
            // rank = classes scoring higher, or equal with a lower index
            var rank = 0
            for (j, s) in row.enumerated() where s > mine || (s == mine && j < label) { rank += 1 }
            if rank < k { hits += 1 }
        }
        return Double(hits) / Double(labels.count)
    }

    /// Per-dimension mean and 1/spread of the L2-normalised rows.
    // x: [rows, dim]
    static func standardisation(_ x: [Float], rows: Int, dim: Int) -> (mean: [Float], invStd: [Float]) {
        var n = x
        FeatureMath.l2Normalise(&n, rows: rows, dim: dim)
        var mean = [Double](repeating: 0, count: dim), sq = [Double](repeating: 0, count: dim)
        for r in 0..<rows { for j in 0..<dim { let v = Double(n[r * dim + j]); mean[j] += v; sq[j] += v * v } }
        var m = [Float](repeating: 0, count: dim), inv = [Float](repeating: 1, count: dim)
        for j in 0..<dim {
            let mu = mean[j] / Double(rows)
            let sd = max(0, sq[j] / Double(rows) - mu * mu).squareRoot()
            m[j] = Float(mu)
            inv[j] = sd > 1e-6 ? Float(1 / sd) : 1
        }
        return (m, inv)
    }

    /// L2-normalised then standardised rows.
    // x: [rows, dim] -> [rows, dim]
    static func prepared(_ x: [Float], rows: Int, dim: Int, mean: [Float], invStd: [Float]) -> [Float] {
        var n = x
        FeatureMath.l2Normalise(&n, rows: rows, dim: dim)
        for r in 0..<rows { for j in 0..<dim { n[r * dim + j] = (n[r * dim + j] - mean[j]) * invStd[j] } }
        return n
    }
}
