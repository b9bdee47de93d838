import XCTest
@testable import MCNTUI

final class ThemeTests: XCTestCase {
    static let themesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes")

    func testBuiltinCopiesMatchTheFiles() throws {
        for name in ["dark", "light", "mono"] {
            let file = try String(contentsOf: Self.themesDir.appendingPathComponent("\(name).toml"), encoding: .utf8)
            XCTAssertEqual(BuiltinThemes.sources[name]?.trimmingCharacters(in: .newlines), file.trimmingCharacters(in: .newlines),
                           "Theme/BuiltinThemes.swift is out of date with themes/\(name).toml")
        }
    }

    func testThemesLoadAndSetEveryRole() throws {
        for name in ["dark", "light", "mono"] {
            let t = try Theme.load(path: Self.themesDir.appendingPathComponent("\(name).toml").path)
            XCTAssertEqual(t.name, name)
            let raw = try Theme.parse(BuiltinThemes.sources[name]!, origin: name, base: nil)
            XCTAssertEqual(Set(raw.styles.keys), Set(ThemeRole.allCases), "\(name) sets every role")
        }
        let mono = try Theme.load("mono", searchDirectories: [])
        XCTAssertTrue(mono.styles.values.allSatisfy { $0.fg == .none && $0.bg == .none })
    }

    func testBadThemesGiveOneLineErrors() {
        func err(_ text: String) -> String {
            do { _ = try Theme.parse(text, origin: "x.toml", base: .dark); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(err("[styles]\nborder = { fg = \"purpleish\" }").hasPrefix("x.toml: styles.border.fg: not a colour"))
        XCTAssertTrue(err("[styles]\nbordr = {}").hasPrefix("x.toml: unknown style role `bordr`"))
        XCTAssertTrue(err("series = [1]").hasPrefix("x.toml: series:"))
        XCTAssertTrue(err("= broken").hasPrefix("x.toml: not valid TOML"))
        XCTAssertThrowsError(try Theme.load("nope", searchDirectories: []))
        // A partial theme takes the rest from dark.
        let partial = try? Theme.parse("[styles]\nborder = { fg = \"#ff0000\" }", origin: "p", base: .dark)
        XCTAssertEqual(partial?[.border].fg, .rgb(255, 0, 0)); XCTAssertEqual(partial?[.title], Theme.dark[.title])
    }

    func testColourParsingAndNoColor() throws {
        XCTAssertEqual(TermColor(parsing: "bright-red"), .ansi(9))
        XCTAssertEqual(TermColor(parsing: "color236"), .indexed(236))
        XCTAssertEqual(TermColor(parsing: "#0a0b0c"), .rgb(10, 11, 12))
        XCTAssertNil(TermColor(parsing: "color256"))
        for c in [TermColor.none, .ansi(3), .ansi(12), .indexed(99), .rgb(1, 2, 3)] { XCTAssertEqual(TermColor(parsing: c.name), c) }
        let (theme, glyphs, colour) = try WorkbenchOptions.resolve(themeName: "dark", themeSearchDirectories: [], noColor: true,
                                                                  ascii: false, glyphs: nil, utf8Locale: true)
        XCTAssertFalse(colour); XCTAssertEqual(glyphs.plot, .braille)
        XCTAssertTrue(theme.styles.values.allSatisfy { $0.fg == .none && $0.bg == .none })
        XCTAssertEqual(try WorkbenchOptions.resolve(themeName: "dark", themeSearchDirectories: [], noColor: false, ascii: false,
                                                    glyphs: nil, utf8Locale: false).1.plot, .ascii, "no UTF-8 locale: ASCII")
        XCTAssertEqual(try WorkbenchOptions.resolve(themeName: "dark", themeSearchDirectories: [], noColor: false, ascii: false,
                                                    glyphs: "block", utf8Locale: true).1.plot, .block)
    }

    /// An uninstalled LANG (common over SSH) turned the screen to ASCII without a word.
    func testASCIIForTheLocaleIsSaidInTheLog() {
        XCTAssertNil(WorkbenchOptions.asciiNote(utf8Locale: true, ascii: false, environment: [:]))
        XCTAssertNil(WorkbenchOptions.asciiNote(utf8Locale: false, ascii: true, environment: [:]), "--ascii: asked for")
        let note = WorkbenchOptions.asciiNote(utf8Locale: false, ascii: false, environment: ["LANG": "de_DE.UTF-8", "LC_ALL": ""])
        XCTAssertEqual(note, "drawing in ASCII: the locale (LANG=de_DE.UTF-8) is not UTF-8 or not installed here "
                       + "(`locale -a` lists those that are; C.UTF-8 always is)")
        XCTAssertTrue(WorkbenchOptions.asciiNote(utf8Locale: false, ascii: false, environment: [:])?.contains("(LANG unset)") ?? false)
        // Said after the first events (a run's history, read first, had scrolled it out of sight),
        // or after a second without any.
        var options = WorkbenchOptions()
        options.notes = [note!]
        var loop = ScreenLoop(options: options)
        _ = loop.tick(events: [], key: nil, width: 120, height: 40)
        XCTAssertEqual(loop.builder.snapshot().logs, [])
        _ = loop.tick(events: [.log(.info, "training 12 steps")], key: nil, width: 120, height: 40)
        XCTAssertEqual(loop.builder.snapshot().logs.map(\.text), ["training 12 steps", note!])
        XCTAssertEqual(loop.builder.snapshot().logs.last?.level, .warning)
        var quiet = ScreenLoop(options: options)
        for _ in 0..<ScreenLoop.notesWaitTicks { _ = quiet.tick(events: [], key: nil, width: 120, height: 40) }
        XCTAssertEqual(quiet.builder.snapshot().logs.map(\.text), [note!])
    }

    func testColourMapping() {
        let p = ColorMapper(depth: .palette256)
        XCTAssertEqual(p.number(.none), -1)
        XCTAssertEqual(p.number(.rgb(255, 0, 0)), 196)
        XCTAssertEqual(p.number(.rgb(128, 128, 128)), 244)
        XCTAssertEqual(p.number(.indexed(75)), 75)
        let d = ColorMapper(depth: .direct)
        XCTAssertEqual(d.number(.rgb(1, 2, 3)), 0x010203)
        XCTAssertEqual(d.number(.indexed(196)), 0xff0000)
        let a = ColorMapper(depth: .ansi8)
        XCTAssertEqual(a.number(.ansi(9)), 1)
        XCTAssertEqual(a.number(.rgb(0, 250, 0)), 2)
        XCTAssertEqual(ColorMapper(depth: .none).number(.ansi(1)), -1)
    }
}
