import Foundation
import MCNTrain
import TOMLKit

/// Reads a run's config.toml for the header: name, method, mode, backbone, steps, batch, clip.
/// Lenient: keys are looked up at the top level and in any table, under a few likely names.
public enum RunConfigReader {
    public static func runInfo(directory: String) -> (RunInfo, warning: String?) {
        let dirName = (directory as NSString).standardizingPath.split(separator: "/").last.map(String.init) ?? directory
        var info = RunInfo(name: dirName, runDirectory: directory, method: "", mode: "", backbone: "", totalSteps: 0,
                           stepsPerEpoch: 0, startStep: 0, batchVideos: 0, clipShape: [], datasetSummary: "")
        let path = (directory as NSString).appendingPathComponent("config.toml")
        guard let data = FileManager.default.contents(atPath: path) else { return (info, nil) }
        let table: TOMLTable
        do { table = try TOMLTable(string: String(decoding: data, as: UTF8.self)) } catch {
            return (info, "\(path): not valid TOML, header left bare (\(error))")
        }
        var flat: [String: TOMLValueConvertible] = [:]
        flatten(table, into: &flat)
        func str(_ names: [String]) -> String? { names.lazy.compactMap { flat[$0]?.string }.first }
        func int(_ names: [String]) -> Int? { names.lazy.compactMap { flat[$0]?.int }.first }
        if let n = str(["name", "run_name", "run"]) { info.name = n }
        info.method = str(["method"]) ?? ""
        info.mode = str(["mode", "meta_mode", "maml_mode", "order"]) ?? ""
        info.backbone = str(["backbone", "arch", "architecture", "model"]) ?? ""
        if let w = flat["width"]?.double ?? flat["width_multiplier"]?.double, !info.backbone.isEmpty, w != 1 {
            info.backbone += " ×\(w)"
        }
        info.totalSteps = int(["total_steps", "steps", "max_steps"]) ?? 0
        info.stepsPerEpoch = int(["steps_per_epoch"]) ?? 0
        info.batchVideos = int(["batch_videos", "batch", "batch_size", "videos_per_batch"]) ?? 0
        if let arr = (flat["clip"] ?? flat["clip_shape"])?.array {
            info.clipShape = arr.compactMap { $0.int }
        } else if let t = int(["frames", "clip_frames", "t"]), let s = int(["size", "crop", "crop_size", "resolution"]) {
            info.clipShape = [t, s, s]
        }
        if let d = str(["data", "dataset", "data_dir"]) { info.datasetSummary = (d as NSString).lastPathComponent }
        return (info, nil)
    }

    /// Every key of every nested table, first occurrence wins (top level first).
    static func flatten(_ t: TOMLTable, into out: inout [String: TOMLValueConvertible]) {
        var nested: [TOMLTable] = []
        for k in t.keys {
            guard let v = t[k] else { continue }
            if let sub = v.table { nested.append(sub) } else if out[k] == nil { out[k] = v }
        }
        for sub in nested { flatten(sub, into: &out) }
    }
}
