import CTensorKernels

/// BatchNorm taken into what reads it, so that the normalised tensor is never written: the next
/// convolution (which applies it as it copies its input) or a residual block's add.
extension Tape {
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
                // input is reached here first), else into a buffer of its own, and added there too.
                let (ds, fresh) = shortcut.requiresGrad ? shortcut.gradForWrite() : (nil, false)
                let own = ds != nil && fresh ? nil : Tensor(uninitialized: shape)
                let g = own?.pointer ?? ds!
                reluBackward(yp, dy, into: g, count: count, accumulate: false)
                self.batchNormBackward(x, gamma: gamma, beta: beta, dy: g, f, relu: false)
                if let ds, own != nil { reluBackward(yp, dy, into: ds, count: count, accumulate: true) }
            }
        }
    }

    /// conv3d(relu(batchNorm(x)), w) in one op where the convolution's paths can take the
    /// BatchNorm + ReLU on the way in (ConvInputTransform): the normalised tensor is then never
    /// written. The backward recomputes it in the weight gradient's copies of x, takes the input
    /// gradient of the convolution into a buffer and runs BatchNorm's backward on it. With
    /// `gatherMoments` the output's batch statistics are kept for the next BatchNorm (as conv3d's).
    /// Elsewhere (or with `ConvolutionPaths.fusedBatchNorm` off) the two ops one after the other.
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
        let moments = momentsBuffer(g, asked: gatherMoments)
        conv3dForward(x.value, w.value, g, into: y.pointer, accumulate: false, transform: transform, moments: moments)
        withExtendedLifetime(f) {}
        let out = output(.batchNormReLUConv3d, y, inputs: [x, gamma, beta, w], detail: convolutionDetail(g, x, w)) { out in
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
        out.keep(moments)
        return out
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
}
