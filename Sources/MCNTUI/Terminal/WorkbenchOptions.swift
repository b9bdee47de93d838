/// How the workbench looks and behaves.
public struct WorkbenchOptions: Sendable {
    public var theme: Theme
    public var glyphs: GlyphSet
    /// False under NO_COLOR or `--theme mono`.
    public var colour: Bool
    public var vimKeys: Bool
    /// View mode: keys that steer the engine only say so.
    public var readOnly: Bool
    /// `q` asks first when the last checkpoint is more than this many steps old.
    public var quitConfirmSteps: Int
    /// Redraw at least this often even without events (seconds).
    public var idleRedrawSeconds: Double
    /// Redraw for new data at most this often (seconds); keys and resizes redraw at once. Training
    /// steps arrive several times a second and every redraw wakes a thread that competes with the
    /// two BLAS threads for the same two cores.
    public var dataRedrawSeconds: Double
    /// Said in the screen's log when it opens (such as why it draws in ASCII).
    public var notes: [String] = []

    public init(theme: Theme = .dark, glyphs: GlyphSet = .unicode, colour: Bool = true, vimKeys: Bool = false,
                readOnly: Bool = false, quitConfirmSteps: Int = 100, idleRedrawSeconds: Double = 1,
                dataRedrawSeconds: Double = 0.25) {
        self.theme = theme; self.glyphs = glyphs; self.colour = colour; self.vimKeys = vimKeys
        self.readOnly = readOnly; self.quitConfirmSteps = quitConfirmSteps; self.idleRedrawSeconds = idleRedrawSeconds
        self.dataRedrawSeconds = dataRedrawSeconds
    }

    public var renderContext: RenderContext { RenderContext(theme: theme, glyphs: glyphs, colour: colour) }

    /// Resolves the theme, colour and glyph choices the command line and environment make.
    /// - themeName: `--theme NAME|PATH`; noColor: NO_COLOR is set (non-empty); ascii: `--ascii`;
    ///   glyphs: `--glyphs braille|block|ascii`; utf8Locale: the locale's charset is UTF-8.
    public static func resolve(themeName: String, themeSearchDirectories: [String], noColor: Bool, ascii: Bool,
                               glyphs: String?, utf8Locale: Bool) throws -> (Theme, GlyphSet, Bool) {
        var theme = try Theme.load(themeName, searchDirectories: themeSearchDirectories)
        var colour = theme.name != "mono"
        if noColor { theme = theme.withoutColour(); colour = false }
        var resolution: PlotResolution = .braille
        if let g = glyphs {
            guard let r = PlotResolution(rawValue: g) else {
                throw ThemeError(description: "--glyphs: '\(g)' is not one of braille, block, ascii")
            }
            resolution = r
        }
        if ascii || !utf8Locale { resolution = .ascii }
        return (theme, GlyphSet.forResolution(resolution), colour)
    }

    /// Why the screen draws in ASCII when nobody asked for it: the locale's character set is not
    /// UTF-8, most often a LANG that the machine has not installed (over SSH from another system).
    public static func asciiNote(utf8Locale: Bool, ascii: Bool, environment: [String: String]) -> String? {
        guard !utf8Locale, !ascii else { return nil }
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { key in
            environment[key].flatMap { $0.isEmpty ? nil : "\(key)=\($0)" }
        }.first ?? "LANG unset"
        return "drawing in ASCII: the locale (\(locale)) is not UTF-8 or not installed here "
            + "(`locale -a` lists those that are; C.UTF-8 always is)"
    }
}
