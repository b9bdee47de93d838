import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files of one checkpoint: `step-00001200.safetensors` (parameters),
/// `step-00001200.optim.safetensors` (optimiser state) and `step-00001200.json` (CheckpointMeta).
public struct CheckpointFiles: Sendable, Equatable {
    public let directory: String
    public let step: Int

    public init(directory: String, step: Int) { self.directory = directory; self.step = step }

    /// `step-00001200`.
    public var stem: String { String(format: "step-%08d", step) }
    public var parameters: String { "\(directory)/\(stem).safetensors" }
    public var optimizer: String { "\(directory)/\(stem).optim.safetensors" }
    public var meta: String { "\(directory)/\(stem).json" }

    /// Parses `step-00001200` (or a file name starting with it) into a step.
    static func step(fromFileName name: String) -> Int? {
        guard name.hasPrefix("step-") else { return nil }
        let digits = name.dropFirst(5).prefix { $0.isNumber }
        guard digits.count >= 1, let s = Int(digits) else { return nil }
        let rest = name.dropFirst(5 + digits.count)
        guard rest == ".safetensors" || rest == ".optim.safetensors" || rest == ".json" else { return nil }
        return s
    }
}

/// A checkpoint that passed verification, with its description.
public struct VerifiedCheckpoint: Sendable, Equatable {
    public let files: CheckpointFiles
    public let meta: CheckpointMeta
}

/// A run's directory (`runs/<name>/`):
///
///     config.toml      the resolved config
///     metrics.jsonl    one JSON object per logged step or evaluation
///     metrics.csv      the same rows
///     train.log        timestamped engine log lines
///     results.json     evaluation results (see RunResults)
///     checkpoints/     step-00001200.safetensors, .optim.safetensors, .json, and `last`
public struct RunDirectory: Sendable, Equatable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `root/name`, with a date-time name when `name` is nil or empty.
    public init(root: String = "runs", name: String?) {
        let n = (name?.isEmpty ?? true) ? RunDirectory.defaultName() : name!
        self.path = root.isEmpty ? n : "\(root)/\(n)"
    }

    /// `run-20261127-094922` (local time).
    public static func defaultName(date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "'run-'yyyyMMdd-HHmmss"
        return f.string(from: date)
    }

    public var name: String { (path as NSString).lastPathComponent }
    public var configPath: String { "\(path)/config.toml" }
    public var metricsJSONLPath: String { "\(path)/metrics.jsonl" }
    public var metricsCSVPath: String { "\(path)/metrics.csv" }
    public var logPath: String { "\(path)/train.log" }
    public var resultsPath: String { "\(path)/results.json" }
    public var checkpointsPath: String { "\(path)/checkpoints" }
    /// `checkpoints/last`: the newest checkpoint's stem, e.g. `step-00001200`.
    public var lastPointerPath: String { "\(checkpointsPath)/last" }

    /// Held by the trainer while it trains into the run (see RunLock).
    public var trainerLockPath: String { "\(path)/.trainer.lock" }
    /// Held by an evaluation while it rewrites results.json.
    var resultsLockPath: String { "\(path)/.results.lock" }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Whether a run was started here: its config, a metrics row or a checkpoint is there.
    public var holdsRun: Bool {
        let fm = FileManager.default
        let metricsSize = (try? fm.attributesOfItem(atPath: metricsJSONLPath))?[.size] as? Int ?? 0
        return fm.fileExists(atPath: configPath) || metricsSize > 0 || !checkpointSteps().isEmpty
    }

    /// Creates the directory and takes the trainer's lock, for as long as the returned value lives;
    /// refused (one line naming the directory and the process) while another trainer holds it.
    public func lockForTraining() throws -> RunLock {
        try create()
        guard let lock = try RunLock.exclusive(trainerLockPath, wait: false) else {
            let holder = (try? String(contentsOfFile: trainerLockPath, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let who = Int(holder).map { "process \($0)" } ?? "another process"
            throw FileError("\(path): \(who) is training this run; wait for it or stop it, or give another --run-dir")
        }
        if lock.isHeld { lock.record("\(getpid())\n") }
        return lock
    }

    /// Whether a trainer is training into the run now; nil for a run whose trainer never took the
    /// lock (written before there was one, or not yet started).
    public var trainerIsRunning: Bool? { RunLock.isHeld(trainerLockPath) }

    /// Runs `body` holding the results lock (waiting for another evaluation to finish with it).
    public func withResultsLock<T>(_ body: () throws -> T) throws -> T {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let lock = try RunLock.exclusive(resultsLockPath, wait: true)
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }

    /// Creates the directory and `checkpoints/` (fine when they exist).
    public func create() throws {
        if let problem = Self.makeDirectories(checkpointsPath) {
            throw FileError("\(path): cannot create the run directory (\(problem))")
        }
    }

    /// mkdir -p: nil when `dir` is (now) a directory, else which part could not be made and why.
    static func makeDirectories(_ dir: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? nil : "\(dir) is a file"
        }
        let parent = (dir as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != dir, let problem = makeDirectories(parent) { return problem }
        guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { return "\(dir): \(String(cString: strerror(errno)))" }
        return nil
    }

    /// Writes the resolved config atomically.
    public func writeConfig(_ config: RunConfig) throws {
        try AtomicFile.write(config.toml(), to: configPath)
    }

    /// Opens metrics.jsonl/.csv; `resumeAt` keeps the rows up to that step (see MetricsLog).
    public func openMetrics(resumeAt: Int? = nil) throws -> MetricsLog {
        try MetricsLog(jsonlPath: metricsJSONLPath, csvPath: metricsCSVPath, resumeAt: resumeAt)
    }

    public func openLog() throws -> TrainLog { try TrainLog(path: logPath) }

    public func checkpointFiles(step: Int) -> CheckpointFiles {
        CheckpointFiles(directory: checkpointsPath, step: step)
    }

    /// Saves a checkpoint: parameters, optimiser state (if any), then the JSON description (the
    /// mark of a complete checkpoint), then the `last` pointer, each atomically; then keeps only
    /// the newest `keepLast` checkpoints. The meta's file names are filled in here.
    @discardableResult
    public func saveCheckpoint(step: Int, parameters: SafeTensorsWriter, optimizer: SafeTensorsWriter?,
                               meta: CheckpointMeta, keepLast: Int) throws -> CheckpointFiles {
        try create()
        let files = checkpointFiles(step: step)
        var meta = meta
        meta.step = step
        meta.parametersFile = (files.parameters as NSString).lastPathComponent
        meta.optimizerFile = optimizer == nil ? nil : (files.optimizer as NSString).lastPathComponent
        // A checkpoint that fails half-way (a full disk) leaves none of its files behind. One of the
        // same step written before loses its description first (the mark of a complete checkpoint),
        // so new parameters never pass for complete beside its old optimiser state.
        try? FileManager.default.removeItem(atPath: files.meta)
        do {
            try parameters.write(to: files.parameters)
            if let optimizer { try optimizer.write(to: files.optimizer) } else { try? FileManager.default.removeItem(atPath: files.optimizer) }
            try AtomicFile.write(meta.encoded(), to: files.meta)
        } catch {
            for p in [files.meta, files.parameters, files.optimizer] { try? FileManager.default.removeItem(atPath: p) }
            throw error
        }
        try AtomicFile.write(files.stem + "\n", to: lastPointerPath)
        prune(keepLast: keepLast)
        return files
    }

    /// Steps of the checkpoints present (any of their files), ascending.
    public func checkpointSteps() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsPath)) ?? []
        return Set(names.compactMap(CheckpointFiles.step(fromFileName:))).sorted()
    }

    /// The stem named by `checkpoints/last`, if any.
    public func lastPointer() -> String? {
        guard let d = FileManager.default.contents(atPath: lastPointerPath) else { return nil }
        let s = String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }

    /// Deletes all but the newest `keepLast` checkpoints, and temporary files left by a crash.
    public func prune(keepLast: Int) {
        let fm = FileManager.default
        for step in checkpointSteps().dropLast(max(keepLast, 1)) {
            let f = checkpointFiles(step: step)
            for p in [f.meta, f.parameters, f.optimizer] { try? fm.removeItem(atPath: p) }
        }
        for name in (try? fm.contentsOfDirectory(atPath: checkpointsPath)) ?? [] where name.hasPrefix(".") && name.contains(".tmp-") {
            try? fm.removeItem(atPath: "\(checkpointsPath)/\(name)")
        }
    }

    /// Checks one checkpoint: the JSON parses and names this step, the parameter (and optimiser)
    /// files have valid safetensors headers whose offsets match the file sizes.
    /// `optimizer: false` (evaluation): the optimiser state need not be there (researchers often
    /// drop it: it is as large as the weights); training's resume needs it.
    public static func verify(_ files: CheckpointFiles, optimizer: Bool = true) throws -> CheckpointMeta {
        let meta = try CheckpointMeta.read(path: files.meta)
        guard meta.step == files.step else {
            throw FileError("\(files.meta): describes step \(meta.step), not \(files.step)")
        }
        let dir = files.directory
        _ = try SafeTensorsFile.readHeader(path: "\(dir)/\(meta.parametersFile)")
        if optimizer, let o = meta.optimizerFile { _ = try SafeTensorsFile.readHeader(path: "\(dir)/\(o)") }
        return meta
    }

    /// The newest checkpoint that verifies, for `--resume auto`. Each newer one that does not
    /// (truncated, corrupt, half-written) is reported through `warn` with its problem, and the
    /// previous one is tried. Nil when the run has no usable checkpoint.
    public func latestValidCheckpoint(optimizer: Bool = true, warn: (String) -> Void = { _ in }) -> VerifiedCheckpoint? {
        for step in checkpointSteps().reversed() {
            let files = checkpointFiles(step: step)
            do {
                return VerifiedCheckpoint(files: files, meta: try RunDirectory.verify(files, optimizer: optimizer))
            } catch {
                // Weights intact but the optimiser state gone (deleted to save space: eval needs only
                // the weights) reads differently from a broken checkpoint.
                if optimizer, (try? RunDirectory.verify(files, optimizer: false)) != nil {
                    warn("checkpoint \(files.stem) has no usable optimiser state (\(error)): training cannot continue "
                         + "from it; trying the previous one (eval still reads its weights)")
                } else {
                    warn("checkpoint \(files.stem) is unusable (\(error)); trying the previous one")
                }
            }
        }
        return nil
    }

    /// Resolves `--resume PATH` (and `--checkpoint PATH`): a checkpoint's .json, .safetensors or
    /// .optim.safetensors file, its stem, a run's `checkpoints/last` (the checkpoint it names), or a
    /// run directory (its newest valid checkpoint). Throws a one-line error when the checkpoint does
    /// not verify.
    public static func checkpoint(at path: String, optimizer: Bool = true,
                                  warn: (String) -> Void = { _ in }) throws -> VerifiedCheckpoint {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        if exists, isDir.boolValue {
            let run = (path as NSString).lastPathComponent == "checkpoints"
                ? RunDirectory(path: (path as NSString).deletingLastPathComponent) : RunDirectory(path: path)
            guard let c = run.latestValidCheckpoint(optimizer: optimizer, warn: warn) else {
                throw FileError("\(path): no usable checkpoint in this run")
            }
            return c
        }
        let dir = (path as NSString).deletingLastPathComponent
        if exists, (path as NSString).lastPathComponent == "last" {
            // The pointer a run keeps to its newest checkpoint (saveCheckpoint): its stem, one line.
            guard let d = FileManager.default.contents(atPath: path) else { throw FileError("\(path): cannot be read") }
            let stem = String(decoding: d, as: UTF8.self).split(whereSeparator: \.isNewline).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard !stem.isEmpty else { throw FileError("\(path): is empty (it names the newest checkpoint)") }
            guard CheckpointFiles.step(fromFileName: stem) ?? CheckpointFiles.step(fromFileName: stem + ".json") != nil else {
                throw FileError("\(path): names \"\(stem.prefix(40))\", not a checkpoint (expected step-NNNNNNNN)")
            }
            return try checkpoint(at: (dir.isEmpty ? "." : dir) + "/" + stem, optimizer: optimizer, warn: warn)
        }
        let name = (path as NSString).lastPathComponent
        guard let step = CheckpointFiles.step(fromFileName: name) ?? CheckpointFiles.step(fromFileName: name + ".json") else {
            if !exists { throw FileError("\(path): no such file or directory") }
            throw FileError("\(path): not a checkpoint (expected step-NNNNNNNN.safetensors or .json)")
        }
        let files = CheckpointFiles(directory: dir.isEmpty ? "." : dir, step: step)
        // A stem names files that need not exist themselves; the checkpoint's description must.
        if !exists && !FileManager.default.fileExists(atPath: files.meta) {
            throw FileError("\(path): no such file or directory")
        }
        return VerifiedCheckpoint(files: files, meta: try verify(files, optimizer: optimizer))
    }
}
