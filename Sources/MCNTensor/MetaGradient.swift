/// How the outer (meta-test) gradient of a MAML step treats the inner step.
public enum MetaOrder: String, Sendable, CaseIterable {
    /// ∇θ' L(Q; θ') applied to θ.
    case firstOrder = "first-order"
    /// The exact d/dθ L(Q; θ − α∇L(S; θ)).
    case secondOrder = "second-order"
    /// The exact gradient of L(S; θ) + L(Q; θ') (MLDG).
    case mldg
}

/// Which pass a loss closure is asked for, so the caller can, e.g., update BatchNorm running
/// statistics only on the real passes.
public enum MetaPass: Sendable {
    case support, query, hvpPlus, hvpMinus
}

/// What one meta step measured.
public struct MetaStepResult: Sendable {
    public var supportLoss: Float
    public var queryLoss: Float
    public var innerGradNorm: Double
    /// The factor the inner gradient was scaled by (1 when under the clip).
    public var innerClipScale: Float
}

/// The MAML outer gradient for one parameter slab. `loss(pass, params, grads)` must run a forward
/// and backward pass of the named set (support or query) at `params`, accumulate ∇ into `grads`
/// (zeroed by the caller of this function, not by `loss`) and return the loss.
///
/// Second order uses the finite-difference Hessian-vector product
///   H_S v ≈ [∇L(S; θ + εv) − ∇L(S; θ − εv)] / 2ε,  v = ∇θ' L(Q; θ'),
/// exact to O(ε²) at two extra backward passes and no double-backward of any op:
///   d/dθ L(Q; θ') = (I − α·c·H_S) v, with c the inner clip factor (treated as a constant).
/// `epsilon` is the length of the perturbation εv (relative to ‖θ‖ when `relative`).
public struct MetaGradient {
    public var alpha: Float
    public var clip: Float
    public var order: MetaOrder
    public var epsilon: Float

    public init(alpha: Float, clip: Float = 0, order: MetaOrder, epsilon: Float = 1e-2) {
        self.alpha = alpha; self.clip = clip; self.order = order; self.epsilon = epsilon
    }

    /// Writes the outer gradient into `grad` (overwritten). `work` provides scratch slabs of the
    /// layout's size, reused across steps.
    public func compute(theta: Slab, grad: Slab, work: MetaWorkspace,
                        loss: (MetaPass, Slab, Slab) -> Float) -> MetaStepResult {
        let gS = work.supportGrad, fast = work.fastWeights
        gS.zero()
        let lS = loss(.support, theta, gS)
        let norm = gS.norm()
        let c: Float = (clip > 0 && norm > Double(clip)) ? Float(Double(clip) / norm) : 1
        fast.assign(theta, plus: -alpha * c, times: gS)          // θ' = θ − α·c·∇L(S; θ)
        grad.zero()
        let lQ = loss(.query, fast, grad)                        // grad = v = ∇θ' L(Q; θ')
        if order != .firstOrder && alpha != 0 {
            let vNorm = grad.norm()
            if vNorm > 0 {
                let eps = Float(Double(epsilon) / vNorm)
                let gPlus = work.hvpPlus, gMinus = work.hvpMinus
                fast.assign(theta, plus: eps, times: grad)
                gPlus.zero()
                _ = loss(.hvpPlus, fast, gPlus)
                fast.assign(theta, plus: -eps, times: grad)
                gMinus.zero()
                _ = loss(.hvpMinus, fast, gMinus)
                // grad −= α·c·(g+ − g−)/2ε
                let k = alpha * c / (2 * eps)
                grad.add(-k, gPlus)
                grad.add(k, gMinus)
            }
        }
        if order == .mldg { grad.add(1, gS) }
        return MetaStepResult(supportLoss: lS, queryLoss: lQ, innerGradNorm: norm, innerClipScale: c)
    }
}

/// Scratch slabs of a MAML step, allocated once per layout.
public final class MetaWorkspace {
    public let supportGrad, fastWeights, hvpPlus, hvpMinus: Slab

    public init(count: Int) {
        supportGrad = Slab(count: count); fastWeights = Slab(count: count)
        hvpPlus = Slab(count: count); hvpMinus = Slab(count: count)
    }
}
