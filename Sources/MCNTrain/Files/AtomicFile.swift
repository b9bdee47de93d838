import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file-system error as one line naming the file and the problem.
public struct FileError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func posix(_ what: String, _ path: String) -> FileError {
        FileError("\(path): \(what) failed: \(String(cString: strerror(errno)))")
    }
}

/// Writes whole files so that a crash never leaves a half-written file in place of a good one:
/// the bytes go to a temporary name in the same directory, are fsynced, and the temporary file is
/// renamed over the target (then the directory is fsynced so the rename itself is durable).
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { sink in
            try data.withUnsafeBytes { try sink.write($0) }
        }
    }

    /// Writes a UTF-8 string to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Streams bytes through `body` into a temporary file, then renames it to `path`. When `body`
    /// throws, the temporary file is removed and `path` is untouched.
    public static func write(to path: String, _ body: (FileSink) throws -> Void) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let temp = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.posix("creating a temporary file for", path) }
        let sink = FileSink(fd: fd, path: path)
        do {
            try body(sink)
            guard fsync(fd) == 0 else { throw FileError.posix("fsync", path) }
            guard close(fd) == 0 else { throw FileError.posix("close", path) }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        guard rename(temp, path) == 0 else {
            let e = FileError.posix("rename", path)
            unlink(temp)
            throw e
        }
        syncDirectory(dir.isEmpty ? "." : dir)
    }

    /// fsyncs a directory so renames and new entries in it survive a power cut (best effort).
    static func syncDirectory(_ dir: String) {
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}

/// Whole writes to a file descriptor (write(2) until every byte is out): where
/// `AtomicFile.write(to:_:)` sends bytes, and the metrics logs and command output append.
public final class FileSink {
    let fd: Int32
    let path: String
    /// Bytes written so far.
    public private(set) var count = 0

    /// Writes to `fd`, which it does not close; `path` names the file in errors.
    public init(fd: Int32, path: String) { self.fd = fd; self.path = path }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.posix("write", path)
            }
            p += n
            left -= n
            count += n
        }
    }

    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        try write(Data(text.utf8))
    }
}
