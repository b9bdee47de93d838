/// One contiguous float buffer holding every parameter (or every gradient, optimiser moment,
/// fast weight) of a model, so a MAML fast-weight copy, an inner SGD step, an optimiser step and
/// a checkpoint are each one pass over one buffer.
public final class Slab: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// A zero-filled slab of `count` floats.
    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: count)
    }

    public convenience init(copying other: Slab) {
        self.init(count: other.count)
        pointer.update(from: other.pointer, count: count)
    }

    deinit { pointer.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public func copy(from other: Slab) {
        precondition(other.count == count, "Slab.copy: \(other.count) floats into \(count)")
        pointer.update(from: other.pointer, count: count)
    }

    /// self = a + alpha · b, element-wise (one pass).
    public func assign(_ a: Slab, plus alpha: Float, times b: Slab) {
        precondition(a.count == count && b.count == count, "Slab.assign: sizes differ")
        let pa = a.pointer, pb = b.pointer, p = pointer
        parallelRanges(count) { r in for i in r { p[i] = pa[i] + alpha * pb[i] } }
    }

    /// self += alpha · x.
    public func add(_ alpha: Float, _ x: Slab) {
        precondition(x.count == count, "Slab.add: sizes differ")
        let px = x.pointer, p = pointer
        parallelRanges(count) { r in for i in r { p[i] += alpha * px[i] } }
    }

    public func scale(_ s: Float) {
        let p = pointer
        for i in 0..<count { p[i] *= s }
    }

    /// Euclidean norm, accumulated in double.
    public func norm() -> Double {
        var s = 0.0
        for i in 0..<count { let v = Double(pointer[i]); s += v * v }
        return s.squareRoot()
    }

    public func dot(_ other: Slab) -> Double {
        var s = 0.0
        for i in 0..<count { s += Double(pointer[i]) * Double(other.pointer[i]) }
        return s
    }

    /// True when every value is finite.
    public func allFinite() -> Bool { buffer.allSatisfy { $0.isFinite } }

    public func toArray() -> [Float] { Array(buffer) }
}

/// Where one named tensor lives inside a slab.
public struct ParameterEntry: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { Tensor.elementCount(shape) }
}

/// A handle to one parameter of a layout, held by the layer that owns it.
public struct ParameterHandle: Sendable, Hashable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

/// The names, shapes and offsets of a model's tensors inside one slab, in registration order.
/// Names are PyTorch-style dotted paths (`backbone.layer1.0.conv1.weight`).
public final class ParameterLayout: @unchecked Sendable {
    public private(set) var entries: [ParameterEntry] = []
    public private(set) var count = 0
    private var byName: [String: Int] = [:]

    public init() {}

    /// Adds a tensor; names must be unique.
    @discardableResult
    public func add(_ name: String, _ shape: [Int]) -> ParameterHandle {
        precondition(byName[name] == nil, "ParameterLayout: duplicate name \(name)")
        let e = ParameterEntry(name: name, shape: shape, offset: count)
        byName[name] = entries.count
        entries.append(e)
        count += e.count
        return ParameterHandle(index: entries.count - 1)
    }

    public func handle(_ name: String) -> ParameterHandle? { byName[name].map(ParameterHandle.init) }

    public subscript(h: ParameterHandle) -> ParameterEntry { entries[h.index] }

    /// A tensor view of one entry inside `slab` (shares memory).
    public func view(_ h: ParameterHandle, in slab: Slab) -> Tensor {
        let e = entries[h.index]
        precondition(slab.count == count, "ParameterLayout.view: slab of \(slab.count) floats for a layout of \(count)")
        return Tensor(shape: e.shape, storage: Storage(view: slab.pointer + e.offset, count: e.count, owner: slab))
    }
}

/// A layout's parameters bound onto one tape: each a leaf variable viewing `values`, with its
/// gradient accumulating into `grads` (when given).
public final class BoundParameters {
    public let layout: ParameterLayout
    private let vars: [Variable]

    public init(tape: Tape, layout: ParameterLayout, values: Slab, grads: Slab?) {
        self.layout = layout
        vars = layout.entries.indices.map { i in
            let h = ParameterHandle(index: i)
            let v = layout.view(h, in: values)
            if let grads { return tape.leaf(v, gradInto: layout.view(h, in: grads)) }
            return tape.constant(v)
        }
    }

    public subscript(h: ParameterHandle) -> Variable { vars[h.index] }
}
