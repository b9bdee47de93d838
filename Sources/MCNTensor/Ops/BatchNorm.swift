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
        precondition(shape.count >= 2 && gamma.shape == [shape[1]] && beta.shape == [shape[1]],
                     "batchNorm: input \(x.value.shapeText), gamma \(gamma.value.shapeText), beta \(beta.value.shapeText)")
        let n = shape[0], c = shape[1], l = shape.dropFirst(2).reduce(1, *)
        let m = n * l
        let xp = x.value.pointer, gp = gamma.value.pointer, bp = beta.value.pointer
        let y = Tensor(uninitialized: shape)
        let yp = y.pointer
        let mean = Tensor(uninitialized: [c]), invstd = Tensor(uninitialized: [c])
        // y = x·scale + shift per channel (then the ReLU): kept so the backward's ReLU mask is
        // recomputed from x with the very same factors.
        let scale = Tensor(uninitialized: [c]), shift = Tensor(uninitialized: [c])
        let mp = mean.pointer, ip = invstd.pointer, sp = scale.pointer, hp = shift.pointer
        defer { withExtendedLifetime(mean) {}; withExtendedLifetime(invstd) {}; withExtendedLifetime(scale) {}; withExtendedLifetime(shift) {} }
        let batchStats = training
        // Each channel's statistics and then at once its normalised values: its slice of x (n·l
        // floats) is then still in the core's cache for the second read.
        parallelFor(c, work: x.value.count) { ch in
            if batchStats {
                var mu = 0.0, variance = 0.0
                mcn_bn_moments(xp + ch * l, n, c * l, l, &mu, &variance)
                mp[ch] = Float(mu)
                ip[ch] = Float(1 / (variance + Double(state.eps)).squareRoot())
                if self.updateRunningStats {
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
            mcn_bn_apply(xp + ch * l, yp + ch * l, n, c * l, l, a, b, relu ? 1 : 0)
        }
        return output(relu ? .batchNormReLU3d : .batchNorm3d, y, inputs: [x, gamma, beta]) { out in
            {
                // Re-derive the pointers from the captured tensors so they stay alive.
                let mp = mean.pointer, ip = invstd.pointer, xp = x.value.pointer, gp = gamma.value.pointer
                let sp = scale.pointer, hp = shift.pointer
                // With the ReLU its gradient is dy where the forward's x·scale + shift > 0, else 0:
                // computed from x where read, so y is not read again (nor a mask stored).
                let dyp = out.grad!.pointer
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
                    let a = batchStats ? Float(sdy / Double(m)) : 0, b = batchStats ? Float(sdyx / Double(m)) : 0
                    mcn_bn_backward_dx(xp + ch * l, dyp + ch * l, r, ra, rb, dx + ch * l, n, c * l, l, mu, iv, gi, a, b,
                                       fresh ? 0 : 1)
                }
            }
        }
    }
}
