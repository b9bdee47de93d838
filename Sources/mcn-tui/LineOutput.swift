import Foundation
import MCNTrain
#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to a file descriptor at once (unbuffered), ignoring failures. Foundation's
/// FileHandle.write traps when the write fails, and after an SSH hangup the terminal is gone
/// (EIO): a trainer saying "stopping …" would die there before writing its checkpoint.
func writeLine(_ s: String, to fd: Int32) {
    try? FileSink(fd: fd, path: "").write(Data((s + "\n").utf8))
}

/// Writes a line to standard error.
func printError(_ s: String) { writeLine(s, to: STDERR_FILENO) }

/// Writes a line to standard output at once, so figures appear as they are measured.
func emitLine(_ s: String) { writeLine(s, to: STDOUT_FILENO) }
