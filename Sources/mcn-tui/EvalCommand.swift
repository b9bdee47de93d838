import ArgumentParser

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a checkpoint (retrieval, probe, finetune, compare)."
    )

    func run() throws {
        throw ValidationError("'eval' is not implemented yet")
    }
}
