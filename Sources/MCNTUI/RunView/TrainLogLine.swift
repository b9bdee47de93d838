import Foundation
import MCNTrain

/// One line of a run's train.log read back (`2026-11-27T09:49:22.759Z info    paused at step 40`,
/// see `TrainLog`): the level and message the live log pane shows, and the step the message names
/// (nil when it names none: the file does not say at which step a line was written). A line in
/// another form keeps its whole text, with the level guessed from its words.
public struct TrainLogLine: Sendable, Equatable {
    public var level: LogLevel
    public var message: String
    public var step: Int?

    public init(level: LogLevel, message: String, step: Int?) {
        self.level = level; self.message = message; self.step = step
    }

    /// Nil for a blank line.
    public init?(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return nil }
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        if parts.count >= 2, Self.isTimestamp(parts[0]), let level = LogLevel(rawValue: String(parts[1])) {
            self.level = level
            message = parts.count == 3 ? parts[2].trimmingCharacters(in: .whitespaces) : ""
        } else {
            level = Self.guessLevel(text)
            message = text
        }
        step = Self.stepNamed(in: message)
    }

    /// The events of this line: the log entry, and a checkpoint when it says one was written.
    public var events: [EngineEvent] {
        var out: [EngineEvent] = [.logEntry(level, message, step: step)]
        let mark = "checkpoint written: "
        if message.hasPrefix(mark) {
            let path = String(message.dropFirst(mark.count))
            if let s = step ?? Self.checkpointStep(path) { out.append(.checkpointSaved(step: s, path: path)) }
        }
        return out
    }

    /// What the line says about the run, in the words of `TrainingEngine`: `training N steps: …` and
    /// `resumed at step N` (the run, or training after a pause) → running; `paused at step N`, or a
    /// step that was not finite (`… paused without applying the update …`) → paused; `finished N
    /// steps` and `stopped at step N` → finished; any other error → error (the engine logs the error
    /// that ends a run, then nothing more), except a failed evaluation, a refused or unwritten
    /// checkpoint and unwritten metrics, after which training goes on. Nil for a line that says
    /// nothing about it.
    public var state: EngineState? {
        let m = message
        if m.hasPrefix("finished "), m.hasSuffix(" steps") { return .finished }
        if m.hasPrefix("stopped at step ") { return .finished }
        if m.hasPrefix("paused at step ") { return .paused }
        if m.hasPrefix("resumed at step ") { return .running }
        if m.hasPrefix("training "), m.contains(" steps") { return .running }
        guard level == .error else { return nil }
        if m.contains("paused without applying the update") { return .paused }
        if m.hasPrefix("evaluation failed") || m.hasSuffix("checkpoint refused") { return nil }
        if m.hasSuffix("training goes on") || m.hasSuffix("training goes on (c tries again)") { return nil }
        return .error
    }

    /// The run's length the line gives (`training N steps: SUMMARY`, with the dataset summary;
    /// `resumed at step S of N`); nil for any other line.
    public var runLength: (totalSteps: Int, datasetSummary: String?)? {
        let m = message
        if m.hasPrefix("training ") {
            // `training N steps: SUMMARY`, or with `, E steps an epoch` before the colon. The number
            // is read after "training " (a line "training steps: …" has none).
            let rest = m.dropFirst("training ".count)
            guard let colon = rest.range(of: ": "), let n = Self.leadingNumber(rest),
                  rest[..<colon.lowerBound].hasPrefix("\(n) steps") else { return nil }
            return (n, String(rest[colon.upperBound...]))
        }
        if m.hasPrefix("resumed at step "), let of = m.range(of: " of "), let n = Self.leadingNumber(m[of.upperBound...]) {
            return (n, nil)
        }
        return nil
    }

    /// The steps an epoch of a line that gives the run's length (`training N steps, E steps an
    /// epoch: …`, `resumed at step S of N, E steps an epoch`); nil for other lines and for logs
    /// from before the engine said it.
    public var stepsPerEpoch: Int? {
        guard runLength != nil, let r = message.range(of: " an epoch") else { return nil }
        var before = message[..<r.lowerBound]
        for unit in [" steps", " step"] where before.hasSuffix(unit) { before = before.dropLast(unit.count); break }
        guard let comma = before.range(of: ", ", options: .backwards) else { return nil }
        return Int(before[comma.upperBound...]).flatMap { $0 > 0 ? $0 : nil }
    }

    /// `2026-11-27T09:49:22.759Z`.
    static func isTimestamp(_ s: Substring) -> Bool {
        s.count >= 20 && s.first?.isNumber == true && s.contains("T") && s.last == "Z"
    }

    static func guessLevel(_ line: String) -> LogLevel {
        let l = line.lowercased()
        if l.contains("error") || l.contains("fatal") { return .error }
        if l.contains("warn") || l.contains("skipped") || l.contains("nan") { return .warning }
        return .info
    }

    /// The step a message is about: `… at step 40`, `step 13: …`, `finished 12 steps`, or a
    /// checkpoint file `…/step-00000012.safetensors`. `training 12 steps: …` names a total, not a step.
    static func stepNamed(in message: String) -> Int? {
        if let r = message.range(of: "at step ") { return leadingNumber(message[r.upperBound...]) }
        if message.hasPrefix("step ") { return leadingNumber(message.dropFirst(5)) }
        if message.hasPrefix("finished "), message.hasSuffix(" steps") { return leadingNumber(message.dropFirst(9)) }
        return checkpointStep(message)
    }

    /// The step of a checkpoint file named `step-00000012…`.
    static func checkpointStep(_ path: String) -> Int? {
        guard let r = path.range(of: "step-", options: .backwards) else { return nil }
        return leadingNumber(path[r.upperBound...])
    }

    static func leadingNumber(_ s: Substring) -> Int? {
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty || digits.count > 15 ? nil : Int(digits)
    }
}
