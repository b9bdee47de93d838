import ArgumentParser

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train headless or on screen."
    )

    func run() throws {
        throw ValidationError("'train' is not implemented yet")
    }
}
