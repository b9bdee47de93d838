import Foundation

/// Where the data loader stands: the epoch and the index of the next item in that epoch's order.
public struct DataPosition: Codable, Sendable, Equatable {
    public var epoch: Int
    public var index: Int
    public init(epoch: Int, index: Int) { self.epoch = epoch; self.index = index }
}

/// The JSON written beside each checkpoint (`step-00001200.json`): what a resume needs besides
/// the parameters. It is written last, so its presence marks a complete checkpoint.
public struct CheckpointMeta: Codable, Sendable, Equatable {
    /// Format version of this JSON.
    public var format: Int
    /// Steps completed when the checkpoint was taken.
    public var step: Int
    public var epoch: Int
    /// File names (in the same directory) of the parameters and of the optimiser state
    /// (momentum / Adam moments, as tensors with the parameters' names plus a suffix of the
    /// optimiser's choosing). Filled in by `RunDirectory.saveCheckpoint`.
    public var parametersFile: String
    public var optimizerFile: String?
    /// The RNG state words (any number: several generators' 4-word states may be concatenated).
    public var rngState: [UInt64]
    public var dataPosition: DataPosition
    /// `RunConfig.hash` of the run's config.
    public var configHash: String
    /// Every config key → its TOML literal (`RunConfig.keyValues`), to name differing keys.
    public var config: [String: String]
    /// UTC time of saving, ISO 8601.
    public var savedAt: String
    /// Free-form figures worth keeping with the checkpoint (e.g. the last losses, the lr).
    public var values: [String: Double]

    public init(step: Int, epoch: Int, rngState: [UInt64], dataPosition: DataPosition,
                config: RunConfig, values: [String: Double] = [:],
                parametersFile: String = "", optimizerFile: String? = nil) {
        self.format = 1
        self.step = step; self.epoch = epoch
        self.parametersFile = parametersFile; self.optimizerFile = optimizerFile
        self.rngState = rngState; self.dataPosition = dataPosition
        self.configHash = config.hash; self.config = config.keyValues
        self.savedAt = TrainLog.timestamp(); self.values = values
    }

    /// Pretty JSON with sorted keys.
    public func encoded() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try enc.encode(self)
    }

    /// Reads and parses a checkpoint JSON; errors are one line naming the file.
    public static func read(path: String) throws -> CheckpointMeta {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError("\(path): cannot read the checkpoint description")
        }
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try dec.decode(CheckpointMeta.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw FileError("\(path): checkpoint description lacks '\(key.stringValue)'")
        } catch {
            throw FileError("\(path): checkpoint description is not valid JSON (truncated?)")
        }
    }

    /// The config keys that differ between this checkpoint and `config` (see `configDifferences`).
    public func differences(from config: RunConfig) -> [String] {
        configDifferences(self.config, config.keyValues)
    }

    /// Throws, naming each differing key with both values, when this checkpoint was written with
    /// a config that a resume under `config` may not continue.
    public func checkCompatible(with config: RunConfig, source: String) throws {
        let keys = differences(from: config)
        guard !keys.isEmpty else { return }
        let here = config.keyValues
        // A key the checkpoint does not record stands for what it meant before it existed.
        func recorded(_ key: String) -> String {
            self.config[key] ?? ConfigSchema.byName[key]?.absentMeans.map { "\($0.tomlLiteral), not recorded" } ?? "absent"
        }
        let listed = keys.map { "\($0) (\(recorded($0)) in the checkpoint, \(here[$0] ?? "absent") now)" }
        throw FileError("\(source): checkpoint was written with a different config: \(listed.joined(separator: ", "))")
    }
}
