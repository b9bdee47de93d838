import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Appends metrics rows to `metrics.jsonl` (one JSON object per line) and `metrics.csv` (the same
/// rows), each line written with one `write` call as it comes, so a reader or a crash sees whole
/// lines.
///
/// CSV columns: `step`, `epoch`, then the union of every value name seen so far, sorted. When a
/// row brings a new name, the CSV is rewritten atomically (from metrics.jsonl) with the wider
/// header; rows without a value leave the cell empty. NaN is written `nan`. A row's `kind` and
/// `tasks` are in metrics.jsonl only: the CSV keeps to number columns, for spreadsheets.
///
/// Opening with `resumeAt: s` keeps only the rows with step ≤ s (and drops a torn last line), so a
/// resumed run does not duplicate rows: both files are cut after them (MetricsResumeCut), or, where
/// they cannot be read that way, rewritten atomically from the rows kept.
public final class MetricsLog: @unchecked Sendable {
    public let jsonlPath: String
    public let csvPath: String
    /// The CSV's current columns.
    public private(set) var columns: [String] = ["step", "epoch"]
    private var jsonlFD: Int32 = -1
    private var csvFD: Int32 = -1
    private let lock = NSLock()

    /// Opens the logs. `resumeAt: nil` starts both files empty; `resumeAt: s` keeps the rows up
    /// to step s.
    public init(jsonlPath: String, csvPath: String, resumeAt: Int? = nil) throws {
        self.jsonlPath = jsonlPath
        self.csvPath = csvPath
        if let s = resumeAt, let cut = MetricsResumeCut(jsonlPath: jsonlPath, csvPath: csvPath, upTo: s) {
            try cut.apply(jsonlPath: jsonlPath, csvPath: csvPath)
            columns = cut.columns
        } else {
            var rows: [MetricsRow] = []
            if let s = resumeAt { rows = MetricsLog.readRows(path: jsonlPath).filter { $0.step <= s } }
            try AtomicFile.write(rows.map { $0.jsonLine + "\n" }.joined(), to: jsonlPath)
            columns = MetricsLog.columns(for: rows)
            try AtomicFile.write(MetricsLog.csv(rows, columns: columns), to: csvPath)
        }
        jsonlFD = try MetricsLog.openAppend(jsonlPath)
        csvFD = try MetricsLog.openAppend(csvPath)
    }

    deinit { close() }

    /// Appends a row to both files. `step`/`epoch` keys inside `values` are ignored.
    public func append(step: Int, epoch: Int, values: [String: Double]) throws {
        try append(MetricsRow(step: step, epoch: epoch, values: values))
    }

    public func append(_ row: MetricsRow) throws {
        lock.lock(); defer { lock.unlock() }
        guard jsonlFD >= 0 else { throw FileError("\(jsonlPath): metrics log is closed") }
        try MetricsLog.writeAll(jsonlFD, row.jsonLine + "\n", path: jsonlPath)
        let known = Set(columns)
        if row.values.keys.contains(where: { !known.contains($0) && !MetricsRow.reservedKeys.contains($0) }) {
            // A new value name: rewrite the CSV with the wider header from the JSON lines. When that
            // fails (a full disk), the CSV keeps its columns and this row's cells in them, so its rows
            // stay those of metrics.jsonl; the wider header waits for the next new name.
            let rows = MetricsLog.readRows(path: jsonlPath)
            let wider = MetricsLog.columns(for: rows)
            do {
                try AtomicFile.write(MetricsLog.csv(rows, columns: wider), to: csvPath)
            } catch {
                try? MetricsLog.writeAll(csvFD, MetricsLog.csvLine(row, columns: columns), path: csvPath)
                throw error
            }
            columns = wider
            Glibc.close(csvFD)
            csvFD = try MetricsLog.openAppend(csvPath)
        } else {
            try MetricsLog.writeAll(csvFD, MetricsLog.csvLine(row, columns: columns), path: csvPath)
        }
    }

    /// Closes both files (further appends throw).
    public func close() {
        lock.lock(); defer { lock.unlock() }
        if jsonlFD >= 0 { Glibc.close(jsonlFD); jsonlFD = -1 }
        if csvFD >= 0 { Glibc.close(csvFD); csvFD = -1 }
    }

    /// Every parseable row of a metrics.jsonl file, in order (empty when the file is missing).
    public static func readRows(path: String) -> [MetricsRow] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { MetricsRow(jsonLine: $0) }
    }

    static func columns(for rows: [MetricsRow]) -> [String] {
        var names = Set<String>()
        for r in rows { names.formUnion(r.values.keys) }
        names.subtract(MetricsRow.reservedKeys)
        return ["step", "epoch"] + names.sorted()
    }

    static func csv(_ rows: [MetricsRow], columns: [String]) -> String {
        columns.map(csvField).joined(separator: ",") + "\n" + rows.map { csvLine($0, columns: columns) }.joined()
    }

    static func csvLine(_ row: MetricsRow, columns: [String]) -> String {
        var cells = [String(row.step), String(row.epoch)]
        for c in columns.dropFirst(2) {
            guard let v = row.values[c] else { cells.append(""); continue }
            cells.append(v.isNaN ? "nan" : v.isInfinite ? (v > 0 ? "inf" : "-inf") : JSONText.number(v))
        }
        return cells.joined(separator: ",") + "\n"
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func openAppend(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.posix("opening for append", path) }
        return fd
    }

    /// Appends `text`; when that fails part-way (a full disk), the file is cut back to where it
    /// was, so a torn line does not merge with the next one written once there is room again.
    static func writeAll(_ fd: Int32, _ text: String, path: String) throws {
        let start = lseek(fd, 0, SEEK_END)
        let sink = FileSink(fd: fd, path: path)
        do {
            try sink.write(Data(text.utf8))
        } catch {
            if start >= 0 && sink.count > 0 { _ = ftruncate(fd, start) }
            throw error
        }
    }
}
