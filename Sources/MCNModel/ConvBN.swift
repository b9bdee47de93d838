import MCNTensor
#if canImport(Glibc)
import Glibc
#endif

/// Registers parameters and buffers under a dotted prefix.
public struct LayoutBuilder {
    public let params: ParameterLayout
    public let buffers: ParameterLayout
    public let prefix: String

    public init(params: ParameterLayout, buffers: ParameterLayout, prefix: String) {
        self.params = params; self.buffers = buffers; self.prefix = prefix
    }

    public func child(_ name: String) -> LayoutBuilder {
        LayoutBuilder(params: params, buffers: buffers, prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
    }

    public func param(_ name: String, _ shape: [Int]) -> ParameterHandle { params.add("\(prefix).\(name)", shape) }
    public func buffer(_ name: String, _ shape: [Int]) -> ParameterHandle { buffers.add("\(prefix).\(name)", shape) }
}

/// A BatchNorm layer's handles: γ, β (parameters) and running mean/variance (buffers).
public struct BatchNormLayer {
    public let weight, bias, runningMean, runningVar: ParameterHandle
    public let channels: Int

    init(_ b: LayoutBuilder, channels: Int) {
        weight = b.param("weight", [channels]); bias = b.param("bias", [channels])
        runningMean = b.buffer("running_mean", [channels]); runningVar = b.buffer("running_var", [channels])
        self.channels = channels
    }

    // x: [N, C, T, H, W] -> same
    func callAsFunction(_ t: Tape, _ p: BoundParameters, _ buffers: BufferViews, _ x: Variable) -> Variable {
        t.batchNorm(x, gamma: p[weight], beta: p[bias],
                    state: BatchNormState(runningMean: buffers[runningMean], runningVar: buffers[runningVar]))
    }

    /// The layer followed by a ReLU: one fused op (`Tape.batchNormReLU`) unless MCN_FUSED_RELU=0.
    // x: [N, C, T, H, W] -> same
    func withReLU(_ t: Tape, _ p: BoundParameters, _ buffers: BufferViews, _ x: Variable) -> Variable {
        let state = BatchNormState(runningMean: buffers[runningMean], runningVar: buffers[runningVar])
        guard fuseReLU else { return t.relu(t.batchNorm(x, gamma: p[weight], beta: p[bias], state: state)) }
        return t.batchNormReLU(x, gamma: p[weight], beta: p[bias], state: state)
    }

    /// relu(layer(x) + shortcut): one op (`Tape.batchNormAddReLU`).
    // x, shortcut: [N, C, T, H, W] -> same
    func added(_ t: Tape, _ p: BoundParameters, _ buffers: BufferViews, _ x: Variable, _ shortcut: Variable) -> Variable {
        let state = BatchNormState(runningMean: buffers[runningMean], runningVar: buffers[runningVar])
        return t.batchNormAddReLU(x, gamma: p[weight], beta: p[bias], state: state, shortcut)
    }

    /// The layer and a ReLU, then a convolution by w: one op (`Tape.batchNormReLUConv3d`, which
    /// falls back to two where the convolution cannot take them on the way in) unless MCN_FUSED_RELU=0.
    // x: [N, C, T, H, W] -> [N, O, T', H', W']
    func withReLU(_ t: Tape, _ p: BoundParameters, _ buffers: BufferViews, _ x: Variable, convolvedBy w: Variable,
                  stride: (Int, Int, Int), padding: (Int, Int, Int)) -> Variable {
        guard fuseReLU else {
            return t.conv3d(withReLU(t, p, buffers, x), w, stride: stride, padding: padding, gatherMoments: true)
        }
        let state = BatchNormState(runningMean: buffers[runningMean], runningVar: buffers[runningVar])
        return t.batchNormReLUConv3d(x, gamma: p[weight], beta: p[bias], state: state, w, stride: stride, padding: padding,
                                     gatherMoments: true)
    }
}

/// Tensor views of a model's buffer slab, made once per slab.
public final class BufferViews {
    private let views: [Tensor]
    public init(layout: ParameterLayout, slab: Slab) {
        views = layout.entries.indices.map { layout.view(ParameterHandle(index: $0), in: slab) }
    }
    public subscript(h: ParameterHandle) -> Tensor { views[h.index] }
}

/// conv3d (no bias) followed by BatchNorm: the unit every backbone is made of.
public struct ConvBN {
    public let conv: ParameterHandle
    public let bn: BatchNormLayer
    public let kernel, stride, padding: (Int, Int, Int)
    public let inChannels, outChannels: Int

    /// `convName`/`bnName` follow torchvision's video ResNet naming (e.g. `0` and `1` in a Sequential).
    init(_ b: LayoutBuilder, convName: String, bnName: String, in ci: Int, out co: Int,
         kernel: (Int, Int, Int), stride: (Int, Int, Int), padding: (Int, Int, Int)) {
        conv = b.param("\(convName).weight", [co, ci, kernel.0, kernel.1, kernel.2])
        bn = BatchNormLayer(b.child(bnName), channels: co)
        self.kernel = kernel; self.stride = stride; self.padding = padding
        inChannels = ci; outChannels = co
    }

    /// The BatchNorm (+ ReLU) is left to whatever reads the result (see Activation).
    // x: [N, Cin, T, H, W] -> [N, Cout, T', H', W']
    func callAsFunction(_ t: Tape, _ p: BoundParameters, _ buffers: BufferViews, _ x: Activation, relu: Bool) -> Activation {
        let c = x.convolved(t, p, buffers, by: p[conv], stride: stride, padding: padding)
        return relu ? .beforeBatchNormReLU(c, bn) : .beforeBatchNorm(c, bn)
    }
}

/// On by default: a ReLU after BatchNorm or after the residual add runs inside that op
/// (`Tape.batchNormReLU`, `Tape.addReLU`). MCN_FUSED_RELU=0 runs them as separate ops (for A/B runs).
let fuseReLU = getenv("MCN_FUSED_RELU").map { String(cString: $0) != "0" } ?? true
