/// A contiguous block of floats: either taken from the buffer pool (and given back when the last
/// tensor using it goes away) or a view into memory someone else owns, such as a parameter slab.
public final class Storage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    private let owner: AnyObject?
    private let pooled: Bool

    /// A pooled buffer of `count` floats, contents undefined.
    init(uninitialized count: Int) {
        pointer = BufferPool.shared.take(count)
        self.count = count
        owner = nil
        pooled = true
    }

    /// A view of memory kept alive by `owner`.
    init(view pointer: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
        pooled = false
    }

    deinit { if pooled { BufferPool.shared.give(pointer, count) } }
}

/// A float32 tensor: a shape over contiguous row-major storage (NCTHW for video activations).
/// Tensors share storage by reference; an op's output is never written after the op returns,
/// except gradient accumulators.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let storage: Storage

    public var count: Int { storage.count }
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer }
    public var rank: Int { shape.count }
    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

    /// A tensor whose contents are undefined (the caller fills every element).
    public init(uninitialized shape: [Int]) {
        self.shape = shape
        storage = Storage(uninitialized: Tensor.elementCount(shape))
    }

    /// Wraps existing storage (a view or a shared buffer); `shape` must cover it exactly.
    public init(shape: [Int], storage: Storage) {
        precondition(Tensor.elementCount(shape) == storage.count,
                     "Tensor: shape \(shape) does not match storage of \(storage.count) floats")
        self.shape = shape
        self.storage = storage
    }

    public static func zeros(_ shape: [Int]) -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.pointer.initialize(repeating: 0, count: t.count)
        return t
    }

    public static func filled(_ shape: [Int], _ value: Float) -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.pointer.initialize(repeating: value, count: t.count)
        return t
    }

    public init(shape: [Int], values: [Float]) {
        precondition(Tensor.elementCount(shape) == values.count,
                     "Tensor: \(values.count) values for shape \(shape)")
        self.init(uninitialized: shape)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// Normal(0, std) entries from `rng`.
    public static func randn(_ shape: [Int], std: Float = 1, rng: inout RNG) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.pointer[i] = rng.normal() * std }
        return t
    }

    /// Uniform [lo, hi) entries from `rng`.
    public static func uniform(_ shape: [Int], _ lo: Float, _ hi: Float, rng: inout RNG) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.pointer[i] = rng.uniform(lo, hi) }
        return t
    }

    /// The same storage under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, storage: storage) }

    /// A fresh copy.
    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.pointer.update(from: pointer, count: count)
        return t
    }

    public func toArray() -> [Float] { Array(buffer) }

    /// A view of rows [range) of the leading dimension (shares memory).
    // self: [N, ...] -> [range.count, ...]
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows: \(range) of \(shapeText)")
        let per = count / max(1, shape[0])
        var s = shape
        s[0] = range.count
        return Tensor(shape: s, storage: Storage(view: pointer + range.lowerBound * per, count: range.count * per, owner: storage))
    }

    /// A copy of the listed rows of the leading dimension, in order.
    // self: [N, ...] -> [index.count, ...]
    public func gatherRows(_ index: [Int]) -> Tensor {
        let per = count / max(1, shape[0])
        var s = shape
        s[0] = index.count
        let t = Tensor(uninitialized: s)
        for (r, i) in index.enumerated() { (t.pointer + r * per).update(from: pointer + i * per, count: per) }
        return t
    }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        nonmutating set { pointer[i] = newValue }
    }

    public func fill(_ v: Float) { pointer.update(repeating: v, count: count) }

    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Shape as text for messages: `[16, 3, 8, 64, 64]`.
    public var shapeText: String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
