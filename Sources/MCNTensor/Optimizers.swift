/// An optimiser over one parameter slab; its state is itself slabs, saved beside checkpoints.
public protocol Optimizer: AnyObject {
    /// θ ← update(θ, ∇) at learning rate `lr`.
    func step(params: Slab, grads: Slab, lr: Float)
    /// Named state slabs (e.g. `momentum_buffer`) and the step count, for checkpoints.
    var stateSlabs: [(name: String, slab: Slab)] { get }
    var stepCount: Int { get set }
}

/// SGD with momentum (PyTorch's form: v = μv + g + λθ; θ -= lr·v) and L2 weight decay.
public final class SGD: Optimizer {
    public let momentum: Float
    public let weightDecay: Float
    public let nesterov: Bool
    let velocity: Slab
    public var stepCount = 0

    public init(count: Int, momentum: Float = 0.9, weightDecay: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum; self.weightDecay = weightDecay; self.nesterov = nesterov
        velocity = Slab(count: count)
    }

    public var stateSlabs: [(name: String, slab: Slab)] { [("momentum_buffer", velocity)] }

    public func step(params: Slab, grads: Slab, lr: Float) {
        let p = params.pointer, g = grads.pointer, v = velocity.pointer
        let (mu, wd, first, nest) = (momentum, weightDecay, stepCount == 0, nesterov)
        parallelRanges(params.count) { r in
            for i in r {
                let d = g[i] + wd * p[i]
                if mu == 0 { p[i] -= lr * d; continue }
                v[i] = first ? d : mu * v[i] + d
                p[i] -= lr * (nest ? d + mu * v[i] : v[i])
            }
        }
        stepCount += 1
    }
}

/// Adam, with L2 decay added to the gradient (Adam) or decoupled from it (AdamW).
public final class Adam: Optimizer {
    public let beta1, beta2, eps, weightDecay: Float
    public let decoupled: Bool
    let m, v: Slab
    public var stepCount = 0

    public init(count: Int, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps
        self.weightDecay = weightDecay; self.decoupled = decoupled
        m = Slab(count: count); v = Slab(count: count)
    }

    public var stateSlabs: [(name: String, slab: Slab)] { [("exp_avg", m), ("exp_avg_sq", v)] }

    public func step(params: Slab, grads: Slab, lr: Float) {
        stepCount += 1
        let t = Float(stepCount)
        let c1 = 1 - pow(beta1, t), c2 = 1 - pow(beta2, t)
        let p = params.pointer, g = grads.pointer, mp = m.pointer, vp = v.pointer
        let (b1, b2, e, wd, dec) = (beta1, beta2, eps, weightDecay, decoupled)
        parallelRanges(params.count) { r in
            for i in r {
                var d = g[i]
                if dec { p[i] -= lr * wd * p[i] } else { d += wd * p[i] }
                mp[i] = b1 * mp[i] + (1 - b1) * d
                vp[i] = b2 * vp[i] + (1 - b2) * d * d
                p[i] -= lr * (mp[i] / c1) / ((vp[i] / c2).squareRoot() + e)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
