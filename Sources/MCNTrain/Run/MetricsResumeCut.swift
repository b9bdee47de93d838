import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a resumed run's metrics files end: after the last row at or before the checkpoint's step.
/// The trainer writes rows in step order, each line starting with its step (`{"step":12,…` and
/// `12,…`), so that is a prefix of each file found by reading the steps alone, and cutting the files
/// there keeps the earlier rows byte for byte without decoding them (decoding 100,000 rows took
/// ~15 s). Files this reading cannot vouch for (a line it cannot read the step of, a JSON line that
/// does not end its object, steps out of order, a CSV whose rows' steps are not the JSON lines', a
/// quoted header) give nil: the caller then rewrites them from the rows it decodes.
struct MetricsResumeCut {
    /// Bytes of each file to keep.
    let jsonlBytes: Int
    let csvBytes: Int
    /// The CSV's header (it may name columns that only later rows had: their cells stay empty).
    let columns: [String]

    init?(jsonlPath: String, csvPath: String, upTo step: Int) {
        guard let jsonl = FileManager.default.contents(atPath: jsonlPath),
              let csv = FileManager.default.contents(atPath: csvPath),
              let headerEnd = csv.firstIndex(of: 0x0A) else { return nil }
        let header = String(decoding: csv[..<headerEnd], as: UTF8.self)
        guard !header.contains("\""), header.hasPrefix("step,epoch") else { return nil }
        guard let j = Self.prefix(jsonl, from: jsonl.startIndex, upTo: step, stepAt: Self.jsonStep),
              let c = Self.prefix(csv, from: headerEnd + 1, upTo: step, stepAt: Self.csvStep),
              j.steps == c.steps else { return nil }
        jsonlBytes = j.bytes
        csvBytes = c.bytes
        columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// Cuts both files to their kept bytes.
    func apply(jsonlPath: String, csvPath: String) throws {
        guard truncate(jsonlPath, off_t(jsonlBytes)) == 0 else { throw FileError.posix("truncate", jsonlPath) }
        guard truncate(csvPath, off_t(csvBytes)) == 0 else { throw FileError.posix("truncate", csvPath) }
    }

    /// The complete lines from `start` whose steps are ≤ `step` (a torn last line is not complete):
    /// their steps, and the byte offset after them; nil when a line's step cannot be read or steps
    /// go back.
    private static func prefix(_ data: Data, from start: Data.Index, upTo step: Int,
                               stepAt: (Data.SubSequence) -> Int?) -> (steps: [Int], bytes: Int)? {
        var steps: [Int] = [], end = start
        var lineStart = start
        while let nl = data[lineStart...].firstIndex(of: 0x0A) {
            guard let s = stepAt(data[lineStart..<nl]), s >= (steps.last ?? Int.min) else { return nil }
            if s > step { break }
            steps.append(s)
            end = nl + 1
            lineStart = nl + 1
        }
        return (steps, end - data.startIndex)
    }

    /// `{"step":12,…}`: the step of a whole line `MetricsRow.jsonLine` wrote.
    static func jsonStep(_ line: Data.SubSequence) -> Int? {
        let head = Array(#"{"step":"#.utf8)
        guard line.starts(with: head), line.last == UInt8(ascii: "}") else { return nil }
        return digits(line.dropFirst(head.count), endingWith: [UInt8(ascii: ","), UInt8(ascii: "}")])
    }

    /// `12,0,…`: the step of a CSV row.
    static func csvStep(_ line: Data.SubSequence) -> Int? { digits(line, endingWith: [UInt8(ascii: ",")]) }

    private static func digits(_ bytes: Data.SubSequence, endingWith ends: [UInt8]) -> Int? {
        var value = 0, count = 0
        for b in bytes {
            if ends.contains(b) { return count > 0 ? value : nil }
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), count < 18 else { return nil }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
            count += 1
        }
        return nil
    }
}
