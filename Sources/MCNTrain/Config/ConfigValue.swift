import Foundation

/// One value of the run config: TOML's scalar kinds that the config uses.
public enum ConfigValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    /// The value as a TOML literal (`"r3d-tiny"`, `8`, `0.05`, `true`), also the form used in
    /// checkpoint metadata and config differences.
    public var tomlLiteral: String {
        switch self {
        case .string(let s): return ConfigValue.quote(s)
        case .int(let i): return String(i)
        case .double(let d): return ConfigValue.formatDouble(d)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    public var description: String { tomlLiteral }

    var kindName: String {
        switch self {
        case .string: return "string"
        case .int: return "integer"
        case .double: return "number"
        case .bool: return "boolean"
        }
    }

    /// Shortest round-tripping form, always with a `.` or an exponent so TOML reads it as a float.
    static func formatDouble(_ d: Double) -> String {
        let s = "\(d)"
        if s.contains(".") || s.contains("e") || s.contains("n") || s.contains("i") { return s }
        return s + ".0"
    }

    /// A TOML basic string with the escapes TOML requires.
    static func quote(_ s: String) -> String { JSONText.quote(s, escapeDelete: true) }
}
