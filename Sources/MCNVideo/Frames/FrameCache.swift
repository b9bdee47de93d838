import Foundation
import Synchronization

/// Decoded, resized frames on disk: one file per (video path, size, modification time, short
/// side), memory-mapped when read. Decoding again every epoch is the dominant input cost on a
/// CPU; with the cache warm a clip is a crop out of mapped memory. The directory is bounded in
/// size (oldest-used files go first) and an entry whose video changed is simply not found again
/// (its key holds the old size and time) and ages out.
public final class FrameCache: Sendable {
    public let directory: String
    public let maxBytes: Int

    private static let magic: [UInt8] = Array("MCNFRM01".utf8)
    private static let headerBytes = 64
    private let writing = Mutex(0)

    /// `~/.cache/mcn-tui/frames` (or `$XDG_CACHE_HOME/mcn-tui/frames`).
    public static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache")
        return ((base as NSString).appendingPathComponent("mcn-tui") as NSString).appendingPathComponent("frames")
    }

    /// The cached short side for crops of `size` pixels: a little larger, so random crops and
    /// centre crops have room (128 for 112, 73 for 64).
    public static func shortSide(forCrop size: Int) -> Int { Int((Double(size) * 8 / 7).rounded()) }

    public init(directory: String = FrameCache.defaultDirectory, maxBytes: Int = 8 << 30) throws {
        self.directory = directory
        self.maxBytes = maxBytes
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw VideoError(.cache, path: directory, "cannot create the frame cache directory")
        }
    }

    /// The frames of `path` with short side `shortSide`: from the cache when a current entry is
    /// there (`hit` true), else decoded, stored and returned. Throws the decoder's VideoError.
    public func frames(path: String, shortSide: Int) throws -> (video: DecodedVideo, hit: Bool) {
        let key = try Self.key(path: path, shortSide: shortSide)
        let file = entryPath(key)
        if let v = load(file, key: key) {
            touch(file)
            return (v, true)
        }
        let reader = try VideoReader(path: path)
        let size = reader.sizeForShortSide(shortSide)
        let frames = try reader.decodeAll(outWidth: size.width, outHeight: size.height)
        let video = DecodedVideo(frames, fps: reader.fps)
        store(frames, fps: reader.fps, key: key, to: file)
        return (video, false)
    }

    /// Bytes the cache directory holds now.
    public func currentBytes() -> Int {
        entries().reduce(0) { $0 + $1.size }
    }

    /// Removes every entry.
    public func clear() {
        for e in entries() { try? FileManager.default.removeItem(atPath: e.path) }
    }

    // MARK: - Entries

    /// "path|bytes|mtime|side": what makes an entry current.
    static func key(path: String, shortSide: Int) throws -> String {
        try VideoReader.checkFile(path)
        let full = (path as NSString).standardizingPath
        var st = stat()
        guard stat(full, &st) == 0 else { throw VideoError(.notFound, path: path, "no such file") }
        return "\(full)|\(st.st_size)|\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)|\(shortSide)"
    }

    private func entryPath(_ key: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return (directory as NSString).appendingPathComponent(String(format: "%016llx.frames", h))
    }

    private func load(_ file: String, key: String) -> DecodedVideo? {
        guard let m = MappedFile(path: file), m.size >= Self.headerBytes else { return nil }
        let b = m.bytes
        guard Array(UnsafeBufferPointer(start: b, count: 8)) == Self.magic else { return nil }
        func u32(_ at: Int) -> Int { Int(UnsafeRawPointer(b + at).loadUnaligned(as: UInt32.self).littleEndian) }
        let w = u32(8), h = u32(12), n = u32(16), keyLen = u32(20)
        let fps = Double(UnsafeRawPointer(b + 24).loadUnaligned(as: UInt64.self).littleEndian) / 1e6
        let dataOffset = Self.headerBytes + ((keyLen + 63) / 64) * 64
        guard w > 0, h > 0, n > 0, m.size == dataOffset + n * w * h * 3,
              String(decoding: UnsafeBufferPointer(start: b + Self.headerBytes, count: keyLen), as: UTF8.self) == key
        else { return nil }
        return DecodedVideo(mapped: m, offset: dataOffset, width: w, height: h, count: n, fps: fps)
    }

    /// Writes to a temporary name and renames, so a reader never maps a half-written entry.
    private func store(_ f: VideoFrames, fps: Double, key: String, to file: String) {
        var data = Data(Self.magic)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        let keyBytes = Array(key.utf8)
        u32(f.width); u32(f.height); u32(f.count); u32(keyBytes.count)
        withUnsafeBytes(of: UInt64(fps * 1e6).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(count: Self.headerBytes - data.count))
        data.append(contentsOf: keyBytes)
        data.append(Data(count: ((keyBytes.count + 63) / 64) * 64 - keyBytes.count))
        data.append(contentsOf: f.rgb)
        let serial = writing.withLock { n -> Int in n += 1; return n }
        let tmp = file + ".tmp-\(getpid())-\(serial)"
        do {
            try data.write(to: URL(fileURLWithPath: tmp))
            if rename(tmp, file) != 0 { try? FileManager.default.removeItem(atPath: tmp); return }
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            return // a cache that can't be written only costs speed
        }
        evictIfNeeded(keeping: file)
    }

    private func touch(_ file: String) {
        _ = utimes(file, nil)
    }

    private struct Entry { var path: String; var size: Int; var mtime: Double }

    private func entries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".frames") }.compactMap { n in
            let p = (directory as NSString).appendingPathComponent(n)
            var st = stat()
            guard stat(p, &st) == 0 else { return nil }
            return Entry(path: p, size: Int(st.st_size),
                         mtime: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
        }
    }

    /// Deletes the least recently used entries until the directory fits `maxBytes`.
    private func evictIfNeeded(keeping: String) {
        var all = entries()
        var total = all.reduce(0) { $0 + $1.size }
        if total <= maxBytes { return }
        all.sort { $0.mtime < $1.mtime }
        for e in all where total > maxBytes && e.path != keeping {
            if unlink(e.path) == 0 { total -= e.size }
        }
    }
}
