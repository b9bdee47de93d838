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

    /// relu(batchNorm(x) + shortcut) in one op: a residual block's last BatchNorm, its add and the
    /// ReLU, so the normalised tensor is never written. The backward's g = dy where y > 0 is the
    /// shortcut's gradient and BatchNorm's output gradient.
    // x, shortcut: [N, C, ...] -> same; gamma, beta: [C]
    public func batchNormAddReLU(_ x: Variable, gamma: Variable, beta: Variable, state: BatchNormState,
                                 _ shortcut: Variable) -> Variable {
        let shape = x.shape
        precondition(shortcut.shape == shape && x !== shortcut,
                     "batchNormAddReLU: input \(x.value.shapeText), shortcut \(shortcut.value.shapeText)")
        let n = shape[0], c = shape[1], l = shape.dropFirst(2).reduce(1, *)
        let y = Tensor(uninitialized: shape)
        let xp = x.value.pointer, sp = shortcut.value.pointer, yp = y.pointer
        let f = batchNormFactors(x, gamma: gamma, beta: beta, state: state) { ch, a, b in
            mcn_bn_add_relu(xp + ch * l, sp + ch * l, yp + ch * l, n, c * l, l, a, b)
        }
        return output(.batchNormAddReLU, y, inputs: [x, gamma, beta, shortcut]) { out in
            {
                let dy = out.grad!.pointer, yp = out.value.pointer, count = out.value.count
                // g into the shortcut's gradient when it holds none yet (the usual case: the block's
                // input is reached here first), else into a buffer of its own, then added.
                let (ds, fresh) = shortcut.requiresGrad ? shortcut.gradForWrite() : (nil, false)
                let own = ds != nil && fresh ? nil : Tensor(uninitialized: shape)
                let g = own?.pointer ?? ds!
                parallelRanges(count) { r in
                    mcn_relu_backward(yp + r.lowerBound, dy + r.lowerBound, g + r.lowerBound, r.count, 0)
                }
                self.batchNormBackward(x, gamma: gamma, beta: beta, dy: g, f, relu: false)
                if let ds, let own {
                    parallelRanges(count) { r in for i in r { ds[i] += own.pointer[i] } }
                }
            }
        }
    }

    /// conv3d(relu(batchNorm(x)), w) in one op where the convolution's paths can take the
    /// BatchNorm + ReLU on the way in (ConvInputTransform): the normalised tensor is then never
    /// written. The backward recomputes it in the weight gradient's copies of x, takes the input
    /// gradient of the convolution into a buffer and runs BatchNorm's backward on it. With
    /// `gatherMoments` the output's batch statistics are kept for the next BatchNorm (as conv3d's).
    /// Elsewhere (or
    /// with `ConvolutionPaths.fusedBatchNorm` off) the two ops one after the other.
    // x: [N, C, T, H, W], gamma, beta: [C], w: [O, C, kt, kh, kw] -> [N, O, T', H', W']
    public func batchNormReLUConv3d(_ x: Variable, gamma: Variable, beta: Variable, state: BatchNormState,
                                    _ w: Variable, stride: (Int, Int, Int) = (1, 1, 1),
                                    padding: (Int, Int, Int) = (0, 0, 0), gatherMoments: Bool = false) -> Variable {
        let g = Conv3dGeometry(input: x.shape, weight: w.shape, stride: stride, padding: padding)
        guard ConvInputTransform.fusedEnabled, ConvInputTransform.fits(g) else {
            return conv3d(batchNormReLU(x, gamma: gamma, beta: beta, state: state), w, stride: stride, padding: padding,
                          gatherMoments: gatherMoments)
        }
        onConv?(g)
        let f = batchNormFactors(x, gamma: gamma, beta: beta, state: state, then: nil)
        let transform = ConvInputTransform(scale: f.scale.pointer, shift: f.shift.pointer)
        let y = Tensor(uninitialized: g.outputShape)
        let moments = gatherMoments && training && ChannelMoments.enabled ? ChannelMoments(samples: g.n, channels: g.o) : nil
        conv3dForward(x.value, w.value, g, into: y.pointer, accumulate: false, transform: transform, moments: moments)
        withExtendedLifetime(f) {}
        let detail = profile == nil ? nil : OpDetail(
            label: "conv." + g.label, forwardFlops: g.forwardFlops,
            backwardFlops: g.forwardFlops * Double((x.requiresGrad ? 1 : 0) + (w.requiresGrad ? 1 : 0)))
        let out = output(.batchNormReLUConv3d, y, inputs: [x, gamma, beta, w], detail: detail) { out in
            {
                let needsZ = x.requiresGrad || gamma.requiresGrad || beta.requiresGrad
                // The gradient with respect to the normalised, rectified input.
                let dz = needsZ ? Tensor(uninitialized: x.shape) : nil
                let dw = w.requiresGrad ? w.gradPointer() : nil
                if ConvInputTransform.fits(g) {
                    let transform = ConvInputTransform(scale: f.scale.pointer, shift: f.shift.pointer)
                    conv3dBackward(x.value, w.value, out.grad!.pointer, g, dw: dw, dx: dz?.pointer, dxFresh: true,
                                   transform: transform)
                } else {
                    // A switch changed the paths since the forward: the input written out after all.
                    let z = self.normalisedReLU(x.value, f)
                    conv3dBackward(z, w.value, out.grad!.pointer, g, dw: dw, dx: dz?.pointer, dxFresh: true)
                }
                if let dz { self.batchNormBackward(x, gamma: gamma, beta: beta, dy: dz.pointer, f, relu: true) }
                withExtendedLifetime(f) {}
            }
        }
        if moments?.filled == true { out.channelMoments = moments }
        return out
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

    /// max(x·scale + shift, 0) per channel, written out.
    // x: [N, C, ...] -> same
    private func normalisedReLU(_ x: Tensor, _ f: BatchNormFactors) -> Tensor {
        let (n, c) = (x.shape[0], x.shape[1])
        let l = x.shape.dropFirst(2).reduce(1, *)
        let z = Tensor(uninitialized: x.shape)
        let (xp, zp, sp, hp) = (x.pointer, z.pointer, f.scale.pointer, f.shift.pointer)
        parallelFor(c, work: x.count) { ch in mcn_bn_apply(xp + ch * l, zp + ch * l, n, c * l, l, sp[ch], hp[ch], 1) }
        return z
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
