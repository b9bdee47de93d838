import Foundation

/// Builds a safetensors file: an 8-byte little-endian header length, a JSON header
/// `{"__metadata__": {...}, name: {"dtype", "shape", "data_offsets"}, ...}` padded with spaces
/// to 8-byte alignment, then the tensors' bytes contiguous in the order they were added.
/// Names are PyTorch-style dotted names (`layer1.0.conv1.weight`).
public struct SafeTensorsWriter {
    /// Free-form string pairs stored under `__metadata__` (written with sorted keys).
    public var metadata: [String: String]
    private var entries: [(name: String, dtype: SafeTensorDType, shape: [Int], bytes: Data)] = []
    private var names = Set<String>()

    public init(metadata: [String: String] = [:]) { self.metadata = metadata }

    /// Names in the order they were added.
    public var tensorNames: [String] { entries.map(\.name) }

    /// Adds a float32 tensor; `floats.count` must equal the product of `shape`.
    public mutating func add(_ name: String, shape: [Int], floats: UnsafeBufferPointer<Float>) throws {
        try add(name, .f32, shape: shape, count: floats.count, bytes: Data(buffer: floats))
    }

    /// Adds a float32 tensor.
    public mutating func add(_ name: String, shape: [Int], floats: [Float]) throws {
        try floats.withUnsafeBufferPointer { try add(name, shape: shape, floats: $0) }
    }

    /// Adds an int64 tensor (e.g. BatchNorm's `num_batches_tracked`, shape `[]`).
    public mutating func add(_ name: String, shape: [Int], int64s: [Int64]) throws {
        try int64s.withUnsafeBufferPointer {
            try add(name, .i64, shape: shape, count: $0.count, bytes: Data(buffer: $0))
        }
    }

    private mutating func add(_ name: String, _ dtype: SafeTensorDType, shape: [Int], count: Int, bytes: Data) throws {
        guard !name.isEmpty, name != "__metadata__" else { throw FileError("safetensors: invalid tensor name '\(name)'") }
        guard !names.contains(name) else { throw FileError("safetensors: tensor '\(name)' added twice") }
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == count else {
            throw FileError("safetensors: tensor '\(name)' has \(count) elements but shape \(shape)")
        }
        names.insert(name)
        entries.append((name, dtype, shape, bytes))
    }

    /// The length prefix and the padded JSON header.
    public func header() -> Data {
        var parts: [String] = []
        if !metadata.isEmpty {
            let kv = metadata.sorted { $0.key < $1.key }
                .map { "\(JSONText.quote($0.key)):\(JSONText.quote($0.value))" }
            parts.append("\"__metadata__\":{\(kv.joined(separator: ","))}")
        }
        var offset = 0
        for e in entries {
            let end = offset + e.bytes.count
            let shape = e.shape.map(String.init).joined(separator: ",")
            parts.append("\(JSONText.quote(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var json = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var out = Data(count: 8)
        let n = UInt64(json.count).littleEndian
        withUnsafeBytes(of: n) { out.replaceSubrange(0..<8, with: $0) }
        out.append(contentsOf: json)
        return out
    }

    /// The whole file's bytes.
    public func encoded() -> Data {
        var out = header()
        for e in entries { out.append(e.bytes) }
        return out
    }

    /// Writes the file atomically (temporary name, fsync, rename).
    public func write(to path: String) throws {
        try AtomicFile.write(to: path) { sink in
            try sink.write(header())
            for e in entries { try sink.write(e.bytes) }
        }
    }
}
