import Foundation
import MCNTrain

/// What a run directory already holds, as the events that made it: for the screen of a resumed run,
/// so its curves, checkpoints and log start from the run's beginning, not from the resume (as
/// `view` shows them). Metrics rows after the step the run resumes from are left out (the trainer
/// cuts them); train.log is history as it happened.
public enum RunHistory {
    /// Rows beyond this many bytes from the end of a long metrics.jsonl are left out, so a screen
    /// opens at once (about 6,000 rows with their tasks; the curves keep older steps compacted anyway).
    public static let tailBytes = 8 << 20

    public static func events(directory: String, throughStep last: Int) -> [EngineEvent] {
        let dir = directory as NSString
        var out: [EngineEvent] = []
        var parser = MetricsLineParser()
        let metricsPath = dir.appendingPathComponent("metrics.jsonl")
        for (n, line) in tailLines(metricsPath).enumerated() {
            for event in parser.parse(line, file: metricsPath, lineNumber: n + 1) where (step(of: event) ?? 0) <= last {
                out.append(event)
            }
        }
        for line in tailLines(dir.appendingPathComponent("train.log")) {
            guard let l = TrainLogLine(line) else { continue }
            // Checkpoints after the one resumed from are not the run's any more (a resume from an older one).
            out += l.events.filter { if case .checkpointSaved(let s, _) = $0 { return s <= last } else { return true } }
        }
        return out
    }

    /// The step a metrics event belongs to (nil for a log line).
    static func step(of event: EngineEvent) -> Int? {
        switch event {
        case .step(let m): return m.step
        case .tasks(let step, _), .monitors(let step, _): return step
        case .retrieval(let r): return r.step
        default: return nil
        }
    }

    /// The file's complete lines within its last `limit` bytes (none when it is missing).
    static func tailLines(_ path: String, limit: Int = tailBytes) -> [String] {
        guard let h = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? h.close() }
        let size = (try? h.seekToEnd()) ?? 0
        let start = size > UInt64(limit) ? size - UInt64(limit) : 0
        try? h.seek(toOffset: start)
        guard var data = try? h.readToEnd() else { return [] }
        // Started inside a line, or ended inside one (a torn last line): those lines are not whole.
        if start > 0, let nl = data.firstIndex(of: 0x0A) { data = data[(nl + 1)...] }
        if let lastNewline = data.lastIndex(of: 0x0A) { data = data[...lastNewline] } else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
