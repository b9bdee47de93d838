import ArgumentParser
import Foundation
import MCNTrain
#if canImport(Glibc)
import Glibc
#endif

/// `mcn-tui` with no subcommand: train (on the bundled sample data by default) and watch it.
struct WorkbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The full-screen workbench: train and watch (the default command).")

    @OptionGroup var options: TrainingOptions
    @OptionGroup var screen: ScreenArguments

    @Flag(help: "Print lines instead of the screen (as `mcn-tui train --headless`).")
    var headless = false

    func run() throws {
        var train = TrainCommand()
        train.options = options
        train.screen = screen
        train.headless = headless
        try train.run()
    }
}
