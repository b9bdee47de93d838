import ArgumentParser
import Foundation
import MCNVideo

/// `mcn-tui sample-data`: writes the procedural sample dataset (UCF101 layout).
struct SampleDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-data",
        abstract: "Generate the procedural sample dataset (motion classes, UCF101 layout).")

    @Option(help: "Directory to write the dataset into.")
    var out: String

    @Flag(help: "Random appearance for every clip, so motion is the only cue (for ablations).")
    var hard = false

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 2021

    @Option(help: "Scenes (groups) per class; the first --test-groups of them form the test split.")
    var groups: Int = SampleDataGenerator().groups

    @Option(help: "Clips per group (videos per class = groups × this).")
    var clipsPerGroup: Int = SampleDataGenerator().clipsPerGroup

    @Option(help: "Groups per class in the test split.")
    var testGroups: Int = SampleDataGenerator().testGroups

    @Option(help: "MPEG-4 quantiser: 2 (best) ... 31 (smallest files).")
    var quality: Int = SampleDataGenerator().quality

    @Flag(help: "Write into a folder that is not empty and holds no sample dataset (its UCF101 split lists are replaced).")
    var force = false

    func run() throws {
        var g = SampleDataGenerator(seed: seed, hard: hard)
        guard groups >= 2, testGroups >= 1, testGroups < groups, clipsPerGroup >= 1 else {
            throw ValidationError("need groups ≥ 2, 1 ≤ test-groups < groups and clips-per-group ≥ 1")
        }
        guard (2...31).contains(quality) else { throw ValidationError("--quality must be 2 ... 31, not \(quality)") }
        // A real dataset's (or a run's) folder would get the sample's classInd and split-1 lists.
        guard force || SampleDataGenerator.canWrite(into: out) else {
            printError("error: \(out): not empty and not a sample dataset (its ucfTrainTestlist would be replaced); give a new or empty folder, or --force")
            throw ExitCode(2)
        }
        g.groups = groups
        g.clipsPerGroup = clipsPerGroup
        g.testGroups = testGroups
        g.quality = quality
        let t0 = Date()
        do {
            let n = try g.generate(to: out) { done, total in
                if done % 24 == 0 || done == total { print("\(done)/\(total) videos") }
            }
            print(String(format: "wrote %d videos (%d classes) to %@ in %.1f s", n, SampleDataGenerator.classNames.count,
                         out, Date().timeIntervalSince(t0)))
        } catch let e as VideoError {
            printError("error: \(e.description)")
            throw ExitCode.failure
        }
    }
}
