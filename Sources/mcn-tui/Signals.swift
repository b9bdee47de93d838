import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C and SIGTERM: the first asks for a clean stop (the engine checkpoints and exits), a
/// second exits at once.
enum StopSignals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var count = 0

    static func install(onFirst: @escaping @Sendable () -> Void, onSecond: @escaping @Sendable () -> Void = { exit(130) }) {
        let queue = DispatchQueue(label: "mcn.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler {
                count += 1
                if count == 1 { onFirst() } else { onSecond() }
            }
            s.resume()
            sources.append(s)
        }
    }
}

/// Writes a line to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
