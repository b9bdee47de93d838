import Foundation
import MCNTrain

/// Short number, time and size formats for panels.
public enum Format {
    /// About 4 significant figures in at most ~7 characters: `2.315`, `0.0412`, `1.2e-05`, `12345`.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "inf" : "-inf") }
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e5 || a < 1e-3 { return String(format: "%.1e", v) }
        if a >= 1000 { return String(format: "%.0f", v) }
        if a >= 100 { return String(format: "%.1f", v) }
        if a >= 10 { return String(format: "%.2f", v) }
        if a >= 1 { return String(format: "%.3f", v) }
        return String(format: "%.4f", v)
    }

    /// Three significant figures: `3.03`, `0.491`, `12.4`, `1.2e-05`.
    public static func short(_ v: Double) -> String {
        guard v.isFinite, v != 0 else { return number(v) }
        let a = abs(v)
        if a >= 1e4 || a < 1e-3 { return String(format: "%.1e", v) }
        if a >= 100 { return String(format: "%.0f", v) }
        if a >= 10 { return String(format: "%.1f", v) }
        if a >= 1 { return String(format: "%.2f", v) }
        return String(format: "%.3f", v)
    }

    /// `1h02m`, `3m12s`, `45s` or `--` when unknown, as the headless lines say it (DurationText).
    public static func duration(_ seconds: Double?) -> String { DurationText.format(seconds) }

    public static func bytes(_ b: Int) -> String {
        let d = Double(b)
        if d >= 1_073_741_824 { return String(format: "%.2f GiB", d / 1_073_741_824) }
        if d >= 1_048_576 { return String(format: "%.0f MiB", d / 1_048_576) }
        if d >= 1024 { return String(format: "%.0f KiB", d / 1024) }
        return "\(b) B"
    }

    public static func percent(_ f: Double, digits: Int = 0) -> String {
        guard f.isFinite else { return "--%" }
        return String(format: "%.\(digits)f%%", f * 100)
    }

    public static func milliseconds(_ s: Double) -> String {
        guard s.isFinite else { return "--" }
        return s >= 1 ? String(format: "%.2fs", s) : String(format: "%.0fms", s * 1000)
    }
}
