import Foundation

/// All frames of one video at one size, RGB UInt8 [count, height, width, 3], either memory-mapped
/// from the frame cache or held in memory after a fresh decode. Read-only once made.
public final class DecodedVideo: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let count: Int
    public let fps: Double
    private let base: UnsafePointer<UInt8>
    private let owner: AnyObject

    /// Frames held in memory.
    public init(_ frames: VideoFrames, fps: Double) {
        let storage = ByteStorage(frames.rgb)
        width = frames.width; height = frames.height; count = frames.count; self.fps = fps
        base = UnsafePointer(storage.pointer)
        owner = storage
    }

    /// Frames inside a mapped file, starting at `offset`.
    init(mapped: MappedFile, offset: Int, width: Int, height: Int, count: Int, fps: Double) {
        self.width = width; self.height = height; self.count = count; self.fps = fps
        base = mapped.bytes + offset
        owner = mapped
    }

    public var frameBytes: Int { width * height * 3 }

    /// Frame `i` (0..<count), rows packed RGB.
    @inline(__always)
    public func frame(_ i: Int) -> UnsafePointer<UInt8> { base + i * frameBytes }

    /// The frames as one array (copies).
    public var rgb: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count * frameBytes)) }
}

/// A heap copy of bytes with a stable address.
final class ByteStorage {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int
    init(_ bytes: [UInt8]) {
        count = bytes.count
        pointer = .allocate(capacity: max(count, 1))
        bytes.withUnsafeBufferPointer { if count > 0 { pointer.initialize(from: $0.baseAddress!, count: count) } }
    }
    deinit { pointer.deallocate() }
}

/// A read-only memory map of a whole file.
final class MappedFile {
    let bytes: UnsafePointer<UInt8>
    let size: Int
    private let raw: UnsafeMutableRawPointer

    init?(path: String) {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return nil }
        size = Int(st.st_size)
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        raw = p
        bytes = UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
    }

    deinit { munmap(raw, size) }
}
