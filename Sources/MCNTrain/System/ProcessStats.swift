import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// This process's CPU time and memory, from /proc (Linux), for the system panel.
public struct ProcessStats: Sendable, Equatable {
    /// User + system CPU seconds since the process started.
    public let cpuSeconds: Double
    /// Resident set size now, in bytes.
    public let residentBytes: Int
    /// Peak resident set size (VmHWM), in bytes; 0 when unknown.
    public let peakResidentBytes: Int
    /// Monotonic wall clock at the reading, in seconds.
    public let wallSeconds: Double

    /// Reads /proc/self/stat, /proc/self/statm and /proc/self/status; nil where /proc is absent.
    public static func read() -> ProcessStats? {
        guard let stat = readText("/proc/self/stat"), let statm = readText("/proc/self/statm"),
              let cpu = parseCPUSeconds(stat: stat, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK)))),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        let rss = pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        let peak = readText("/proc/self/status").flatMap(parsePeakResident) ?? 0
        return ProcessStats(cpuSeconds: cpu, residentBytes: rss, peakResidentBytes: peak,
                            wallSeconds: Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
    }

    /// CPU use between two readings, in cores (1.0 = one core busy the whole time).
    public static func cpuCores(from a: ProcessStats, to b: ProcessStats) -> Double {
        let wall = b.wallSeconds - a.wallSeconds
        return wall > 0 ? max(0, b.cpuSeconds - a.cpuSeconds) / wall : 0
    }

    /// utime + stime (fields 14 and 15 of /proc/self/stat) in seconds. The command name (field 2)
    /// may hold spaces and parentheses, so fields are counted after its last ')'.
    static func parseCPUSeconds(stat: String, ticksPerSecond: Double) -> Double? {
        guard let close = stat.lastIndex(of: ")"), ticksPerSecond > 0 else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
        guard fields.count > 12, let u = Double(fields[11]), let s = Double(fields[12]) else { return nil }
        return (u + s) / ticksPerSecond
    }

    /// `VmHWM:   123456 kB` → bytes.
    static func parsePeakResident(status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }

    private static func readText(_ path: String) -> String? {
        // /proc files report size 0, so read them as a stream.
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        return (try? h.readToEnd()).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// CPU use in cores between successive calls, for a periodic system panel.
public struct CPUMeter: Sendable {
    private var last: ProcessStats?

    public init() { last = ProcessStats.read() }

    /// Cores used since the previous call (or since `init`), and the current reading.
    public mutating func sample() -> (cores: Double, stats: ProcessStats)? {
        guard let now = ProcessStats.read() else { return nil }
        defer { last = now }
        return (last.map { ProcessStats.cpuCores(from: $0, to: now) } ?? 0, now)
    }
}
