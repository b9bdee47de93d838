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

    @Option(help: "Clips per class group (videos per class = 6 groups × this).")
    var clipsPerGroup: Int = 4

    @Option(help: "MPEG-4 quantiser: 2 (best) ... 31 (smallest files).")
    var quality: Int = SampleDataGenerator().quality

    func run() throws {
        var g = SampleDataGenerator(seed: seed, hard: hard)
        g.clipsPerGroup = clipsPerGroup
        g.quality = quality
        let t0 = Date()
        do {
            let n = try g.generate(to: out) { done, total in
                if done % 24 == 0 || done == total { print("\(done)/\(total) videos") }
            }
            print(String(format: "wrote %d videos (%d classes) to %@ in %.1f s", n, SampleDataGenerator.classNames.count,
                         out, Date().timeIntervalSince(t0)))
        } catch let e as VideoError {
            FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
