import Foundation

/// `runs/<name>/results.json`: one object whose sections (`retrieval`, `probe`, `finetune`, and
/// the `protocol` of the latest evaluation) are written by different commands. Updating one
/// section keeps the others.
public enum EvalResultsFile {
    /// The file's object, or an empty one when it is absent. A file that is not a JSON object is
    /// an error naming it (never silently overwritten).
    public static func read(_ path: String) throws -> [String: EvalJSON] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        guard case .object(let o)? = EvalJSON.parse(data) else {
            throw FileError("\(path): not a JSON object; move it away to write new results")
        }
        return o
    }

    /// Sets `sections` (replacing those of the same names) and writes the file atomically.
    public static func update(_ path: String, sections: [String: EvalJSON]) throws {
        var o = try read(path)
        for (k, v) in sections { o[k] = v }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try AtomicFile.write(EvalJSON.object(o).text() + "\n", to: path)
    }
}
