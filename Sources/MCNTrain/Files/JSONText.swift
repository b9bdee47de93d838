/// Small helpers for JSON written by hand, where key order matters (safetensors headers,
/// metrics lines).
enum JSONText {
    /// A JSON string literal with the escapes JSON requires (TOML's basic strings use the same,
    /// plus DEL: `escapeDelete`).
    static func quote(_ s: String, escapeDelete: Bool = false) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || (escapeDelete && u.value == 0x7F) {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A JSON number in its shortest round-tripping form; NaN and ±infinity (not JSON) as `null`.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}
