import Foundation

/// NumPy's `.npy` format, version 1.0, for float32 arrays in C order: the magic `\x93NUMPY`,
/// version bytes 1 0, a little-endian UInt16 header length, and a Python dict literal header
/// padded with spaces and a newline so the data starts at a multiple of 64 bytes.
public enum NPY {
    /// The header for a little-endian float32 array of `shape`.
    public static func header(shape: [Int]) -> Data {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }".utf8)
        let unpadded = 10 + dict.count + 1
        dict += [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64)
        dict.append(0x0A)
        var out = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let n = UInt16(dict.count)
        out.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)])
        out.append(contentsOf: dict)
        return out
    }

    /// The whole file for `floats` laid out as `shape` (row-major).
    public static func encode(floats: [Float], shape: [Int]) throws -> Data {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == floats.count else {
            throw FileError("npy: \(floats.count) floats do not fill shape \(shape)")
        }
        var out = header(shape: shape)
        floats.withUnsafeBufferPointer { out.append(Data(buffer: $0)) }
        return out
    }

    /// Writes a float32 `.npy` file atomically.
    public static func write(floats: [Float], shape: [Int], to path: String) throws {
        try AtomicFile.write(encode(floats: floats, shape: shape), to: path)
    }

    /// Reads a float32, C-order `.npy` file (versions 1–3) as written by `write` or NumPy.
    public static func read(path: String) throws -> (shape: [Int], floats: [Float]) {
        guard let d = FileManager.default.contents(atPath: path) else { throw FileError("\(path): cannot read the file") }
        let b = [UInt8](d)
        func bad(_ why: String) -> FileError { FileError("\(path): not a float32 .npy file: \(why)") }
        guard b.count >= 10, b[0] == 0x93, Array(b[1...5]) == Array("NUMPY".utf8) else { throw bad("no NUMPY magic") }
        let major = b[6]
        let (headerLen, start): (Int, Int) = major == 1
            ? (Int(b[8]) | Int(b[9]) << 8, 10)
            : (b.count >= 12 ? (Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24, 12) : (-1, 12))
        guard headerLen >= 0, start + headerLen <= b.count else { throw bad("header runs past the end") }
        let text = String(decoding: b[start..<(start + headerLen)], as: UTF8.self)
        guard text.contains("'descr': '<f4'") else { throw bad("dtype is not '<f4'") }
        guard text.contains("'fortran_order': False") else { throw bad("Fortran order is not supported") }
        guard let open = text.range(of: "'shape': ("), let close = text[open.upperBound...].firstIndex(of: ")") else {
            throw bad("no shape")
        }
        let shape = try text[open.upperBound..<close].split(separator: ",").map { part -> Int in
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v >= 0 else { throw bad("bad shape") }
            return v
        }
        let count = shape.reduce(1, *)
        let dataStart = start + headerLen
        guard b.count - dataStart == count * 4 else {
            throw bad("data is \(b.count - dataStart) bytes, shape \(shape) needs \(count * 4) (truncated?)")
        }
        var floats = [Float](repeating: 0, count: count)
        floats.withUnsafeMutableBytes { dst in
            b.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[dataStart...])) }
        }
        return (shape, floats)
    }
}
