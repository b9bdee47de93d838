import Foundation
import MCNTensor

/// A labelled video dataset with its train/test split, as laid out on disk.
public struct VideoDataset: Sendable {
    public var root: String
    /// The layout found (never `.auto`).
    public var format: DatasetFormat
    public var split: Int
    public var classNames: [String]
    public var train: [VideoItem]
    public var test: [VideoItem]
    /// Relative names listed in the split files but not on disk.
    public var missing: [String]
    /// Class folders that could not be listed.
    public var unreadableFolders: [VideoError]

    /// Loads the dataset at `dir`. `format` forces a layout (default: detect); `split` picks
    /// UCF101/HMDB51 split 1, 2 or 3 (and seeds the folder split); with `strict`, listed videos
    /// that are missing are an error instead of a count in the summary. `testFraction` and `seed`
    /// make the split of a plain class-folder layout.
    public static func load(dir: String, format: DatasetFormat = .auto, split: Int = 1, strict: Bool = false,
                            seed: UInt64 = 0, testFraction: Double = 0.3) throws -> VideoDataset {
        guard (1...3).contains(split) else {
            throw VideoError(.dataset, path: dir, "split must be 1, 2 or 3 (got \(split))")
        }
        let root = (dir as NSString).standardizingPath
        let files = try DatasetFiles(root: root)
        let layout = format == .auto ? detect(root) : format
        var ds: VideoDataset
        switch layout {
        case .ucf101:
            let listDir = try findListDir(root, names: ["ucfTrainTestlist"], marker: "classInd.txt", layout: "UCF101")
            let s = try UCF101Splits.parse(listDir: listDir, split: split)
            ds = resolve(root, .ucf101, split, s.classNames, s.train, s.test, files)
        case .hmdb51:
            let listDir = try findListDir(root, names: ["testTrainMulti_7030_splits"], marker: nil, layout: "HMDB51")
            let s = try HMDB51Splits.parse(listDir: listDir, split: split)
            ds = resolve(root, .hmdb51, split, s.classNames, s.train, s.test, files)
        case .folders, .auto:
            ds = folderSplit(root, split: split, files: files, seed: seed, testFraction: testFraction)
        }
        if ds.classNames.isEmpty {
            throw VideoError(.dataset, path: root, "no classes found (expected class folders of videos, or UCF101/HMDB51 split files)")
        }
        if strict && !ds.missing.isEmpty {
            throw VideoError(.dataset, path: root, ds.missingLine ?? "listed videos are missing")
        }
        if strict, let first = ds.unreadableFolders.first {
            throw first
        }
        return ds
    }

    /// The layout of `root`: UCF101 when a `ucfTrainTestlist/` (or classInd.txt) is there, HMDB51
    /// when `testTrainMulti_7030_splits/` is, else plain class folders.
    public static func detect(_ root: String) -> DatasetFormat {
        let fm = FileManager.default
        func exists(_ p: String) -> Bool { fm.fileExists(atPath: (root as NSString).appendingPathComponent(p)) }
        if exists("ucfTrainTestlist/classInd.txt") || exists("classInd.txt") { return .ucf101 }
        if exists("testTrainMulti_7030_splits") { return .hmdb51 }
        return .folders
    }

    /// Every item, train then test.
    public var all: [VideoItem] { train + test }

    /// "12 missing: A/x.avi, B/y.avi, ... (and 9 more)" or nil when none are.
    public var missingLine: String? {
        if missing.isEmpty { return nil }
        let shown = missing.prefix(5).joined(separator: ", ")
        let more = missing.count > 5 ? ", ... (and \(missing.count - 5) more)" : ""
        return "\(missing.count) listed video\(missing.count == 1 ? " is" : "s are") missing: \(shown)\(more)"
    }

    /// One line: layout, split, classes, videos per split, missing and unreadable folders.
    public var summary: String {
        var s = "\(root): \(format.rawValue) split \(split), \(classNames.count) class\(classNames.count == 1 ? "" : "es"), \(train.count) train / \(test.count) test videos"
        if let m = missingLine { s += "; " + m }
        if !unreadableFolders.isEmpty {
            s += "; \(unreadableFolders.count) unreadable folder(s): " + unreadableFolders.map(\.path).joined(separator: ", ")
        }
        return s
    }

    // MARK: - Building

    private static func findListDir(_ root: String, names: [String], marker: String?, layout: String) throws -> String {
        let fm = FileManager.default
        for n in names {
            let p = (root as NSString).appendingPathComponent(n)
            if fm.fileExists(atPath: p) { return p }
        }
        if let marker, fm.fileExists(atPath: (root as NSString).appendingPathComponent(marker)) { return root }
        throw VideoError(.dataset, path: root, "no \(layout) split folder (\(names.joined(separator: " or ")))")
    }

    /// Turns listed (relative name, label) pairs into items of the files that exist.
    private static func resolve(_ root: String, _ format: DatasetFormat, _ split: Int, _ classNames: [String],
                                _ trainList: [(String, Int)], _ testList: [(String, Int)],
                                _ files: DatasetFiles) -> VideoDataset {
        var missing: [String] = []
        func items(_ list: [(String, Int)]) -> [VideoItem] {
            list.compactMap { rel, label in
                guard let real = files.resolve(rel) else { missing.append(rel); return nil }
                return VideoItem(path: files.fullPath(real), relativeName: real, label: label, className: classNames[label])
            }
        }
        let train = items(trainList), test = items(testList)
        return VideoDataset(root: root, format: format, split: split, classNames: classNames, train: train,
                            test: test, missing: missing, unreadableFolders: files.unreadableFolders)
    }

    /// Class folders: each class's videos shuffled by (seed, split, class) and a fraction of them
    /// (at least one where a class has two or more) held out for test.
    private static func folderSplit(_ root: String, split: Int, files: DatasetFiles, seed: UInt64,
                                    testFraction: Double) -> VideoDataset {
        let classNames = files.folders.filter { !(files.videosByFolder[$0] ?? []).isEmpty }
        var train: [VideoItem] = [], test: [VideoItem] = []
        for (label, c) in classNames.enumerated() {
            let videos = files.videosByFolder[c] ?? []
            var rng = RNG.derived(seed: seed, split, label)
            let order = rng.permutation(videos.count)
            var nTest = Int((Double(videos.count) * testFraction).rounded())
            if videos.count >= 2 { nTest = min(max(nTest, 1), videos.count - 1) } else { nTest = 0 }
            let testSet = Set(order.prefix(nTest))
            for (i, v) in videos.enumerated() {
                let rel = c + "/" + v
                let item = VideoItem(path: files.fullPath(rel), relativeName: rel, label: label, className: c)
                if testSet.contains(i) { test.append(item) } else { train.append(item) }
            }
        }
        return VideoDataset(root: root, format: .folders, split: split, classNames: classNames, train: train,
                            test: test, missing: [], unreadableFolders: files.unreadableFolders)
    }
}
