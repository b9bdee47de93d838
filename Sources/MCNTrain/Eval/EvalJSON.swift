import Foundation

/// A JSON value, for results files whose sections are written by different commands: read the
/// whole file, replace one section, write it back (sorted keys, shortest round-tripping numbers).
public indirect enum EvalJSON: Equatable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([EvalJSON])
    case object([String: EvalJSON])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([EvalJSON].self) { self = .array(a); return }
        self = .object(try c.decode([String: EvalJSON].self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public subscript(key: String) -> EvalJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var double: Double? { if case .number(let d) = self { return d } else { return nil } }

    /// Parses JSON text; nil when it is not JSON.
    public static func parse(_ data: Data) -> EvalJSON? {
        try? JSONDecoder().decode(EvalJSON.self, from: data)
    }

    /// The text: `indent` nil gives one line, else pretty-printed; object keys sorted.
    public func text(indent: String? = "  ") -> String {
        var out = ""
        write(into: &out, indent: indent, level: 0)
        return out
    }

    private func write(into out: inout String, indent: String?, level: Int) {
        let nl = indent == nil ? "" : "\n"
        func pad(_ l: Int) -> String { indent.map { String(repeating: $0, count: l) } ?? "" }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += JSONText.number(d)
        case .string(let s): out += JSONText.quote(s)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "[" + nl
            for (i, v) in a.enumerated() {
                out += pad(level + 1)
                v.write(into: &out, indent: indent, level: level + 1)
                out += (i + 1 < a.count ? "," : "") + nl
            }
            out += pad(level) + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{" + nl
            let keys = o.keys.sorted()
            for (i, k) in keys.enumerated() {
                out += pad(level + 1) + JSONText.quote(k) + (indent == nil ? ":" : ": ")
                o[k]!.write(into: &out, indent: indent, level: level + 1)
                out += (i + 1 < keys.count ? "," : "") + nl
            }
            out += pad(level) + "}"
        }
    }
}

extension EvalJSON: ExpressibleByDictionaryLiteral, ExpressibleByStringLiteral, ExpressibleByFloatLiteral,
                    ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
    public init(dictionaryLiteral elements: (String, EvalJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, b in b }))
    }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: EvalJSON...) { self = .array(elements) }
    public init(_ value: Int) { self = .number(Double(value)) }
    public init(_ value: Double) { self = .number(value) }
    public init(_ value: String) { self = .string(value) }
    public init(_ values: [String]) { self = .array(values.map(EvalJSON.string)) }
}
