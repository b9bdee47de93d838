import Foundation
import TOMLKit

/// The whole training config: every key of `ConfigSchema` with its value, validated when set.
/// Build it with `RunConfig.load(file:overrides:)`; read it through the typed sections
/// (`config.optim.lr`); write it back with `toml()`.
public struct RunConfig: Sendable, Equatable {
    /// Dotted key → value; always holds every schema key.
    public private(set) var values: [String: ConfigValue]

    /// The defaults.
    public init() {
        values = Dictionary(uniqueKeysWithValues: ConfigSchema.keys.map { ($0.dotted, $0.defaultValue) })
    }

    /// Defaults, then the TOML file (if any), then each `key=value` override in order, then the
    /// settings of command-line flags (`flags`: errors name the flag); every key and value is
    /// checked before anything else happens.
    /// `recorded`: the file is a run's own config.toml, and keys it lacks take what runs before
    /// them had (`ConfigKey.absentMeans`).
    public static func load(file: String?, overrides: [String] = [], flags: [FlagSetting] = [],
                            recorded: Bool = false) throws -> RunConfig {
        var config = RunConfig()
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ConfigError("\(file): cannot read the config file")
            }
            let present = try config.merge(toml: text, source: file)
            if recorded { config.fillAbsent(present: present) }
        }
        for o in overrides { try config.set(o) }
        for f in flags { try config.set(f.assignment, source: f.flag) }
        return config
    }

    /// Parses TOML text (`source` names it in errors) over the defaults.
    public static func parse(toml text: String, source: String = "config") throws -> RunConfig {
        var config = RunConfig()
        try config.merge(toml: text, source: source)
        return config
    }

    /// Keys a recorded config lacks take what they meant before they existed (`absentMeans`).
    public mutating func fillAbsent(present: Set<String>) {
        values.merge(ConfigSchema.absentMeanings(present: present)) { _, meant in meant }
    }

    /// Applies the keys of a TOML document on top of this config; returns the keys it set.
    @discardableResult
    public mutating func merge(toml text: String, source: String) throws -> Set<String> {
        var present = Set<String>()
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw ConfigError("\(source): invalid TOML at line \(e.source.begin.line): \(e.description)")
        } catch {
            throw ConfigError("\(source): invalid TOML")
        }
        for section in table.keys.sorted() {
            guard let sub = table[section]?.table else {
                let hint = ConfigSchema.closestKey(to: section).map { "; did you mean '\($0)' (in its [section])?" } ?? ""
                throw ConfigError("\(source): '\(section)' must be a [section] (one of \(ConfigSchema.sections.joined(separator: ", ")))\(hint)")
            }
            guard ConfigSchema.sections.contains(section) else {
                let close = ConfigSchema.sections.min { editDistance(section, $0) < editDistance(section, $1) }!
                let hint = editDistance(section, close) <= max(1, section.count / 2) ? "; did you mean [\(close)]?" : ""
                throw ConfigError("\(source): unknown section [\(section)] (sections: \(ConfigSchema.sections.joined(separator: ", ")))\(hint)")
            }
            for key in sub.keys.sorted() {
                let dotted = "\(section).\(key)"
                guard let spec = ConfigSchema.byName[dotted] else { throw Self.unknownKey(dotted, source: source) }
                guard let raw = sub[key], let value = Self.scalar(raw) else {
                    throw ConfigError("\(source): \(dotted) must be \(spec.constraint.allowed)")
                }
                values[dotted] = try spec.validate(value, source: source)
                present.insert(dotted)
            }
        }
        return present
    }

    /// Applies one `--set key=value` override, e.g. `optim.lr=0.05` or `model.backbone=r3d-18`.
    /// The value is read as the key's kind (quotes around strings are optional).
    /// `source` names it in errors (default `--set <assignment>`).
    public mutating func set(_ assignment: String, source: String? = nil) throws {
        let source = source ?? "--set \(assignment)"
        guard let eq = assignment.firstIndex(of: "=") else {
            throw ConfigError("\(source): expected key=value, e.g. optim.lr=0.05")
        }
        let key = assignment[..<eq].trimmingCharacters(in: .whitespaces)
        var text = assignment[assignment.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        guard let spec = ConfigSchema.byName[key] else { throw Self.unknownKey(key, source: source) }
        let value: ConfigValue
        switch spec.defaultValue {
        case .string:
            if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
            value = .string(text)
        case .int:
            guard let i = Int(text.replacingOccurrences(of: "_", with: "")) else {
                throw ConfigError("\(source): \(key) must be \(spec.constraint.allowed), not '\(text)'")
            }
            value = .int(i)
        case .double:
            guard let d = Double(text.replacingOccurrences(of: "_", with: "")) else {
                throw ConfigError("\(source): \(key) must be \(spec.constraint.allowed), not '\(text)'")
            }
            value = .double(d)
        case .bool:
            guard text == "true" || text == "false" else {
                throw ConfigError("\(source): \(key) must be true or false, not '\(text)'")
            }
            value = .bool(text == "true")
        }
        values[key] = try spec.validate(value, source: source)
    }

    /// Sets one key to a value (checked like any other).
    public mutating func set(_ key: String, _ value: ConfigValue) throws {
        guard let spec = ConfigSchema.byName[key] else { throw Self.unknownKey(key, source: "config") }
        values[key] = try spec.validate(value, source: "config")
    }

    /// The value of a dotted key (every schema key has one).
    public subscript(key: String) -> ConfigValue? { values[key] }

    /// The resolved config as TOML: every section and key, in schema order, with the key's
    /// meaning as a comment.
    public func toml() -> String {
        var out = "# mcn-tui resolved run config\n"
        for section in ConfigSchema.sections {
            out += "\n[\(section)]\n"
            for k in ConfigSchema.keys where k.section == section {
                let v = values[k.dotted]!.tomlLiteral
                out += "\(k.name) = \(v)".padding(toLength: max(36, k.name.count + v.count + 4), withPad: " ", startingAt: 0)
                out += "# \(k.help)\n"
            }
        }
        return out
    }

    /// Every key → its TOML literal (what a checkpoint records).
    public var keyValues: [String: String] {
        values.mapValues { $0.tomlLiteral }
    }

    /// A stable 16-hex-digit hash (FNV-1a 64) of the keys that must match for a resume, i.e.
    /// all but those with `mayChangeOnResume` (run length, name, logging cadence, caches, threads).
    public var hash: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in ConfigSchema.keys where !k.mayChangeOnResume {
            for b in "\(k.dotted)=\(values[k.dotted]!.tomlLiteral)\n".utf8 {
                h = (h ^ UInt64(b)) &* 0x100_0000_01b3
            }
        }
        return String(format: "%016llx", h)
    }

    static func unknownKey(_ key: String, source: String) -> ConfigError {
        let hint = ConfigSchema.closestKey(to: key).map { "; did you mean '\($0)'?" } ?? ""
        return ConfigError("\(source): unknown config key '\(key)'\(hint)")
    }

    static func scalar(_ v: TOMLValueConvertible) -> ConfigValue? {
        switch v.type {
        case .string: return v.string.map { .string($0) }
        case .int: return v.int.map { .int($0) }
        case .double: return v.double.map { .double($0) }
        case .bool: return v.bool.map { .bool($0) }
        default: return nil
        }
    }
}

/// A config value given by a command-line flag that stands for a key (`--steps 40` sets
/// run.steps = 40): errors about it name the flag as the user typed it.
public struct FlagSetting: Sendable, Equatable {
    /// The flag and its value, e.g. `--steps 40`.
    public let flag: String
    /// `key=value`.
    public let assignment: String

    public init(_ name: String, _ value: CustomStringConvertible, key: String) {
        self.init(flag: "--\(name) \(value)", assignment: "\(key)=\(value)")
    }

    public init(flag: String, assignment: String) {
        self.flag = flag; self.assignment = assignment
    }
}

/// The keys (dotted names, sorted) whose values differ between two recorded configs
/// (key → TOML literal), ignoring the keys that may change on resume (`mayChangeOnResume`:
/// run.steps, run.epochs, run.name, logging cadence, caches, threads, eval keys). A key one side
/// lacks counts as what it meant before it existed where the schema says (`ConfigKey.absentMeans`),
/// else as differing. data.dir counts as the same when both name the same folder (a run records it
/// absolute; runs before that recorded it as given, relative to where they were started).
public func configDifferences(_ a: [String: String], _ b: [String: String]) -> [String] {
    let resumable = Set(ConfigSchema.keys.filter(\.mayChangeOnResume).map(\.dotted))
    func filled(_ c: [String: String]) -> [String: String] {
        c.merging(ConfigSchema.absentMeanings(present: Set(c.keys)).mapValues(\.tomlLiteral)) { old, _ in old }
    }
    let (a, b) = (filled(a), filled(b))
    return Set(a.keys).union(b.keys).sorted().filter { key in
        if resumable.contains(key) || a[key] == b[key] { return false }
        if key == "data.dir", let x = a[key].flatMap(absoluteDirectory), let y = b[key].flatMap(absoluteDirectory) {
            return x != y
        }
        return true
    }
}

/// The folder a recorded data.dir (a TOML string literal) names, made absolute against the
/// current directory.
private func absoluteDirectory(literal: String) -> String? {
    guard let dir = (try? TOMLTable(string: "v = \(literal)"))?["v"]?.string else { return nil }
    return absolutePath(dir)
}

/// `path` made absolute against the current directory, standardised.
public func absolutePath(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return (full as NSString).standardizingPath
}

/// Whether two paths name the same directory (relative, `..`, symlinks resolved).
func sameDirectory(_ a: String, _ b: String) -> Bool {
    URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
        == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
}

/// The differing keys of two configs (see `configDifferences(_:_:)` on key/values).
public func configDifferences(_ a: RunConfig, _ b: RunConfig) -> [String] {
    configDifferences(a.keyValues, b.keyValues)
}
