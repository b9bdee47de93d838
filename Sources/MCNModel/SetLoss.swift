import MCNTensor

/// The ordered pairs (u, v) of one set that the meta branch classifies: label 1 when both views
/// come from one video. Drawn once per step, so every pass of a MAML step sees the same pairs.
public struct MetaPairs: Sendable, Equatable {
    public var u: [Int]
    public var v: [Int]
    public var labels: [Int]

    /// Every positive pair, plus `negativesPerPositive` negatives per positive with the same anchor
    /// (or every negative pair when 0).
    // groups: M video ids of the set's views
    public static func sample(groups: [Int], negativesPerPositive: Int, rng: inout RNG) -> MetaPairs {
        var p = MetaPairs(u: [], v: [], labels: [])
        let m = groups.count
        for a in 0..<m {
            let negatives = (0..<m).filter { groups[$0] != groups[a] }
            for b in 0..<m where b != a && groups[b] == groups[a] {
                p.u.append(a); p.v.append(b); p.labels.append(1)
                if negativesPerPositive > 0 && !negatives.isEmpty {
                    for _ in 0..<negativesPerPositive {
                        p.u.append(a); p.v.append(negatives[rng.int(below: negatives.count)]); p.labels.append(0)
                    }
                }
            }
            if negativesPerPositive == 0 {
                for b in negatives { p.u.append(a); p.v.append(b); p.labels.append(0) }
            }
        }
        return p
    }
}

/// One stage's losses on one set: L = L_con + λ·L_meta, and what was measured on the way.
public struct SetLossResult {
    public let total: Variable
    public let contrastive: Float
    public let meta: Float
    public let metaAccuracy: Double
    /// Per anchor video (index into the set's video ids): mean meta loss and pair accuracy.
    public let tasks: [(video: Int, loss: Double, accuracy: Double)]
}

extension MCNNetwork {
    /// The MCN losses of one set of clips. With `withMeta` false, the contrastive loss alone.
    // clips: [M, 3, T, H, W], groups: M video ids
    public func setLoss(_ t: Tape, _ p: BoundParameters, _ buf: BufferViews, clips: Variable,
                        groups: [Int], pairs: MetaPairs?) -> SetLossResult {
        let h = features(t, p, buf, clips)
        let z = t.l2Normalize(projection(t, p, h))
        let lCon = t.ntXent(z, groups: groups, temperature: lossConfig.temperature)
        guard let pairs, !pairs.u.isEmpty else {
            return SetLossResult(total: lCon, contrastive: lCon.scalar, meta: 0, metaAccuracy: 0, tasks: [])
        }
        let m = lossConfig.fcmInput == .projection ? z : h
        let f = lossConfig.fcm.combine(t, t.gatherRows(m, pairs.u), t.gatherRows(m, pairs.v))
        let logits = meta(t, p, f)
        let lMeta = t.crossEntropy(logits, labels: pairs.labels)
        let total = lossConfig.lambda == 0 ? lCon : t.add(lCon, t.scale(lMeta, lossConfig.lambda))
        return SetLossResult(total: total, contrastive: lCon.scalar, meta: lMeta.scalar,
                             metaAccuracy: accuracy(logits.value, labels: pairs.labels),
                             tasks: perTask(logits.value, pairs: pairs, groups: groups))
    }

    /// Mean pair loss and accuracy grouped by the anchor's video.
    // logits: [P, 2]
    func perTask(_ logits: Tensor, pairs: MetaPairs, groups: [Int]) -> [(video: Int, loss: Double, accuracy: Double)] {
        var loss: [Int: (Double, Double, Int)] = [:]
        for (r, a) in pairs.u.enumerated() {
            let l0 = Double(logits[r * 2]), l1 = Double(logits[r * 2 + 1])
            let mx = max(l0, l1)
            let lse = mx + (exp(l0 - mx) + exp(l1 - mx)).logValue
            let ce = lse - (pairs.labels[r] == 1 ? l1 : l0)
            let hit = ((l1 > l0) ? 1 : 0) == pairs.labels[r] ? 1.0 : 0.0
            let g = groups[a]
            let cur = loss[g] ?? (0, 0, 0)
            loss[g] = (cur.0 + ce, cur.1 + hit, cur.2 + 1)
        }
        return loss.keys.sorted().map { g in
            let (l, a, n) = loss[g]!
            return (g, l / Double(n), a / Double(n))
        }
    }
}

private extension Double {
    var logValue: Double { Foundation.log(self) }
}
import Foundation
