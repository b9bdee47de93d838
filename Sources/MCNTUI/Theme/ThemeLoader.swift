import Foundation
import TOMLKit

/// A theme file that cannot be used, with the file and the problem in one line.
public struct ThemeError: Error, CustomStringConvertible {
    public var description: String
}

extension Theme {
    /// The default theme, parsed from its built-in copy.
    public static let dark: Theme = {
        // The built-in text is checked by a test, so a failure here is a programming error.
        try! parse(BuiltinThemes.sources["dark"]!, origin: "dark (built in)", base: nil)
    }()

    /// Names of the themes that ship with the program.
    public static var builtinNames: [String] { BuiltinThemes.sources.keys.sorted() }

    /// Resolves `--theme NAME|PATH`: a path (contains `/` or ends in `.toml`), else NAME.toml in
    /// `searchDirectories`, else a built-in theme.
    public static func load(_ nameOrPath: String, searchDirectories: [String]) throws -> Theme {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            return try load(path: nameOrPath)
        }
        for dir in searchDirectories {
            let p = (dir as NSString).appendingPathComponent(nameOrPath + ".toml")
            if FileManager.default.fileExists(atPath: p) { return try load(path: p) }
        }
        if let src = BuiltinThemes.sources[nameOrPath] {
            return try parse(src, origin: "\(nameOrPath) (built in)", base: .dark)
        }
        throw ThemeError(description: "theme '\(nameOrPath)': not found (built in: \(builtinNames.joined(separator: ", ")); or give a path to a .toml file)")
    }

    public static func load(path: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(description: "\(path): cannot read the theme file")
        }
        return try parse(text, origin: path, base: .dark)
    }

    /// Parses theme TOML; roles it leaves out take `base`'s style.
    public static func parse(_ text: String, origin: String, base: Theme?) throws -> Theme {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch {
            throw ThemeError(description: "\(origin): not valid TOML (\(error))")
        }
        var styles = base?.styles ?? [:]
        if let st = table["styles"] {
            guard let st = st.table else { throw ThemeError(description: "\(origin): `styles` must be a table") }
            for key in st.keys {
                guard let role = ThemeRole(rawValue: key) else {
                    throw ThemeError(description: "\(origin): unknown style role `\(key)` (known: \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard let t = st[key]?.table else { throw ThemeError(description: "\(origin): styles.\(key) must be a table") }
                styles[role] = try parseStyle(t, at: "styles.\(key)", origin: origin)
            }
        }
        var series = base?.series ?? []
        if let s = table["series"] {
            guard let arr = s.array else { throw ThemeError(description: "\(origin): `series` must be an array of colours") }
            series = try arr.map { v in
                guard let str = v.string, let c = TermColor(parsing: str) else {
                    throw ThemeError(description: "\(origin): series: `\(v)` is not a colour")
                }
                return c
            }
        }
        let name = table["name"]?.string ?? ((origin as NSString).lastPathComponent as NSString).deletingPathExtension
        return Theme(name: name, styles: styles, series: series)
    }

    private static func parseStyle(_ t: TOMLTable, at where_: String, origin: String) throws -> Style {
        var s = Style()
        for key in t.keys {
            let v = t[key]
            switch key {
            case "fg", "bg":
                guard let str = v?.string, let c = TermColor(parsing: str) else {
                    throw ThemeError(description: "\(origin): \(where_).\(key): not a colour (use default, red, bright-red, color123, #rrggbb)")
                }
                if key == "fg" { s.fg = c } else { s.bg = c }
            case "bold", "dim", "reverse", "underline":
                guard let b = v?.bool else { throw ThemeError(description: "\(origin): \(where_).\(key) must be true or false") }
                let a: TextAttributes = ["bold": .bold, "dim": .dim, "reverse": .reverse, "underline": .underline][key]!
                if b { s.attrs.insert(a) } else { s.attrs.remove(a) }
            default:
                throw ThemeError(description: "\(origin): \(where_): unknown key `\(key)` (fg, bg, bold, dim, reverse, underline)")
            }
        }
        return s
    }
}
