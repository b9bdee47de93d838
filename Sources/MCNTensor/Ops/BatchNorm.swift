import CTensorKernels
import Foundation

/// Running statistics of one BatchNorm layer: views into the model's buffer slab.
public struct BatchNormState {
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let momentum: Float
    public let eps: Float

    public init(runningMean: Tensor, runningVar: Tensor, momentum: Float = 0.1, eps: Float = 1e-5) {
        self.runningMean = runningMean; self.runningVar = runningVar
        self.momentum = momentum; self.eps = eps
    }
}

/// What a BatchNorm's forward works out per channel and its backward reuses: the statistics used
/// (batch or running), and y = x·scale + shift (then the ReLU), kept so the backward's ReLU mask is
/// recomputed from x with the very same factors.
struct BatchNormFactors {
    // mean, invstd, scale, shift: [C]
    let mean, invstd, scale, shift: Tensor
    /// Batch statistics (training) rather than running ones.
    let batchStats: Bool
}

extension Tape {
    /// Batch normalisation over N and all positions of each channel. In training, batch
    /// statistics (and, when `updateRunningStats`, an update of the running ones); otherwise the
    /// running statistics.
    // x: [N, C, ...] -> [N, C, ...]; gamma, beta: [C]
    public func batchNorm(_ x: Variable, gamma: Variable, beta: Variable, state: BatchNormState) -> Variable {
        batchNorm(x, gamma: gamma, beta: beta, state: state, relu: false)
    }

    /// relu(batchNorm(x)) in one op: the normalised values are written once, already rectified,
    /// and the backward masks dy where the forward's x·scale + shift > 0 (recomputed from x) while
    /// it reduces, so neither direction makes a pass of its own for the ReLU nor keeps the pre-ReLU
    /// tensor.
    // x: [N, C, ...] -> [N, C, ...]; gamma, beta: [C]
    public func batchNormReLU(_ x: Variable, gamma: Variable, beta: Variable, state: BatchNormState) -> Variable {
        batchNorm(x, gamma: gamma, beta: beta, state: state, relu: true)
    }

    // x: [N, C, ...] -> [N, C, ...]; gamma, beta: [C]
    private func batchNorm(_ x: Variable, gamma: Variable, beta: Variable, state: BatchNormState, relu: Bool) -> Variable {
        let shape = x.shape
        let n = shape[0], c = shape[1], l = shape.dropFirst(2).reduce(1, *)
        let y = Tensor(uninitialized: shape)
        let xp = x.value.pointer, yp = y.pointer
        // Each channel's normalised values right after its statistics: its slice of x (n·l floats)
        // is then still in the core's cache for the second read.
        let f = batchNormFactors(x, gamma: gamma, beta: beta, state: state) { ch, a, b in
            mcn_bn_apply(xp + ch * l, yp + ch * l, n, c * l, l, a, b, relu ? 1 : 0)
        }
        return output(relu ? .batchNormReLU3d : .batchNorm3d, y, inputs: [x, gamma, beta]) { out in
            { self.batchNormBackward(x, gamma: gamma, beta: beta, dy: out.grad!.pointer, f, relu: relu) }
        }
    }

    /// Each channel's statistics (batch or running; the running ones updated when asked) and
    /// factors; `then(channel, scale, shift)` runs on the same worker as soon as a channel's are known.
    // x: [N, C, ...]; gamma, beta: [C]
    func batchNormFactors(_ x: Variable, gamma: Variable, beta: Variable, state: BatchNormState,
                          then: ((Int, Float, Float) -> Void)?) -> BatchNormFactors {
        let shape = x.shape
        precondition(shape.count >= 2 && gamma.shape == [shape[1]] && beta.shape == [shape[1]],
                     "batchNorm: input \(x.value.shapeText), gamma \(gamma.value.shapeText), beta \(beta.value.shapeText)")
        let n = shape[0], c = shape[1], l = shape.dropFirst(2).reduce(1, *)
        let m = n * l
        let xp = x.value.pointer, gp = gamma.value.pointer, bp = beta.value.pointer
        let f = BatchNormFactors(mean: Tensor(uninitialized: [c]), invstd: Tensor(uninitialized: [c]),
                                 scale: Tensor(uninitialized: [c]), shift: Tensor(uninitialized: [c]), batchStats: training)
        let mp = f.mean.pointer, ip = f.invstd.pointer, sp = f.scale.pointer, hp = f.shift.pointer
        let update = updateRunningStats
        // Statistics the convolution that made x gathered as it wrote it (ChannelMoments).
        let gathered = x.channelMoments.flatMap { $0.samples == n && $0.channels == c ? $0 : nil }
        parallelFor(c, work: x.value.count) { ch in
            if f.batchStats {
                var mu = 0.0, variance = 0.0
                if let gathered {
                    (mu, variance) = gathered.meanVariance(channel: ch, y: xp, l: l)
                } else {
                    mcn_bn_moments(xp + ch * l, n, c * l, l, &mu, &variance)
                }
                mp[ch] = Float(mu)
                ip[ch] = Float(1 / (variance + Double(state.eps)).squareRoot())
                if update {
                    let unbiased = m > 1 ? variance * Double(m) / Double(m - 1) : variance
                    state.runningMean.pointer[ch] = (1 - state.momentum) * state.runningMean.pointer[ch] + state.momentum * Float(mu)
                    state.runningVar.pointer[ch] = (1 - state.momentum) * state.runningVar.pointer[ch] + state.momentum * Float(unbiased)
                }
            } else {
                mp[ch] = state.runningMean.pointer[ch]
                ip[ch] = 1 / (state.runningVar.pointer[ch] + state.eps).squareRoot()
            }
            let a = gp[ch] * ip[ch], b = bp[ch] - mp[ch] * a
            (sp[ch], hp[ch]) = (a, b)
            then?(ch, a, b)
        }
        return f
    }

    /// dγ, dβ and dx (added) of BatchNorm (then ReLU, with `relu`) for the output gradient dy.
    // x, dy: [N, C, ...]; gamma, beta: [C]
    func batchNormBackward(_ x: Variable, gamma: Variable, beta: Variable, dy dyp: UnsafePointer<Float>,
                           _ f: BatchNormFactors, relu: Bool) {
        let shape = x.shape
        let n = shape[0], c = shape[1], l = shape.dropFirst(2).reduce(1, *)
        let m = n * l
        let mp = f.mean.pointer, ip = f.invstd.pointer, xp = x.value.pointer, gp = gamma.value.pointer
        let sp = f.scale.pointer, hp = f.shift.pointer
        // With the ReLU its gradient is dy where the forward's x·scale + shift > 0, else 0:
        // computed from x where read, so y is not read again (nor a mask stored).
        let dg = gamma.requiresGrad ? gamma.gradPointer() : nil
        let db = beta.requiresGrad ? beta.gradPointer() : nil
        let (dx, fresh) = x.requiresGrad ? x.gradForWrite() : (nil, false)
        parallelFor(c, work: x.value.count) { ch in
            let mu = mp[ch], iv = ip[ch]
            var sdy = 0.0, sdyx = 0.0
            let (r, ra, rb): (Int32, Float, Float) = (relu ? 1 : 0, sp[ch], hp[ch])
            mcn_bn_backward_sums(xp + ch * l, dyp + ch * l, r, ra, rb, n, c * l, l, mu, iv, &sdy, &sdyx)
            dg?[ch] += Float(sdyx)
            db?[ch] += Float(sdy)
            guard let dx else { return }
            let gi = gp[ch] * iv
            // With running statistics the mean and variance are constants: dx = gi·g.
            let a = f.batchStats ? Float(sdy / Double(m)) : 0, b = f.batchStats ? Float(sdyx / Double(m)) : 0
            mcn_bn_backward_dx(xp + ch * l, dyp + ch * l, r, ra, rb, dx + ch * l, n, c * l, l, mu, iv, gi, a, b,
                               fresh ? 0 : 1)
        }
    }
}
