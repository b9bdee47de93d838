import ArgumentParser
import Foundation
import MCNTrain

/// `mcn-tui eval`: measurements of a pre-trained representation, as the papers make them.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a checkpoint (retrieval, probe, finetune) and compare runs.",
        subcommands: [EvalRetrievalCommand.self, EvalProbeCommand.self, EvalFinetuneCommand.self, EvalCompareCommand.self]
    )
}

/// A one-line failure of an evaluation (printed as `Error: message`, without the usage text).
struct EvalError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

struct EvalCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Runs' retrieval and probe results side by side, then the published figures.",
        discussion: """
        Reads runs/<name>/results.json of each run (a name under --runs-root or a directory path).
        Published figures (full UCF101/HMDB51, split 1) are printed under their own heading, never
        mixed with the runs' rows.
        """)

    @Argument(help: "Runs to compare (names under --runs-root, or run directories).")
    var runs: [String]

    @Option(help: "Directory that holds the runs.")
    var runsRoot: String = "runs"

    @Flag(help: "Print JSON instead of markdown.")
    var json = false

    func validate() throws {
        if runs.isEmpty { throw ValidationError("name at least one run") }
    }

    func run() throws {
        let comparison: RunComparison
        do { comparison = try RunComparison.load(runs: runs, root: runsRoot) } catch {
            throw EvalError("\(error)")
        }
        print(json ? try comparison.json() : comparison.markdown(), terminator: json ? "\n" : "")
    }
}
