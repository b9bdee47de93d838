import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock (flock) on a file of a run directory, released when this value goes or the
/// process ends, however it ends (the kernel drops it with the last descriptor, also after kill -9).
///
/// The trainer holds `.trainer.lock` exclusively for as long as it trains into the run, so a second
/// trainer of the same directory is refused instead of interleaving its metrics and checkpoints
/// with the first, and `view` can tell a live run from one whose trainer was killed. Evaluations
/// hold `.results.lock` around their read-modify-write of results.json, so two at once do not drop
/// one another's figures.
public final class RunLock: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    /// False where the file system has no locks (some FUSE and CIFS mounts): nothing is refused there.
    public let isHeld: Bool

    private init(path: String, fd: Int32, isHeld: Bool = true) {
        self.path = path
        self.fd = fd
        self.isHeld = isHeld
    }

    deinit { close(fd) }

    /// Takes the lock on `path` (created when missing) exclusively. Without `wait`, a lock held by
    /// another process is asked for a few times over ~0.1 s (`isHeld` takes it shared for an
    /// instant) and then refused: nil.
    static func exclusive(_ path: String, wait: Bool) throws -> RunLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.posix("opening the lock file", path) }
        if wait {
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else { close(fd); throw FileError.posix("locking", path) }
            }
            return RunLock(path: path, fd: fd)
        }
        for attempt in 0..<5 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return RunLock(path: path, fd: fd) }
            if Self.unsupported.contains(errno) { return RunLock(path: path, fd: fd, isHeld: false) }
            guard errno == EWOULDBLOCK || errno == EINTR else { close(fd); throw FileError.posix("locking", path) }
            if attempt < 4 { usleep(20_000) }
        }
        close(fd)
        return nil
    }

    /// What flock says on file systems without locks.
    static let unsupported: Set<Int32> = [ENOLCK, EOPNOTSUPP, ENOSYS, EINVAL]

    /// Replaces the file's text (the holder's process id, for the message another process gives).
    func record(_ text: String) {
        guard ftruncate(fd, 0) == 0 else { return }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Whether some process holds the lock on `path`; nil when there is no such file.
    static func isHeld(_ path: String) -> Bool? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}
