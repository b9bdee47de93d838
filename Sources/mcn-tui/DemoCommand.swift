import ArgumentParser
import Foundation
import MCNTUI
import MCNTrain

/// `mcn-tui demo`: the workbench driven by a synthetic engine, to see the screen before (or without)
/// training; `--dump` prints one frame as text, `--bench-render` times frames.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The workbench screen on a synthetic run (no training).",
        shouldDisplay: false)

    @OptionGroup var screen: ScreenArguments

    @Option(help: "Synthetic steps per second.")
    var stepsPerSecond: Double = 20

    @Option(help: "Steps of the synthetic run.")
    var steps: Int = 3000

    @Option(help: "Where `c` writes placeholder checkpoint files (default: none written).")
    var checkpointDir: String?

    @Option(help: "Print one frame of a run folded to N steps as text (WIDTHxHEIGHT) and exit.")
    var dump: String?

    @Option(help: "With --dump: steps folded before the frame.")
    var dumpSteps: Int = 600

    @Flag(help: "With --dump: print the attribute dump too.")
    var attributes = false

    @Flag(help: "Time the render of a 200×60 frame of a 20k-step run and exit.")
    var benchRender = false

    func run() throws {
        let options = try screen.workbenchOptions(readOnly: false)
        let gen = SyntheticEvents(totalSteps: steps)
        if benchRender {
            RenderBenchmark.run(options: options, generator: gen)
            return
        }
        if let dump {
            let parts = dump.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--dump takes WIDTHxHEIGHT, e.g. 120x40") }
            var builder = SnapshotBuilder()
            builder.apply(gen.history(steps: dumpSteps))
            builder.apply(ScreenLoop.noteEvents(options.notes))
            let ui = UIState(readOnly: false, vimKeys: options.vimKeys)
            let frame = ScreenRenderer.render(builder.snapshot(), ui, width: parts[0], height: parts[1], options.renderContext)
            print(frame.textDump(), terminator: "")
            if attributes { print(frame.attributeDump(), terminator: "") }
            return
        }
        let events = MessageChannel<EngineEvent>(), commands = MessageChannel<EngineCommand>()
        SyntheticEngine(events: events, commands: commands, generator: gen, stepsPerSecond: stepsPerSecond,
                        checkpointDirectory: checkpointDir).start()
        try Workbench.run(events: events, commands: commands, options: options)
        screen.sayNotes(options)
    }
}
