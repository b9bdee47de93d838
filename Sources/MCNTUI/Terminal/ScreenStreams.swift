#if canImport(Glibc)
import Glibc
#endif

/// Whether the screen can run on the standard streams: it reads keys from standard input and draws
/// on standard output, and both must be a terminal. Input at its end (`< /dev/null`, a closed pipe)
/// makes every key read return at once, so the screen loop spins a whole core and q is never read;
/// output to a pipe or file gets curses' escape codes without end.
public enum ScreenStreams {
    /// Why the screen cannot run on these streams (one line naming the stream), or nil when it can.
    public static func problem(stdinIsTerminal: Bool, stdoutIsTerminal: Bool) -> String? {
        switch (stdinIsTerminal, stdoutIsTerminal) {
        case (true, true): return nil
        case (false, true): return "standard input is not a terminal (the screen reads its keys there)"
        case (true, false): return "standard output is not a terminal (the screen would write escape codes there)"
        case (false, false): return "standard input and output are not a terminal"
        }
    }

    /// The problem of this process's standard input and output, or nil.
    public static func problem() -> String? {
        problem(stdinIsTerminal: isatty(STDIN_FILENO) == 1, stdoutIsTerminal: isatty(STDOUT_FILENO) == 1)
    }
}
