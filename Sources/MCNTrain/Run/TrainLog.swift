import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// train.log: timestamped engine log lines (`2026-11-27T09:49:22.759Z info    message`),
/// appended with one `write` call each, so every line is on disk as soon as it is logged.
public final class TrainLog: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    private let lock = NSLock()

    /// Opens `path` for appending (a resumed run continues its log).
    public init(path: String) throws {
        self.path = path
        fd = try MetricsLog.openAppend(path)
    }

    deinit { close() }

    public func write(_ level: LogLevel, _ message: String) {
        let text = message.replacingOccurrences(of: "\n", with: " ")
        let line = "\(TrainLog.timestamp()) \(level.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(text)\n"
        lock.lock(); defer { lock.unlock() }
        if fd >= 0 { try? MetricsLog.writeAll(fd, line, path: path) }
    }

    public func info(_ message: String) { write(.info, message) }
    public func warning(_ message: String) { write(.warning, message) }
    public func error(_ message: String) { write(.error, message) }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// UTC time with milliseconds, ISO 8601.
    static func timestamp(_ date: Date = Date()) -> String {
        let t = date.timeIntervalSince1970
        var secs = time_t(t.rounded(.down))
        let ms = Int((t - t.rounded(.down)) * 1000)
        var tm = tm()
        gmtime_r(&secs, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1,
                      Int(tm.tm_mday), Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec), ms)
    }
}
