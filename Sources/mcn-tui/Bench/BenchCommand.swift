import ArgumentParser
import Foundation
import MCNTensor

/// A group of benchmark figures; `prefix` is what `--only` matches against.
struct BenchSuite: Sendable {
    var prefix: String
    var run: @Sendable (BenchReport, BenchOptions) throws -> Void
}

struct BenchOptions: Sendable {
    var threads: Int
    var quick: Bool
    var dataDir: String?
    var only: [String] = []

    /// True when a measurement of this name was asked for (no `--only`, or a prefix matches).
    func wants(_ name: String) -> Bool {
        only.isEmpty || only.contains { name.hasPrefix($0) || $0.hasPrefix(name) }
    }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput (sgemm, convolutions, backbones, steps, decoding, retrieval, feature extraction).")

    @Flag(help: "Print one JSON object per line and per measurement.")
    var json = false

    @Option(help: "Run only the measurements whose name starts with this prefix (repeatable).")
    var only: [String] = []

    @Option(help: "OpenBLAS threads.")
    var threads: Int = 2

    @Flag(help: "Shorter timing loops (noisier figures).")
    var quick = false

    @Option(help: "Dataset directory for the data-pipeline measurements.")
    var data: String?

    @Flag(help: "Run each timed body once, without warm-up (for instruction counts under valgrind --tool=callgrind; the times are not figures).")
    var once = false

    /// Every suite, in the order it runs; `sgemm` first, since the others are ratios to it.
    static let suites: [BenchSuite] = [sgemmSuite] + tensorSuites + decodeSuites + stepSuites + retrievalSuites
        + extractSuites + [pytorchSuite, abSuite]

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
        let prefixes = Self.suites.map(\.prefix)
        for o in only where !prefixes.contains(where: { o.hasPrefix($0) || $0.hasPrefix(o) }) {
            throw ValidationError("--only \(o): no measurement starts with it (suites: \(prefixes.joined(separator: ", ")))")
        }
    }

    func run() throws {
        if let unavailable = BLAS.unavailable {
            printError("error: \(unavailable)")
            throw ExitCode(2)
        }
        let report = BenchReport(json: json)
        let options = BenchOptions(threads: threads, quick: quick, dataDir: data, only: only)
        BLAS.setThreads(threads)
        benchRunsOnce = once
        report.comment("mcn-tui bench, \(threads) BLAS thread(s), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())"
            + (BLAS.core.isEmpty ? "" : ", OpenBLAS core \(BLAS.core)"))
        if let note = BLAS.coreNote { report.comment(note) }
        for suite in Self.suites where suite.prefix == "sgemm" || selected(suite.prefix) {
            try suite.run(report, options)
        }
    }

    /// A suite runs when no `--only` was given, or when a prefix given matches either way round
    /// (`--only conv` runs the `conv` suite; `--only conv.3x3x3` runs it too and filters inside).
    private func selected(_ prefix: String) -> Bool {
        only.isEmpty || only.contains { $0.hasPrefix(prefix) || prefix.hasPrefix($0) }
    }
}
