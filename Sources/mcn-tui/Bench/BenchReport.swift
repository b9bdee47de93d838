import Foundation
import MCNTrain

/// One benchmark figure: a value, its unit, and (where there is one) its ratio to a reference
/// measured in the same run.
struct BenchMeasurement: Encodable {
    var name: String
    var value: Double
    var unit: String
    var ratio: Double?
    var vs: String?
    /// Extra numeric fields (e.g. `gflops` of a training step).
    var extra: [String: Double] = [:]

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(name, forKey: JSONKey("name"))
        try c.encode(value, forKey: JSONKey("value"))
        try c.encode(unit, forKey: JSONKey("unit"))
        try c.encode(ratio, forKey: JSONKey("ratio"))
        try c.encode(vs, forKey: JSONKey("vs"))
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { try c.encode(v, forKey: JSONKey(k)) }
    }
}

/// Collects measurements, prints each as it arrives (a table row or a JSON line), and keeps the
/// named references (e.g. `sgemm`) so later figures can be given as ratios.
final class BenchReport {
    let json: Bool
    private(set) var references: [String: Double] = [:]
    private(set) var all: [BenchMeasurement] = []

    init(json: Bool) { self.json = json }

    /// Records a figure; `vs` names a reference recorded earlier in this run.
    func record(_ name: String, _ value: Double, unit: String, vs: String? = nil,
                extra: [String: Double] = [:], note: String = "") {
        var ratio: Double? = nil
        if let vs, let ref = references[vs], ref > 0 { ratio = value / ref }
        let m = BenchMeasurement(name: name, value: value, unit: unit, ratio: ratio,
                                 vs: ratio == nil ? nil : vs, extra: extra)
        all.append(m)
        emit(m, note: note)
    }

    /// Records a figure and keeps it as a reference for later ratios.
    func reference(_ name: String, _ value: Double, unit: String, note: String = "") {
        references[name] = value
        record(name, value, unit: unit, note: note)
    }

    /// A line of context (machine, threads, OpenBLAS's core): in the table, and on standard error in
    /// JSON mode, where standard output holds only the figures (JSON files had lost the machine).
    func comment(_ text: String) {
        if json { printError("# \(text)") } else { emitLine("# \(text)") }
    }

    /// An extra figure with three significant digits (`seconds=0.00` hid a 3 ms call).
    static func short(_ v: Double) -> String {
        v != 0 && abs(v) < 100 ? String(format: "%.3g", v) : String(format: "%.2f", v)
    }

    private func emit(_ m: BenchMeasurement, note: String) {
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let data = try? enc.encode(m), let s = String(data: data, encoding: .utf8) { emitLine(s) }
        } else {
            let value = String(format: "%10.2f", m.value)
            let ratio = m.ratio.map { String(format: "%6.1f%% of %@", $0 * 100, m.vs ?? "") } ?? ""
            let extra = m.extra.sorted(by: { $0.key < $1.key })
                .map { "\($0.key)=\(Self.short($0.value))" }.joined(separator: " ")
            let pad = m.name.padding(toLength: max(44, m.name.count), withPad: " ", startingAt: 0)
            emitLine("\(pad) \(value) \(m.unit.padding(toLength: 9, withPad: " ", startingAt: 0)) \(ratio) \(extra) \(note)")
        }
    }
}

/// Times `body` (after `warmup` untimed calls) until `minSeconds` have passed or `maxIters` calls
/// ran; returns the best (smallest) seconds per call, which is the least disturbed by other work.
func benchTime(warmup: Int = 1, minSeconds: Double = 0.5, maxIters: Int = 50, _ body: () throws -> Void) rethrows -> Double {
    try benchTimes(warmup: warmup, minSeconds: minSeconds, maxIters: maxIters, body).wall
}

/// As `benchTime`, with the smallest process CPU seconds (all threads) per call beside the wall
/// time: on a shared machine the CPU time moves much less than the wall time.
func benchTimes(warmup: Int = 1, minSeconds: Double = 0.5, maxIters: Int = 50,
                _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    if benchRunsOnce { return try timeOnce(body) }
    for _ in 0..<warmup { try body() }
    var best = Double.infinity, bestCPU = Double.infinity
    var total = 0.0
    var iters = 0
    while iters < maxIters && (total < minSeconds || iters < 3) {
        let c0 = processCPUSeconds()
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        bestCPU = min(bestCPU, processCPUSeconds() - c0)
        best = min(best, dt)
        total += dt
        iters += 1
    }
    return (best, bestCPU)
}

/// `bench --once`: every timed body runs exactly once, without warm-up, so an instruction-count
/// profiler (valgrind --tool=callgrind) sees one pass of each measurement. Set before any suite runs.
nonisolated(unsafe) var benchRunsOnce = false

private func timeOnce(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let c0 = processCPUSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, processCPUSeconds() - c0)
}

/// The middle value (the upper of the two middle ones for an even count) of a non-empty list.
func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }

/// CPU seconds used so far by every thread of this process.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
