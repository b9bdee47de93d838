import ArgumentParser

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Inspect videos and datasets."
    )

    func run() throws {
        throw ValidationError("'inspect' is not implemented yet")
    }
}
