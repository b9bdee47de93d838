import Foundation

/// A run's durations as the headless lines and the screen's header both say them: `1h02m`,
/// `3m12s`, `45s`, or `--` when unknown. (The screen said `16:56`, which reads as a time of day
/// after "ETA", and the headless lines `16m56s`.)
public enum DurationText {
    public static func format(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite, s >= 0 else { return "--" }
        let t = Int(min(s, 1e12).rounded())
        if t >= 3600 { return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) }
        if t >= 60 { return String(format: "%dm%02ds", t / 60, t % 60) }
        return "\(t)s"
    }
}
