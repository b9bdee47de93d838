import Foundation

/// The files under a dataset root, one level of class folders deep, for resolving the names in
/// split files (exactly, else ignoring case: UCF101 lists `HandstandPushups/v_HandStandPushups_...`).
struct DatasetFiles {
    let root: String
    /// Class folder names (sorted), without hidden folders and split-file folders.
    private(set) var folders: [String] = []
    /// Relative path → itself, and lowercased relative path → the real relative path.
    private var exact: Set<String> = []
    private var folded: [String: String] = [:]
    /// Folders that exist but could not be listed, as one-line problems.
    private(set) var unreadableFolders: [VideoError] = []
    /// Video files per class folder (sorted names).
    private(set) var videosByFolder: [String: [String]] = [:]

    static let splitFolders: Set<String> = ["ucfTrainTestlist", "testTrainMulti_7030_splits"]

    init(root: String) throws {
        self.root = root
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDir) else {
            throw VideoError(.notFound, path: root, "no such dataset directory")
        }
        guard isDir.boolValue else { throw VideoError(.dataset, path: root, "is a file, not a dataset directory") }
        let top: [String]
        do { top = try fm.contentsOfDirectory(atPath: root) } catch {
            throw VideoError(.unreadable, path: root, "cannot list the dataset directory (permission denied?)")
        }
        for name in top.sorted() where !name.hasPrefix(".") && !Self.splitFolders.contains(name) {
            let dir = (root as NSString).appendingPathComponent(name)
            guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { continue }
            let entries: [String]
            if !fm.isReadableFile(atPath: dir) || !fm.isExecutableFile(atPath: dir) {
                unreadableFolders.append(VideoError(.unreadable, path: dir, "cannot list the folder (permission denied)"))
                continue
            }
            do { entries = try fm.contentsOfDirectory(atPath: dir) } catch {
                unreadableFolders.append(VideoError(.unreadable, path: dir, "cannot list the folder (\(error.localizedDescription))"))
                continue
            }
            let videos = entries.filter { !$0.hasPrefix(".") && videoExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            folders.append(name)
            videosByFolder[name] = videos
            for v in videos {
                let rel = name + "/" + v
                exact.insert(rel)
                folded[rel.lowercased()] = rel
            }
        }
    }

    /// The real relative path for a listed name, or nil when the file is not there.
    func resolve(_ relative: String) -> String? {
        if exact.contains(relative) { return relative }
        return folded[relative.lowercased()]
    }

    func fullPath(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
}

/// The non-empty lines of a text file, CRLF or LF, trimmed.
func readLines(_ path: String) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw VideoError(.notFound, path: path, "cannot read the file")
    }
    let text = String(decoding: data, as: UTF8.self)
    return text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
}

/// Every video file (by extension) under `dir`, at any depth, sorted; hidden files and folders left
/// out. Empty when dir cannot be listed.
public func videoFiles(under dir: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
    var found: [String] = []
    while let rel = e.nextObject() as? String {
        let name = (rel as NSString).lastPathComponent
        if name.hasPrefix(".") {
            // Only for a folder: after a file, Darwin's enumerator skips the last folder it entered.
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(rel), isDirectory: &isDir),
               isDir.boolValue { e.skipDescendants() }
            continue
        }
        if videoExtensions.contains((name as NSString).pathExtension.lowercased()) {
            found.append((dir as NSString).appendingPathComponent(rel))
        }
    }
    return found.sorted()
}
