import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C, SIGTERM and SIGHUP (the terminal or the SSH connection closed): the first asks for a
/// clean stop (the engine checkpoints and exits); a further Ctrl-C or SIGTERM exits at once. A
/// hangup only ever asks for the clean stop: it may come twice (to the session's leader and to its
/// foreground group), and the second must not cost the checkpoint (the screen's own handlers, in
/// the CNcurses shim, do the same while it is open). A hangup ignored when the process started
/// (`nohup`) stays ignored: the run goes on.
enum StopSignals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var stopAsked = false

    /// `alreadyStopping`: the stop was asked for another way (the screen closed on a signal), so
    /// Ctrl-C or SIGTERM exits at once.
    static func install(alreadyStopping: Bool = false, onFirst: @escaping @Sendable () -> Void = {},
                        onSecond: @escaping @Sendable () -> Void = { exit(130) }) {
        keepRunningOnBrokenPipes()
        stopAsked = alreadyStopping
        let queue = DispatchQueue(label: "mcn.signals")
        let before = signal(SIGHUP, SIG_IGN)
        let hangupIgnored = unsafeBitCast(before, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
        for sig in [SIGINT, SIGTERM] + (hangupIgnored ? [] : [SIGHUP]) {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler {
                if !stopAsked { stopAsked = true; onFirst() } else if sig != SIGHUP { onSecond() }
            }
            s.resume()
            sources.append(s)
        }
    }

    /// A training command's output piped into a reader that goes away (`| head`, a closed `tee`)
    /// makes writes fail instead of killing the trainer before its checkpoint.
    static func keepRunningOnBrokenPipes() { signal(SIGPIPE, SIG_IGN) }
}
