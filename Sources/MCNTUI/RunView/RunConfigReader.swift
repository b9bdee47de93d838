import Foundation
import MCNTrain
import TOMLKit

/// Reads a run's config.toml for the header: name, method, mode, backbone, steps, batch, clip,
/// dataset. The trainer's keys come first (`method.method`, `data.clip_frames`, `data.clip_size`,
/// `data.dir`, ... as in `ConfigSchema`); other configs are read leniently, a key looked up at the
/// top level and in any table under a few likely names. The lines of train.log read so far add
/// what only the engine knew (see `amend`).
public enum RunConfigReader {
    public static func runInfo(directory: String, log: [TrainLogLine] = []) -> (RunInfo, warning: String?) {
        var (info, epochs, warning) = fromConfig(directory: directory)
        amend(&info, epochs: epochs, log: log)
        return (info, warning)
    }

    /// The header's facts from config.toml, and `run.epochs` (0 when the run is given in steps).
    static func fromConfig(directory: String) -> (RunInfo, epochs: Int, warning: String?) {
        let dirName = (directory as NSString).standardizingPath.split(separator: "/").last.map(String.init) ?? directory
        var info = RunInfo(name: dirName, runDirectory: directory, method: "", mode: "", backbone: "", totalSteps: 0,
                           stepsPerEpoch: 0, startStep: 0, batchVideos: 0, clipShape: [], datasetSummary: "")
        let path = (directory as NSString).appendingPathComponent("config.toml")
        guard let data = FileManager.default.contents(atPath: path) else { return (info, 0, nil) }
        let table: TOMLTable
        do { table = try TOMLTable(string: String(decoding: data, as: UTF8.self)) } catch {
            return (info, 0, "\(path): not valid TOML, header left bare (\(error))")
        }
        var flat: [String: TOMLValueConvertible] = [:]
        flatten(table, prefix: "", into: &flat)
        func str(_ names: [String]) -> String? { names.lazy.compactMap { flat[$0]?.string }.first { !$0.isEmpty } }
        func int(_ names: [String]) -> Int? { names.lazy.compactMap { flat[$0]?.int }.first }
        if let n = str(["run.name", "name", "run_name", "run"]) { info.name = n }
        info.method = str(["method.method", "method"]) ?? ""
        // The workbench names a mode for MCN only (the contrastive baseline has none).
        if info.method.lowercased() != "contrastive" {
            info.mode = str(["method.mode", "mode", "meta_mode", "maml_mode", "order"]) ?? ""
        }
        info.backbone = str(["model.backbone", "backbone", "arch", "architecture", "model"]) ?? ""
        // `run.epochs` > 0 trains that many epochs of a length only the dataset knows (train.log tells).
        let epochs = int(["run.epochs"]) ?? 0
        if epochs == 0 {
            info.totalSteps = int(["run.steps", "total_steps", "steps", "max_steps"]) ?? 0
        }
        info.stepsPerEpoch = int(["steps_per_epoch"]) ?? 0
        info.batchVideos = int(["optim.batch_videos", "batch_videos", "batch", "batch_size", "videos_per_batch"]) ?? 0
        if let t = int(["data.clip_frames"]), let s = int(["data.clip_size"]) {
            info.clipShape = [t, s, s]
        } else if let arr = (flat["clip"] ?? flat["clip_shape"])?.array {
            info.clipShape = arr.compactMap { $0.int }
        } else if let t = int(["clip_frames", "frames", "t"]), let s = int(["clip_size", "size", "crop", "crop_size", "resolution"]) {
            info.clipShape = [t, s, s]
        }
        // The folder's name (runs record data.dir absolute); train.log's summary replaces it.
        if let d = str(["data.dir", "dataset", "data_dir"]) { info.datasetSummary = (d as NSString).lastPathComponent }
        if let lr = flat["optim.lr"]?.double ?? flat["optim.lr"]?.int.map(Double.init) { info.baseLearningRate = lr }
        return (info, epochs, nil)
    }

    /// What train.log adds to the header: the engine's dataset summary, total steps, start step and
    /// steps an epoch (`training N steps, E steps an epoch: SUMMARY` from step 0, `resumed at step S
    /// of N, E steps an epoch`; the latest counts). Logs from before the engine gave the epoch's
    /// length: worked out from `run.epochs`, or from the summary's training videos.
    static func amend(_ info: inout RunInfo, epochs: Int, log lines: [TrainLogLine]) {
        for line in lines where line.level == .info {
            guard let (total, summary) = line.runLength else { continue }
            info.totalSteps = total
            if let summary { info.datasetSummary = summary; info.startStep = 0 } else { info.startStep = line.step ?? 0 }
            if let e = line.stepsPerEpoch { info.stepsPerEpoch = e }
        }
        if info.stepsPerEpoch == 0, epochs > 0, info.totalSteps > 0, info.totalSteps % epochs == 0 {
            info.stepsPerEpoch = info.totalSteps / epochs
        }
        // A run given in steps: an epoch is as many whole batches as the training videos make
        // (`TrainBatchLoader.batchesPerEpoch`), the videos counted in the engine's summary.
        if info.stepsPerEpoch == 0, info.batchVideos > 0, let videos = trainVideos(in: info.datasetSummary) {
            info.stepsPerEpoch = max(1, videos / info.batchVideos)
        }
    }

    /// The training videos a dataset summary counts (`…, 12 classes, 216 train / 72 test videos`).
    static func trainVideos(in summary: String) -> Int? {
        guard let r = summary.range(of: " train / ") else { return nil }
        let digits = summary[..<r.lowerBound].reversed().prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty || digits.count > 15 ? nil : Int(String(digits.reversed()))
    }

    /// Every key of every nested table, under its dotted name (`data.dir`) and its bare name
    /// (`dir`); for bare names the first occurrence wins (top level first).
    static func flatten(_ t: TOMLTable, prefix: String, into out: inout [String: TOMLValueConvertible]) {
        var nested: [(String, TOMLTable)] = []
        for k in t.keys {
            guard let v = t[k] else { continue }
            if let sub = v.table { nested.append((prefix + k + ".", sub)); continue }
            if !prefix.isEmpty { out[prefix + k] = v }
            if out[k] == nil { out[k] = v }
        }
        for (p, sub) in nested { flatten(sub, prefix: p, into: &out) }
    }
}
