import Dispatch

/// A value on the tape: a tensor and, once backward has reached it, its gradient.
public final class Variable {
    public let value: Tensor
    /// Accumulated gradient; for parameters it is a view into the gradient slab.
    public internal(set) var grad: Tensor?
    public let requiresGrad: Bool
    /// Batch statistics of `value` gathered by the op that made it (a convolution asked for them),
    /// for the BatchNorm that reads it.
    public internal(set) var channelMoments: ChannelMoments?

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

    /// The gradient buffer for an op that writes every element of it: when no gradient has
    /// arrived yet, a new buffer left uninitialised and `fresh` true (the op assigns instead of
    /// adding, which saves a zero fill and a read pass); else the gradient so far.
    @inline(__always)
    func gradForWrite() -> (pointer: UnsafeMutablePointer<Float>, fresh: Bool) {
        if let g = grad { return (g.pointer, false) }
        let g = Tensor(uninitialized: value.shape)
        grad = g
        return (g.pointer, true)
    }

    /// The single value of a one-element tensor (a loss).
    public var scalar: Float { value.pointer[0] }
}

/// Every op the engine has. Each has a forward/backward pair and a finite-difference gradient
/// check; the test suite fails when a case here has no check.
public enum OpKind: String, CaseIterable, Sendable {
    case conv3d, batchNorm3d, batchNormReLU3d, batchNormReLUConv3d, batchNormAddReLU, relu, silu, softplus
    case add, addReLU, sub, mul, scale, abs, sum, mean
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

    private var records: [(kind: OpKind, detail: OpDetail?, output: Variable, backward: () -> Void)] = []
    /// When set, seconds spent per op kind (forward and backward) accumulate here.
    public var profile: OpProfile?
    private var lastOutputTime: UInt64 = 0

    public init(recording: Bool = true, training: Bool = true, updateRunningStats: Bool = true) {
        self.recording = recording
        self.training = training
        self.updateRunningStats = updateRunningStats
    }

    /// Starts the forward clock of the profile (call before the first op).
    public func startProfiling(_ p: OpProfile) {
        profile = p
        lastOutputTime = DispatchTime.now().uptimeNanoseconds
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
    func output(_ kind: OpKind, _ value: Tensor, inputs: [Variable], detail: OpDetail? = nil,
                backward: (Variable) -> (() -> Void)) -> Variable {
        if checkFinite && firstNonFinite == nil && !value.buffer.allSatisfy({ $0.isFinite }) {
            firstNonFinite = "\(kind.rawValue): output \(value.shapeText) from inputs "
                + inputs.map { $0.value.shapeText }.joined(separator: ", ")
        }
        if let profile {
            // Ops run one after another, so the time since the last output is this op's forward.
            let now = DispatchTime.now().uptimeNanoseconds
            if lastOutputTime > 0 { profile.add(kind, detail, forward: Double(now - lastOutputTime) / 1e9) }
            lastOutputTime = now
        }
        let needs = recording && inputs.contains { $0.requiresGrad }
        let out = Variable(value, requiresGrad: needs)
        if needs { records.append((kind, detail, out, backward(out))) }
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
        for r in records.reversed() where r.output.grad != nil {
            if let profile {
                let t0 = DispatchTime.now().uptimeNanoseconds
                r.backward()
                profile.add(r.kind, r.detail, backward: Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            } else {
                r.backward()
            }
        }
        records.removeAll()
    }

    /// The kinds of op recorded so far (for tests).
    public var recordedKinds: [OpKind] { records.map(\.kind) }
}

/// What a profile lists an op under besides its kind (one convolution layer shape): a label and
/// the FLOPs of its forward and backward, for a rate.
public struct OpDetail: Sendable {
    public let label: String
    public let forwardFlops, backwardFlops: Double
}

/// Seconds per op kind, forward and backward (a profile of where a step's time goes), and per
/// detailed op (each convolution shape) in order of first appearance.
public final class OpProfile {
    public private(set) var forward: [OpKind: Double] = [:]
    public private(set) var backward: [OpKind: Double] = [:]
    /// Per detail label: seconds and FLOPs, forward and backward, summed over calls.
    public private(set) var details: [(label: String, forward: Double, backward: Double, forwardFlops: Double, backwardFlops: Double)] = []
    private var detailIndex: [String: Int] = [:]
    public init() {}
    func add(_ k: OpKind, _ d: OpDetail?, forward s: Double) {
        forward[k, default: 0] += s
        if let d { let i = slot(d.label); details[i].forward += s; details[i].forwardFlops += d.forwardFlops }
    }
    func add(_ k: OpKind, _ d: OpDetail?, backward s: Double) {
        backward[k, default: 0] += s
        if let d { let i = slot(d.label); details[i].backward += s; details[i].backwardFlops += d.backwardFlops }
    }
    private func slot(_ label: String) -> Int {
        if let i = detailIndex[label] { return i }
        details.append((label, 0, 0, 0, 0))
        detailIndex[label] = details.count - 1
        return details.count - 1
    }

    /// Each op kind's and each detailed op's seconds as their median over several profiles (say, one
    /// per pass): a row then says what that op takes in a typical pass, whatever spells of a shared
    /// machine the other passes hit (a sum over passes takes them all in). The rows' medians need not
    /// add up to a typical pass's total. Detailed ops in order of first appearance in any profile.
    /// (With an even count, the upper of the two middle values.)
    public static func median(_ profiles: [OpProfile]) -> OpProfile {
        let m = OpProfile()
        func mid(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.sorted()[v.count / 2] }
        for k in Set(profiles.flatMap { Array($0.forward.keys) + Array($0.backward.keys) }) {
            m.forward[k] = mid(profiles.map { $0.forward[k] ?? 0 })
            m.backward[k] = mid(profiles.map { $0.backward[k] ?? 0 })
        }
        for p in profiles {
            for d in p.details where m.detailIndex[d.label] == nil {
                let rows = profiles.map { q in q.detailIndex[d.label].map { q.details[$0] } }
                let i = m.slot(d.label)
                m.details[i].forward = mid(rows.map { $0?.forward ?? 0 })
                m.details[i].backward = mid(rows.map { $0?.backward ?? 0 })
                m.details[i].forwardFlops = mid(rows.map { $0?.forwardFlops ?? 0 })
                m.details[i].backwardFlops = mid(rows.map { $0?.backwardFlops ?? 0 })
            }
        }
        return m
    }

    /// One line per op kind, the most expensive first.
    public var table: String {
        let kinds = Set(forward.keys).union(backward.keys)
        let rows = kinds.map { ($0, forward[$0] ?? 0, backward[$0] ?? 0) }.sorted { $0.1 + $0.2 > $1.1 + $1.2 }
        let width = rows.map(\.0.rawValue.count).max() ?? 0
        return rows.map { $0.0.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + " fwd " + ms($0.1) + "  bwd " + ms($0.2) }
            .joined(separator: "\n")
    }

    /// One line per detailed op in order of first appearance: seconds and GFLOP/s, forward and
    /// backward, and its share of all the time profiled.
    public var detailTable: String {
        let total = forward.values.reduce(0, +) + backward.values.reduce(0, +)
        return details.map { d in
            d.label.padding(toLength: 34, withPad: " ", startingAt: 0) + " fwd " + ms(d.forward) + rate(d.forwardFlops, d.forward)
                + "  bwd " + ms(d.backward) + rate(d.backwardFlops, d.backward)
                + "  " + rightAligned(oneDecimal(100 * (d.forward + d.backward) / max(total, 1e-12)) + "%", 6)
        }.joined(separator: "\n")
    }
}

private func rate(_ flops: Double, _ s: Double) -> String {
    rightAligned(s > 0 ? oneDecimal(flops / s / 1e9) + " GFLOP/s" : "-", 15)
}

private func oneDecimal(_ v: Double) -> String { "\((v * 10).rounded() / 10)" }

private func rightAligned(_ t: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - t.count)) + t
}

private func ms(_ s: Double) -> String {
    let v = (s * 1e5).rounded() / 100
    let t = "\(v) ms"
    return String(repeating: " ", count: max(0, 11 - t.count)) + t
}
