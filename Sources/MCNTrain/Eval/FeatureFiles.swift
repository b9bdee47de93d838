import Foundation

/// What a saved feature matrix describes: one row per video.
public struct FeatureSetInfo: Codable, Sendable, Equatable {
    /// Video paths (as the dataset names them), one per row.
    public var videos: [String]
    /// Class index of each video.
    public var labels: [Int]
    /// Class names by index.
    public var classNames: [String]
    /// Pooled feature: "gap" or "conv5-maxpool".
    public var feature: String
    public var dim: Int
    /// Clips averaged per video.
    public var clips: Int
    /// Free-form provenance: checkpoint, split, dataset, backbone, ...
    public var protocolInfo: [String: String]

    public init(videos: [String], labels: [Int], classNames: [String], feature: String, dim: Int,
                clips: Int, protocolInfo: [String: String] = [:]) {
        self.videos = videos; self.labels = labels; self.classNames = classNames
        self.feature = feature; self.dim = dim; self.clips = clips; self.protocolInfo = protocolInfo
    }

    enum CodingKeys: String, CodingKey {
        case videos, labels, classNames = "class_names", feature, dim, clips, protocolInfo = "protocol"
    }
}

/// Saves features for other tools: `<base>.npy` (float32 [videos, dim], NumPy format) and
/// `<base>.json` (FeatureSetInfo: video paths, labels, class names, the feature used).
public enum FeatureFiles {
    /// Writes both files atomically; returns their paths.
    // features: [info.videos.count, info.dim]
    @discardableResult
    public static func save(features: [Float], info: FeatureSetInfo, to base: String) throws -> (npy: String, json: String) {
        guard info.videos.count == info.labels.count, features.count == info.videos.count * info.dim else {
            throw FileError("\(base): \(features.count) floats for \(info.videos.count) videos × \(info.dim) (and \(info.labels.count) labels)")
        }
        let npy = base + ".npy", json = base + ".json"
        try NPY.write(floats: features, shape: [info.videos.count, info.dim], to: npy)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(enc.encode(info), to: json)
        return (npy, json)
    }

    /// Reads `<base>.npy` and `<base>.json` and checks they agree.
    public static func load(base: String) throws -> (features: [Float], info: FeatureSetInfo) {
        let json = base + ".json"
        guard let d = FileManager.default.contents(atPath: json) else { throw FileError("\(json): cannot read the file") }
        let info: FeatureSetInfo
        do { info = try JSONDecoder().decode(FeatureSetInfo.self, from: d) } catch {
            throw FileError("\(json): not a feature description")
        }
        let (shape, floats) = try NPY.read(path: base + ".npy")
        guard shape == [info.videos.count, info.dim] else {
            throw FileError("\(base).npy: shape \(shape) does not match \(info.videos.count) videos × \(info.dim)")
        }
        return (floats, info)
    }
}
