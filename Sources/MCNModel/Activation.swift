import MCNTensor

/// What flows from one layer to the next: a tensor, or a convolution's output whose BatchNorm
/// (+ ReLU) is still to come, so that what reads it next takes them on the way in — a convolution
/// (`BatchNormLayer.withReLU(_:_:_:_:convolvedBy:…)`) or a block's residual add
/// (`BatchNormLayer.added(…)`) — and the normalised tensor is never written.
enum Activation {
    case tensor(Variable)
    case beforeBatchNormReLU(Variable, BatchNormLayer)
    case beforeBatchNorm(Variable, BatchNormLayer)

    /// The tensor itself (a pending BatchNorm (+ ReLU) applied).
    func materialised(_ t: Tape, _ p: BoundParameters, _ buffers: BufferViews) -> Variable {
        switch self {
        case let .tensor(v): return v
        case let .beforeBatchNormReLU(v, bn): return bn.withReLU(t, p, buffers, v)
        case let .beforeBatchNorm(v, bn): return bn(t, p, buffers, v)
        }
    }

    /// relu(self + shortcut): a residual block's end.
    // self, shortcut: [N, C, T, H, W] -> same
    func addedReLU(_ t: Tape, _ p: BoundParameters, _ buffers: BufferViews, _ shortcut: Variable) -> Variable {
        if case let .beforeBatchNorm(v, bn) = self, fuseReLU, ConvolutionPaths.fusedBatchNorm {
            return bn.added(t, p, buffers, v, shortcut)
        }
        let h = materialised(t, p, buffers)
        return fuseReLU ? t.addReLU(h, shortcut) : t.relu(t.add(h, shortcut))
    }

    /// conv3d of the activation by w (no bias), gathering the batch statistics of its output for the
    /// BatchNorm that follows every convolution here (ChannelMoments).
    // -> [N, O, T', H', W']
    func convolved(_ t: Tape, _ p: BoundParameters, _ buffers: BufferViews, by w: Variable,
                   stride: (Int, Int, Int), padding: (Int, Int, Int)) -> Variable {
        switch self {
        case let .tensor(v): return t.conv3d(v, w, stride: stride, padding: padding, gatherMoments: true)
        case let .beforeBatchNormReLU(v, bn):
            return bn.withReLU(t, p, buffers, v, convolvedBy: w, stride: stride, padding: padding)
        case .beforeBatchNorm:
            return t.conv3d(materialised(t, p, buffers), w, stride: stride, padding: padding, gatherMoments: true)
        }
    }
}
