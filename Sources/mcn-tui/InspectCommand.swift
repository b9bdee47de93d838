import ArgumentParser
import Foundation
import MCNVideo

/// `mcn-tui inspect`: each video's container, codec, size, fps, decoded frames and any error,
/// then a dataset summary (classes, videos per split, missing, unreadable, too short).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Inspect videos and datasets.",
        discussion: """
            With --json: one JSON object per video and line (path, container, codec, width, height, \
            fps, frames, error; plus split, class and label for a dataset), then one line \
            {"summary": {...}}. Exit status 1 when any video is unreadable (or a path is not there).
            """)

    @Option(help: "Dataset directory (UCF101, HMDB51 or class folders).")
    var data: String?

    @Argument(help: "Video files to inspect, or folders of them (instead of --data).")
    var files: [String] = []

    @Flag(help: "Print JSON lines instead of a table.")
    var json = false

    @Option(help: "Dataset layout: auto, ucf101, hmdb51 or folders.")
    var format: String = "auto"

    @Option(help: "Split 1, 2 or 3 (UCF101/HMDB51; seeds the split of class folders).")
    var split: Int = 1

    @Flag(help: "Treat listed videos that are missing as an error.")
    var strict = false

    @Option(help: "Clip length: videos with fewer frames are counted as too short.")
    var clipFrames: Int = 16

    func validate() throws {
        if data == nil && files.isEmpty { throw ValidationError("give --data DIR or one or more video files") }
        if data != nil && !files.isEmpty { throw ValidationError("give either --data DIR or video files, not both") }
        if DatasetFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of auto, ucf101, hmdb51, folders (got \(format))")
        }
        if clipFrames < 1 { throw ValidationError("--clip-frames must be 1 or more, not \(clipFrames)") }
    }

    func run() throws {
        var rows: [(VideoInfo, VideoItem?, String?)] = []
        var dataset: VideoDataset?
        if let data {
            let ds: VideoDataset
            do {
                ds = try VideoDataset.load(dir: data, format: DatasetFormat(rawValue: format)!, split: split, strict: strict)
            } catch let e as VideoError {
                printError("error: \(e.description)")
                throw ExitCode.failure
            }
            dataset = ds
            for (split, items) in [("train", ds.train), ("test", ds.test)] {
                for item in items { rows.append((inspect(item.path), item, split)) }
            }
        } else {
            for f in files {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: f, isDirectory: &isDir), isDir.boolValue else {
                    rows.append((inspect(f), nil, nil))
                    continue
                }
                // A folder: every video under it (any depth), or one row saying there is none.
                let videos = videoFiles(under: f)
                for v in videos { rows.append((inspect(v), nil, nil)) }
                if videos.isEmpty {
                    var info = inspect(f)
                    info.error = VideoError(.unreadable, path: f, "no video files under this folder")
                    rows.append((info, nil, nil))
                }
            }
        }
        summarise(rows, dataset)
        // Scripts can tell a clean set from one with problems (the table says which).
        if rows.contains(where: { $0.0.error != nil }) { throw ExitCode.failure }
    }

    private func inspect(_ path: String) -> VideoInfo {
        let info = VideoInfo.probe(path)
        return info
    }

    private func summarise(_ rows: [(VideoInfo, VideoItem?, String?)], _ ds: VideoDataset?) {
        if json {
            for (info, item, split) in rows { emit(jsonLine(info, item, split)) }
        } else {
            for (info, item, _) in rows { emit(textLine(info, item)) }
        }
        let unreadable = rows.filter { $0.0.error != nil }
        let short = rows.filter { $0.0.error == nil && ($0.0.frames ?? 0) < clipFrames }
        let frames = rows.compactMap { $0.0.error == nil ? $0.0.frames : nil }
        if json {
            var s: [String: Any] = [
                "videos": rows.count, "readable": rows.count - unreadable.count, "unreadable": unreadable.count,
                "too_short": short.count, "clip_frames": clipFrames, "frames_total": frames.reduce(0, +),
            ]
            if let ds {
                s["root"] = ds.root; s["format"] = ds.format.rawValue; s["split"] = ds.split
                s["classes"] = ds.classNames.count; s["train"] = ds.train.count; s["test"] = ds.test.count
                s["missing"] = ds.missing.count; s["missing_names"] = Array(ds.missing.prefix(20))
                s["unreadable_folders"] = ds.unreadableFolders.map(\.description)
            }
            emit(jsonText(["summary": s]))
            return
        }
        if let ds { emit(ds.summary) }
        var line = "\(rows.count) video\(rows.count == 1 ? "" : "s"): \(rows.count - unreadable.count) readable, \(unreadable.count) unreadable, "
            + "\(short.count) too short (< \(clipFrames) frames)"
        if !frames.isEmpty {
            line += ", \(frames.reduce(0, +)) frames (\(frames.min()!)–\(frames.max()!) per video)"
        }
        emit(line)
    }

    private func textLine(_ i: VideoInfo, _ item: VideoItem?) -> String {
        let name = item?.relativeName ?? i.path
        if let e = i.error {
            // A truncated file's reason already says how many frames decode.
            let frames = e.kind == .truncated ? "" : i.frames.map { " (\($0) frame\($0 == 1 ? "" : "s") decoded)" } ?? ""
            return "\(name)  ERROR \(e.reason)\(frames)"
        }
        let fps = String(format: "%.2f", i.fps ?? 0)
        let label = item.map { "  [\($0.className)]" } ?? ""
        return "\(name)  \(i.container ?? "?") \(i.codec ?? "?") \(i.width ?? 0)x\(i.height ?? 0) \(fps) fps \(i.frames ?? 0) frames\(label)"
    }

    private func jsonLine(_ i: VideoInfo, _ item: VideoItem?, _ split: String?) -> String {
        var o: [String: Any] = [
            "path": i.path, "container": i.container ?? NSNull(), "codec": i.codec ?? NSNull(),
            "width": i.width ?? NSNull(), "height": i.height ?? NSNull(), "fps": i.fps ?? NSNull(),
            "frames": i.frames ?? NSNull(), "error": i.error?.reason ?? NSNull(),
        ]
        if let item, let split {
            o["name"] = item.relativeName; o["class"] = item.className; o["label"] = item.label; o["split"] = split
        }
        return jsonText(o)
    }

    private func jsonText(_ o: [String: Any]) -> String {
        guard let d = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: d, as: UTF8.self)
    }

    private func emit(_ s: String) { emitLine(s) }
}
