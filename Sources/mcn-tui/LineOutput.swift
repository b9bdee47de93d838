#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to a file descriptor at once (unbuffered), ignoring failures. Foundation's
/// FileHandle.write traps when the write fails, and after an SSH hangup the terminal is gone
/// (EIO): a trainer saying "stopping …" would die there before writing its checkpoint.
func writeLine(_ s: String, to fd: Int32) {
    let bytes = Array((s + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { return }
    }
}

/// Writes a line to standard error.
func printError(_ s: String) { writeLine(s, to: STDERR_FILENO) }

/// Writes a line to standard output at once, so figures appear as they are measured.
func emitLine(_ s: String) { writeLine(s, to: STDOUT_FILENO) }
