import Foundation

/// A validated safetensors header: the tensors (in data order), the metadata, and where the data
/// section starts in the file.
public struct SafeTensorsHeader: Sendable, Equatable {
    public let tensors: [SafeTensorInfo]
    public let metadata: [String: String]
    /// Byte offset of the data section in the file (8 + header length).
    public let dataStart: Int
    /// Length of the data section in bytes.
    public let dataLength: Int

    public func tensor(_ name: String) -> SafeTensorInfo? { tensors.first { $0.name == name } }

    /// Parses and checks a header against the file size: the JSON object, each entry's dtype,
    /// shape and offsets, that dtype size × elements = byte length, and that the tensors tile the
    /// data section exactly (contiguous, in bounds, nothing left over). Errors name `source`.
    public static func parse(prefix: Data, fileSize: Int, source: String) throws -> SafeTensorsHeader {
        func bad(_ problem: String) -> FileError { FileError("\(source): not a valid safetensors file: \(problem)") }
        guard fileSize >= 8, prefix.count >= 8 else { throw bad("shorter than the 8-byte header length") }
        let n = prefix.prefix(8).enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
        guard n >= 2, n <= 100_000_000 else { throw bad("header length \(n) is out of range") }
        let dataStart = 8 + Int(n)
        guard dataStart <= fileSize else { throw bad("header length \(n) runs past the end of the file (\(fileSize) bytes; truncated?)") }
        guard prefix.count >= dataStart else { throw bad("header is incomplete") }
        let json = prefix.subdata(in: prefix.startIndex + 8 ..< prefix.startIndex + dataStart)
        guard json.first == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: json),
              let dict = object as? [String: Any] else { throw bad("header is not a JSON object") }

        var tensors: [SafeTensorInfo] = []
        var metadata: [String: String] = [:]
        for (name, value) in dict {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw bad("__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw bad("__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let entry = value as? [String: Any] else { throw bad("entry '\(name)' is not an object") }
            guard let dt = entry["dtype"] as? String, let dtype = SafeTensorDType(rawValue: dt) else {
                throw bad("tensor '\(name)' has a missing or unknown dtype")
            }
            guard let shapeAny = entry["shape"] as? [Any], let shape = integers(shapeAny), shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("tensor '\(name)' has an invalid shape")
            }
            guard let offAny = entry["data_offsets"] as? [Any], let off = integers(offAny), off.count == 2,
                  off[0] >= 0, off[0] <= off[1] else {
                throw bad("tensor '\(name)' has invalid data_offsets")
            }
            let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            guard elements * dtype.byteSize == off[1] - off[0] else {
                throw bad("tensor '\(name)' is \(off[1] - off[0]) bytes but \(dtype.rawValue) \(shape) needs \(elements * dtype.byteSize)")
            }
            tensors.append(SafeTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: off[0]..<off[1]))
        }
        tensors.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
        let dataLength = fileSize - dataStart
        var end = 0
        for t in tensors {
            guard t.dataOffsets.lowerBound == end else {
                throw bad(t.dataOffsets.lowerBound < end ? "tensor '\(t.name)' overlaps the previous one"
                                                         : "gap before tensor '\(t.name)'")
            }
            end = t.dataOffsets.upperBound
            guard end <= dataLength else {
                throw bad("tensor '\(t.name)' ends at byte \(end) of a \(dataLength)-byte data section (truncated?)")
            }
        }
        guard end == dataLength else { throw bad("data section is \(dataLength) bytes but the tensors cover \(end)") }
        return SafeTensorsHeader(tensors: tensors, metadata: metadata, dataStart: dataStart, dataLength: dataLength)
    }

    private static func integers(_ a: [Any]) -> [Int]? {
        var out: [Int] = []
        for x in a {
            guard let i = x as? Int else { return nil }
            out.append(i)
        }
        return out
    }
}

/// A whole safetensors file, validated, with typed access to its tensors.
public struct SafeTensorsFile: Sendable {
    public let path: String
    public let header: SafeTensorsHeader
    private let bytes: Data

    /// Reads and validates `path`.
    public init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw FileError("\(path): cannot read the file")
        }
        try self.init(data: data, source: path)
    }

    /// Validates the bytes of a file; `source` names it in errors.
    public init(data: Data, source: String) throws {
        self.path = source
        self.header = try SafeTensorsHeader.parse(prefix: data, fileSize: data.count, source: source)
        self.bytes = data
    }

    /// Reads and validates only the header of `path` against the file's size (cheap: does not
    /// read the tensors), e.g. to check a checkpoint before resuming from it.
    public static func readHeader(path: String) throws -> SafeTensorsHeader {
        guard let h = FileHandle(forReadingAtPath: path) else { throw FileError("\(path): cannot open the file") }
        defer { try? h.close() }
        let size = Int((try? h.seekToEnd()) ?? 0)
        try? h.seek(toOffset: 0)
        let first = (try? h.read(upToCount: 8)) ?? Data()
        var prefix = first
        if first.count == 8 {
            let n = first.enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
            if n <= 100_000_000, 8 + Int(n) <= size, let rest = try? h.read(upToCount: Int(n)) { prefix.append(rest) }
        }
        return try SafeTensorsHeader.parse(prefix: prefix, fileSize: size, source: path)
    }

    public var tensors: [SafeTensorInfo] { header.tensors }
    public var metadata: [String: String] { header.metadata }
    public var names: [String] { header.tensors.map(\.name) }

    /// The tensor's info, or an error naming the file and the missing name.
    public func info(_ name: String) throws -> SafeTensorInfo {
        guard let t = header.tensor(name) else { throw FileError("\(path): no tensor named '\(name)'") }
        return t
    }

    /// A float32 tensor's values.
    public func floats(_ name: String) throws -> [Float] {
        let t = try info(name)
        var out = [Float](repeating: 0, count: t.elementCount)
        try out.withUnsafeMutableBufferPointer { try copyFloats(name, into: $0) }
        return out
    }

    /// Copies a float32 tensor into `buffer`, whose count must equal the tensor's.
    public func copyFloats(_ name: String, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        let t = try info(name)
        guard t.dtype == .f32 else { throw FileError("\(path): tensor '\(name)' is \(t.dtype.rawValue), not F32") }
        guard buffer.count == t.elementCount else {
            throw FileError("\(path): tensor '\(name)' has \(t.elementCount) elements, expected \(buffer.count)")
        }
        copy(t, into: UnsafeMutableRawBufferPointer(buffer))
    }

    /// An int64 tensor's values.
    public func int64s(_ name: String) throws -> [Int64] {
        let t = try info(name)
        guard t.dtype == .i64 else { throw FileError("\(path): tensor '\(name)' is \(t.dtype.rawValue), not I64") }
        var out = [Int64](repeating: 0, count: t.elementCount)
        out.withUnsafeMutableBytes { copy(t, into: $0) }
        return out
    }

    private func copy(_ t: SafeTensorInfo, into dst: UnsafeMutableRawBufferPointer) {
        let start = header.dataStart + t.dataOffsets.lowerBound
        bytes.withUnsafeBytes { src in
            dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start ..< start + t.dataOffsets.count]))
        }
    }
}
