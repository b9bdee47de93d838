import ArgumentParser

/// `mcn-tui`: the workbench (default), and its subcommands.
@main
struct MCNTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcn-tui",
        abstract: "Pre-train video representations with the Meta-Contrastive Network, and watch it live.",
        subcommands: [
            WorkbenchCommand.self, TrainCommand.self, ViewCommand.self, EvalCommand.self,
            InspectCommand.self, BenchCommand.self, SampleDataCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: WorkbenchCommand.self
    )
}
