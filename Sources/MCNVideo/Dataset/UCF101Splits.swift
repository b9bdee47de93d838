import Foundation

/// The UCF101 split files as listed (before looking for the videos on disk).
public struct UCF101Splits: Sendable {
    /// Class names in classInd order (label = index, i.e. classInd's 1-based number − 1).
    public var classNames: [String]
    /// (relative name, 0-based label) for each trainlist line.
    public var train: [(String, Int)]
    /// (relative name, 0-based label from the class folder) for each testlist line.
    public var test: [(String, Int)]

    /// The class names of a classInd.txt (`<number> <class>` lines, numbered 1...N), in order.
    public static func classNames(classFile: String) throws -> [String] {
        var names: [Int: String] = [:]
        for (n, line) in try readLines(classFile).enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let k = Int(parts[0]), k >= 1 else {
                throw VideoError(.dataset, path: classFile, "line \(n + 1) is not `<number> <class>`: \(line)")
            }
            names[k] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        guard !names.isEmpty, names.keys.sorted() == Array(1...names.count) else {
            throw VideoError(.dataset, path: classFile, "class numbers must run 1...N without gaps")
        }
        return (1...names.count).map { names[$0]! }
    }

    /// Parses `listDir/classInd.txt`, `trainlist0N.txt` and `testlist0N.txt`.
    public static func parse(listDir: String, split: Int) throws -> UCF101Splits {
        let classNames = try classNames(classFile: (listDir as NSString).appendingPathComponent("classInd.txt"))
        // Labels of test lines come from the folder name; UCF101's own files differ in case.
        var byFolder: [String: Int] = [:]
        for (i, c) in classNames.enumerated() { byFolder[c.lowercased()] = i }

        let trainFile = (listDir as NSString).appendingPathComponent(String(format: "trainlist%02d.txt", split))
        var train: [(String, Int)] = []
        for (n, line) in try readLines(trainFile).enumerated() {
            let parts = line.split(separator: " ")
            guard let rel = parts.first else { continue }
            let label: Int
            if parts.count >= 2, let k = Int(parts[1]) {
                guard k >= 1 && k <= classNames.count else {
                    throw VideoError(.dataset, path: trainFile, "line \(n + 1): label \(k) is not in classInd (1...\(classNames.count))")
                }
                label = k - 1
            } else if let k = folderLabel(String(rel), byFolder) {
                label = k
            } else {
                throw VideoError(.dataset, path: trainFile, "line \(n + 1): no label and unknown class folder: \(line)")
            }
            train.append((String(rel), label))
        }
        let testFile = (listDir as NSString).appendingPathComponent(String(format: "testlist%02d.txt", split))
        var test: [(String, Int)] = []
        for (n, line) in try readLines(testFile).enumerated() {
            let rel = String(line.split(separator: " ").first ?? "")
            guard let k = folderLabel(rel, byFolder) else {
                throw VideoError(.dataset, path: testFile, "line \(n + 1): class folder not in classInd: \(line)")
            }
            test.append((rel, k))
        }
        return UCF101Splits(classNames: classNames, train: train, test: test)
    }

    private static func folderLabel(_ rel: String, _ byFolder: [String: Int]) -> Int? {
        guard let folder = rel.split(separator: "/").first else { return nil }
        return byFolder[folder.lowercased()]
    }
}

/// The HMDB51 split files: per class, each video's tag (0 unused, 1 train, 2 test).
public struct HMDB51Splits: Sendable {
    /// Class names sorted (label = index).
    public var classNames: [String]
    public var train: [(String, Int)]
    public var test: [(String, Int)]

    /// Parses `listDir/<class>_test_split<split>.txt` for every class.
    public static func parse(listDir: String, split: Int) throws -> HMDB51Splits {
        let suffix = "_test_split\(split).txt"
        let files: [String]
        do { files = try FileManager.default.contentsOfDirectory(atPath: listDir) } catch {
            throw VideoError(.unreadable, path: listDir, "cannot list the split folder")
        }
        let classNames = files.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.sorted()
        guard !classNames.isEmpty else {
            throw VideoError(.dataset, path: listDir, "no `<class>\(suffix)` files")
        }
        var train: [(String, Int)] = [], test: [(String, Int)] = []
        for (label, c) in classNames.enumerated() {
            let file = (listDir as NSString).appendingPathComponent(c + suffix)
            for (n, line) in try readLines(file).enumerated() {
                let parts = line.split(separator: " ")
                guard parts.count >= 2, let tag = Int(parts[1]), (0...2).contains(tag) else {
                    throw VideoError(.dataset, path: file, "line \(n + 1) is not `<video> <0|1|2>`: \(line)")
                }
                let rel = c + "/" + parts[0]
                if tag == 1 { train.append((rel, label)) } else if tag == 2 { test.append((rel, label)) }
            }
        }
        return HMDB51Splits(classNames: classNames, train: train, test: test)
    }
}
