import Foundation

/// A terminal colour as a theme names it; the backend maps it to what the terminal can show.
public enum TermColor: Hashable, Sendable {
    /// The terminal's own default foreground or background.
    case none
    /// One of the 16 ANSI colours (0–7 normal, 8–15 bright).
    case ansi(UInt8)
    /// An entry of the 256-colour palette.
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, an ANSI name (`red`, `bright-red`), `colorN`/`N` (0–255) or `#rrggbb`.
    public init?(parsing text: String) {
        let s = text.lowercased().trimmingCharacters(in: .whitespaces)
        if s == "default" || s == "none" || s.isEmpty { self = .none; return }
        if let i = Self.ansiNames.firstIndex(of: s) { self = .ansi(UInt8(i)); return }
        if s.hasPrefix("bright-"), let i = Self.ansiNames.firstIndex(of: String(s.dropFirst(7))) {
            self = .ansi(UInt8(i + 8)); return
        }
        if s.hasPrefix("#"), s.count == 7, let v = UInt32(s.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)); return
        }
        let digits = s.hasPrefix("color") ? String(s.dropFirst(5)) : s
        if let n = Int(digits), (0...255).contains(n) { self = .indexed(UInt8(n)); return }
        return nil
    }

    /// A short stable name for attribute dumps and theme files.
    public var name: String {
        switch self {
        case .none: return "default"
        case .ansi(let i): return i < 8 ? Self.ansiNames[Int(i)] : "bright-" + Self.ansiNames[Int(i) - 8]
        case .indexed(let i): return "color\(i)"
        case .rgb(let r, let g, let b):
            return "#" + [r, g, b].map { String($0, radix: 16).leftPadded(to: 2, with: "0") }.joined()
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
    func rightPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : self + String(repeating: pad, count: width - count)
    }
}
