import Foundation
import MCNTrain

/// Follows a run directory as it grows: config.toml for the header once, then new lines of
/// metrics.jsonl and train.log as events. Call `poll()` repeatedly from one thread.
///
/// The run's state is what train.log last said (`TrainLogLine.state`: running, paused, finished,
/// error), checked against the trainer's lock on the run (RunLock): a run whose trainer is gone
/// without train.log saying it ended reads as interrupted (killed, or the machine went down). For
/// runs whose trainer took no lock (written before there was one), when train.log has not said the
/// run ended, paused or failed, the age of the files decides: nothing written for `quietSeconds`
/// reads as finished.
///
/// A run resumed while it is followed says so in train.log (`resumed at step S of N`, N the new
/// length): the run's info is sent again with that length and start (`.started`), ahead of the
/// poll's steps, which all come after it.
///
/// results.json, which the eval commands write, is read again whenever its date or size changes.
public struct RunDirectoryFollower {
    public let directory: String
    private var started = false
    private var metrics: LineTail
    private var log: LineTail
    private var metricsParser = MetricsLineParser()
    /// The run's info as last sent, and the config's `run.epochs` (see `RunConfigReader.amend`).
    private var info: RunInfo?
    private var configEpochs = 0
    /// The state train.log last said.
    private var logState: EngineState?
    private var lastGrowth = Date()
    private var reportedState: EngineState?
    /// results.json's modification date and size when last read (nil: not there).
    private var resultsStamp: [Double]?
    /// Files that grew this recently belong to a live trainer, lock or no lock.
    static let growthWithoutLockSeconds: Double = 10
    /// With nothing new for this long, and train.log not saying otherwise, the run is shown as finished.
    public var quietSeconds: Double = 120

    public init(directory: String) {
        self.directory = directory
        metrics = LineTail(path: (directory as NSString).appendingPathComponent("metrics.jsonl"))
        log = LineTail(path: (directory as NSString).appendingPathComponent("train.log"))
    }

    /// Checks the directory is there; the one-line error names it.
    public static func validate(directory: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw BackendError(description: "\(directory): not a run directory (no such directory)")
        }
        let m = (directory as NSString).appendingPathComponent("metrics.jsonl")
        let c = (directory as NSString).appendingPathComponent("config.toml")
        guard FileManager.default.fileExists(atPath: m) || FileManager.default.fileExists(atPath: c) else {
            throw BackendError(description: "\(directory): not a run directory (neither metrics.jsonl nor config.toml)")
        }
    }

    /// The events for everything new since the last poll.
    public mutating func poll(now: Date = Date()) -> [EngineEvent] {
        // Asked before the files are read: a trainer gone by now wrote its last lines before.
        let trainerRunning = RunDirectory(path: directory).trainerIsRunning
        var out: [EngineEvent] = []
        var newLog: [TrainLogLine] = []
        if !started {
            started = true
            // The log so far first: the header takes the engine's dataset summary from it.
            newLog = log.readNewLines().compactMap { TrainLogLine($0.1) }
            var (info, epochs, warning) = RunConfigReader.fromConfig(directory: directory)
            RunConfigReader.amend(&info, epochs: epochs, log: newLog)
            self.info = info; configEpochs = epochs
            out.append(.started(info))
            if let warning { out.append(.log(.warning, warning)) }
            if !FileManager.default.fileExists(atPath: metrics.path) {
                out.append(.log(.info, "\(metrics.path): not there yet, waiting"))
            }
            // Until lines arrive, the newer file's age counts.
            let dates = [metrics.path, log.path].compactMap {
                (try? FileManager.default.attributesOfItem(atPath: $0))?[.modificationDate] as? Date
            }
            if let newest = dates.max() { lastGrowth = newest }
        }
        let head = out.count
        let restarts = metrics.restarts
        let newMetrics = metrics.readNewLines()
        // A resume cut the file back to its checkpoint: its rows come again from the start.
        if metrics.restarts != restarts { out.append(.metricsRestarted) }
        for (n, line) in newMetrics { out += metricsParser.parse(line, file: metrics.path, lineNumber: n) }
        let laterLog = log.readNewLines().compactMap { TrainLogLine($0.1) }
        if let restarted = restartedInfo(laterLog) {
            // Before this poll's steps: the trainer logs its start before it writes a step of it.
            out.insert(.started(restarted), at: head)
        }
        out += resultsEvents()
        newLog += laterLog
        for line in newLog {
            out += line.events
            if let s = line.state { logState = s }
        }
        // Lines after the first poll mean the run is writing now.
        if (!newMetrics.isEmpty || !newLog.isEmpty) && reportedState != nil { lastGrowth = now }
        let state: EngineState
        switch (logState, trainerRunning) {
        case (.finished?, _), (.error?, _): state = logState!
        // No trainer holds the lock, but the files still grow: a lock this machine cannot see (a run
        // directory on NFS without shared locks, or sshfs, written from another host).
        case (_, false?) where now.timeIntervalSince(lastGrowth) <= Self.growthWithoutLockSeconds:
            state = logState == .paused ? .paused : .running
        case (_, false?): state = .interrupted
        case (.paused?, _): state = .paused
        case (_, true?): state = .running
        case (_, nil): state = now.timeIntervalSince(lastGrowth) > quietSeconds ? .finished : .running
        }
        if state != reportedState {
            if state == .interrupted {
                out.append(.logEntry(.warning, "the trainer is not running and train.log does not say the run ended (killed?); --run-dir \(directory) --resume auto continues it",
                                     step: nil))
            }
            if state == .finished && logState != .finished && reportedState != .finished {
                out.append(.logEntry(.warning, "nothing written for \(Int(quietSeconds)) s and train.log does not say the run ended: shown as finished",
                                     step: nil))
            }
            out.append(.state(state)); reportedState = state
        }
        return out
    }

    /// results.json's figures when the file changed since the last poll: nil when it went away, and
    /// nil with one warning naming it when it cannot be read (the eval commands replace it whole, so
    /// this is not a half-written one). Figures no longer in the file are not left on the screen.
    private mutating func resultsEvents() -> [EngineEvent] {
        let path = RunDirectory(path: directory).resultsPath
        let stamp = (try? FileManager.default.attributesOfItem(atPath: path)).map {
            [($0[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0, Double(($0[.size] as? Int) ?? 0)]
        }
        guard stamp != resultsStamp else { return [] }
        let seenBefore = resultsStamp != nil
        resultsStamp = stamp
        guard stamp != nil else { return seenBefore ? [.savedResults(nil)] : [] }
        do { return [.savedResults(try RunResults.read(path: path))] } catch {
            return [.savedResults(nil), .logEntry(.warning, "\(error)", step: nil)]
        }
    }

    /// The run's info with the length and start a (re)started trainer gave in `lines`, or nil when
    /// they give none.
    private mutating func restartedInfo(_ lines: [TrainLogLine]) -> RunInfo? {
        guard var updated = info, lines.contains(where: { $0.level == .info && $0.runLength != nil }) else { return nil }
        RunConfigReader.amend(&updated, epochs: configEpochs, log: lines)
        info = updated
        return updated
    }

    /// Starts a thread that polls every `interval` seconds and sends the events to `channel`.
    public static func follow(directory: String, into channel: MessageChannel<EngineEvent>, interval: Double = 0.25) {
        let t = Thread {
            var f = RunDirectoryFollower(directory: directory)
            while true {
                let ev = f.poll()
                if !ev.isEmpty { for e in ev { channel.send(e) } }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        t.name = "run-follower"
        t.start()
    }
}

/// The complete lines appended to a file since the last read (a partial last line waits); starts
/// over when the file shrinks (rewritten).
struct LineTail {
    let path: String
    private var offset: UInt64 = 0
    private var partial = Data()
    private var lineNumber = 0
    /// How many times the file was read again from its start (it had shrunk).
    private(set) var restarts = 0

    init(path: String) { self.path = path }

    mutating func readNewLines() -> [(Int, String)] {
        guard let h = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? h.close() }
        let size = (try? h.seekToEnd()) ?? 0
        if size < offset { offset = 0; partial.removeAll(); lineNumber = 0; restarts += 1 }
        guard size > offset else { return [] }
        try? h.seek(toOffset: offset)
        guard let data = try? h.read(upToCount: Int(size - offset)) else { return [] }
        offset += UInt64(data.count)
        partial.append(data)
        // Lines cut out where they stand and the rest kept once: removing each line from the front
        // copied the rest every time, quadratic in a long run's file (minutes for 100 MB).
        var out: [(Int, String)] = []
        var start = partial.startIndex
        while let nl = partial[start...].firstIndex(of: 0x0A) {
            lineNumber += 1
            out.append((lineNumber, String(decoding: partial[start..<nl], as: UTF8.self)))
            start = partial.index(after: nl)
        }
        partial = Data(partial[start...])
        return out
    }
}
