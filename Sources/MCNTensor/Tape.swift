/// A value on the tape: a tensor and, once backward has reached it, its gradient.
public final class Variable {
    public let value: Tensor
    /// Accumulated gradient; for parameters it is a view into the gradient slab.
    public internal(set) var grad: Tensor?
    public let requiresGrad: Bool

    init(_ value: Tensor, requiresGrad: Bool, grad: Tensor? = nil) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.grad = grad
    }

    public var shape: [Int] { value.shape }

    /// The gradient buffer, allocated as zeros on first use.
    @inline(__always)
    func gradPointer() -> UnsafeMutablePointer<Float> {
        if let g = grad { return g.pointer }
        let g = Tensor.zeros(value.shape)
        grad = g
        return g.pointer
    }

    /// The single value of a one-element tensor (a loss).
    public var scalar: Float { value.pointer[0] }
}

/// Every op the engine has. Each has a forward/backward pair and a finite-difference gradient
/// check; the test suite fails when a case here has no check.
public enum OpKind: String, CaseIterable, Sendable {
    case conv3d, batchNorm3d, relu, silu, softplus
    case add, sub, mul, scale, abs, sum, mean
    case maxPool3d, avgPool3d, globalAvgPool
    case linear, matmul
    case concat, slice, reshape, gatherRows
    case l2Normalize, logSoftmax, crossEntropy, ntXent
}

/// Records each op with its saved forward values and replays the backward closures in reverse.
/// One tape lives for one forward/backward pass. With `recording` off (evaluation) nothing is
/// kept and no gradient flows.
public final class Tape {
    public let recording: Bool
    /// BatchNorm uses batch statistics when true, running statistics when false.
    public let training: Bool
    /// BatchNorm updates its running statistics only when true (off for MAML's extra passes).
    public var updateRunningStats: Bool
    /// When true, each op's output is scanned for NaN/Inf and the first offender is kept.
    public var checkFinite = false
    /// Called with every convolution's geometry as it runs (the benchmark lists layer shapes).
    public var onConv: ((Conv3dGeometry) -> Void)?
    /// The first op whose output held a NaN or Inf, with its shapes (when `checkFinite`).
    public private(set) var firstNonFinite: String?

    private var records: [(kind: OpKind, output: Variable, backward: () -> Void)] = []

    public init(recording: Bool = true, training: Bool = true, updateRunningStats: Bool = true) {
        self.recording = recording
        self.training = training
        self.updateRunningStats = updateRunningStats
    }

    /// A value gradients do not flow into (inputs, labels).
    public func constant(_ t: Tensor) -> Variable { Variable(t, requiresGrad: false) }

    /// A value whose gradient is wanted (a leaf).
    public func leaf(_ t: Tensor) -> Variable { Variable(t, requiresGrad: recording) }

    /// A leaf whose gradient accumulates into `grad` (e.g. a view into a gradient slab).
    public func leaf(_ t: Tensor, gradInto grad: Tensor) -> Variable {
        precondition(grad.shape == t.shape, "leaf: gradient shape \(grad.shapeText) != value shape \(t.shapeText)")
        return Variable(t, requiresGrad: recording, grad: grad)
    }

    /// Wraps an op's output; records its backward closure when any input needs a gradient.
    func output(_ kind: OpKind, _ value: Tensor, inputs: [Variable],
                backward: (Variable) -> (() -> Void)) -> Variable {
        if checkFinite && firstNonFinite == nil && !value.buffer.allSatisfy({ $0.isFinite }) {
            firstNonFinite = "\(kind.rawValue): output \(value.shapeText) from inputs "
                + inputs.map { $0.value.shapeText }.joined(separator: ", ")
        }
        let needs = recording && inputs.contains { $0.requiresGrad }
        let out = Variable(value, requiresGrad: needs)
        if needs { records.append((kind, out, backward(out))) }
        return out
    }

    /// Back-propagates from `loss` with seed gradient 1 (or `gradient`, same shape as the output).
    public func backward(_ loss: Variable, gradient: Tensor? = nil) {
        guard loss.requiresGrad else { return }
        if let gradient {
            precondition(gradient.shape == loss.shape, "backward: seed \(gradient.shapeText) vs output \(loss.value.shapeText)")
            let p = loss.gradPointer()
            for i in 0..<gradient.count { p[i] += gradient.pointer[i] }
        } else {
            let p = loss.gradPointer()
            for i in 0..<loss.value.count { p[i] += 1 }
        }
        // An output no gradient reached (unused) contributes nothing.
        for r in records.reversed() where r.output.grad != nil { r.backward() }
        records.removeAll()
    }

    /// The kinds of op recorded so far (for tests).
    public var recordedKinds: [OpKind] { records.map(\.kind) }
}
