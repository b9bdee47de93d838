import ArgumentParser
import Foundation
import MCNTUI
import MCNTrain

/// Screen flags shared by the workbench, `view` and `demo`.
struct ScreenArguments: ParsableArguments {
    @Option(help: "Colour theme: dark, light, mono, or a path to a theme .toml file.")
    var theme: String = "dark"

    @Flag(help: "ASCII only: no box-drawing, braille or block characters.")
    var ascii = false

    @Option(help: "Chart characters: braille (2×4 dots a cell), block (2×2) or ascii.")
    var glyphs: String?

    @Flag(help: "Also accept hjkl, gg and G (log-y moves to L).")
    var vimKeys = false

    @Option(help: "q asks first when the last checkpoint is more than this many steps old (training only: view's q closes at once).")
    var quitConfirmSteps: Int = 100

    /// Theme directories: ./themes, and themes/ beside the package the binary was built in.
    static var themeDirectories: [String] {
        var dirs = [FileManager.default.currentDirectoryPath + "/themes"]
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            dirs.append(dir.appendingPathComponent("themes").path)
            dir = dir.deletingLastPathComponent()
        }
        return dirs
    }

    /// The options' notes on standard error, once the screen has closed: the screen's log said them,
    /// but they may have scrolled away there.
    func sayNotes(_ options: WorkbenchOptions) {
        for note in options.notes { printError("note: \(note)") }
    }

    func workbenchOptions(readOnly: Bool) throws -> WorkbenchOptions {
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        do {
            let utf8 = NcursesBackend.localeIsUTF8
            let (theme, glyphSet, colour) = try WorkbenchOptions.resolve(
                themeName: theme, themeSearchDirectories: Self.themeDirectories, noColor: noColor, ascii: ascii,
                glyphs: glyphs, utf8Locale: utf8)
            var options = WorkbenchOptions(theme: theme, glyphs: glyphSet, colour: colour, vimKeys: vimKeys,
                                           readOnly: readOnly, quitConfirmSteps: quitConfirmSteps)
            options.notes = WorkbenchOptions.asciiNote(utf8Locale: utf8, ascii: ascii,
                                                       environment: ProcessInfo.processInfo.environment).map { [$0] } ?? []
            return options
        } catch let e as ThemeError {
            throw ValidationError(e.description)
        }
    }
}

struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "The workbench screen, read-only, on a run directory (follows metrics.jsonl as it grows, and shows what mcn-tui eval wrote into results.json)."
    )

    @Argument(help: "The run directory (runs/<name>).")
    var runDir: String

    @OptionGroup var screen: ScreenArguments

    @Option(help: "Print one frame as text (WIDTHxHEIGHT) and exit, instead of opening the screen.")
    var dump: String?

    func run() throws {
        do { try RunDirectoryFollower.validate(directory: runDir) } catch let e as BackendError {
            printError("error: \(e.description)")
            throw ExitCode(2)
        }
        let options = try screen.workbenchOptions(readOnly: true)
        if let dump {
            let size: (width: Int, height: Int)
            do { size = try DumpSize.parse(dump) } catch let e as BackendError {
                printError("error: \(e.description)")
                throw ExitCode(2)
            }
            var follower = RunDirectoryFollower(directory: runDir)
            var builder = SnapshotBuilder()
            builder.apply(follower.poll())
            builder.apply(ScreenLoop.noteEvents(options.notes))
            let frame = ScreenRenderer.render(builder.snapshot(), UIState(readOnly: true, vimKeys: options.vimKeys),
                                              width: size.width, height: size.height, options.renderContext)
            print(frame.textDump(), terminator: "")
            return
        }
        let events = MessageChannel<EngineEvent>(), commands = MessageChannel<EngineCommand>()
        // Keys from a terminal, the screen to one, and a terminal the screen can use.
        if let problem = ScreenStreams.problem() ?? NcursesBackend.terminalProblem() {
            printError("error: \(problem); --dump WIDTHxHEIGHT prints the screen as text")
            throw ExitCode(2)
        }
        RunDirectoryFollower.follow(directory: runDir, into: events)
        try Workbench.run(events: events, commands: commands, options: options)
        screen.sayNotes(options)
    }
}
