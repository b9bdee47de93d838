import ArgumentParser
import Foundation
import MCNTUI
import MCNTrain
#if canImport(Glibc)
import Glibc
#endif

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Pre-train with MCN (or the contrastive baseline); on screen, or headless when --headless or stdout is not a terminal.")

    @OptionGroup var options: TrainingOptions

    @Flag(help: "Print one line every run.print_every steps instead of the full-screen workbench.")
    var headless = false

    @OptionGroup var screen: ScreenArguments

    func run() throws {
        let session: TrainingSession
        // Said by the engine when the run starts (on the screen too, where lines printed now would
        // hide behind it); printed here only when the run does not start.
        var warnings: [String] = []
        do {
            session = try TrainingSession.prepare(options.request, warn: { warnings.append($0) })
        } catch {
            for w in warnings { printError("warning: \(w)") }
            printError("error: \(error)")
            throw ExitCode(2)
        }
        if headless || isatty(STDOUT_FILENO) == 0 {
            throw ExitCode(runHeadless(session))
        }
        // Keys come from standard input: without a terminal there, the screen could not be steered.
        if let problem = ScreenStreams.problem() {
            printError("\(problem): printing lines instead of the workbench")
            throw ExitCode(runHeadless(session))
        }
        // A terminal the screen cannot use (an unknown TERM over SSH, a dumb one): the run goes on
        // as lines rather than ending here.
        if let problem = NcursesBackend.terminalProblem() {
            printError("\(problem): printing lines instead of the workbench")
            throw ExitCode(runHeadless(session))
        }
        throw ExitCode(try runWorkbench(session, screen: screen))
    }
}

/// Runs the engine and prints its events as lines until it ends; the exit status.
func runHeadless(_ session: TrainingSession) -> Int32 {
    let engine = session.engine
    StopSignals.install(onFirst: { engine.commands.send(.stop) })
    var printer = HeadlessPrinter(every: session.config.run.printEvery)
    engine.start()
    while true {
        for event in engine.events.drain() {
            for line in printer.lines(for: event) { emitLine(line) }
            switch event {
            case .finished: return 0
            case .failed: return 1
            default: break
            }
        }
        Thread.sleep(forTimeInterval: 0.05)
    }
}
