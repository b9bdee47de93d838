import ArgumentParser

struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "The workbench screen, read-only, on a run directory."
    )

    func run() throws {
        throw ValidationError("'view' is not implemented yet")
    }
}
