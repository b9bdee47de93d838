import ArgumentParser

struct WorkbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The full-screen workbench: train and watch (default)."
    )

    func run() throws {
        throw ValidationError("'run' is not implemented yet")
    }
}
