import Foundation
import MCNTensor
import MCNVideo

/// `decode`: frames per second decoded and resized to 112×112 RGB by VideoReader, each as a ratio
/// to `ffmpeg -threads 1 -i FILE -s 112x112 -f null -` on the same file in the same run; and
/// `decode.loader`: training batches per second from a warm frame cache.
let decodeSuites: [BenchSuite] = [
    BenchSuite(prefix: "decode") { report, options in
        let clips = BenchDecodeFiles.find(options.dataDir)
        for (name, path) in [("mpeg4-avi", clips.mpeg4Avi), ("h264-mp4", clips.h264Mp4)] {
            guard let path else {
                report.comment("decode.\(name): no such file found (give --data DIR with real clips)")
                continue
            }
            try benchDecodeFile(report, name: name, path: path, quick: options.quick)
        }
        try benchLoader(report, quick: options.quick)
    },
]

/// Files to decode: the real clips (`--data`, else ../shared/data/real-clips), else the sample data.
enum BenchDecodeFiles {
    static func find(_ dataDir: String?) -> (mpeg4Avi: String?, h264Mp4: String?) {
        var roots: [String] = []
        if let dataDir { roots.append(dataDir) }
        roots += ["../shared/data/real-clips", "sample-data"]
        var avi: String?, mp4: String?
        for root in roots where FileManager.default.fileExists(atPath: root) {
            let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []).sorted()
                .map { (root as NSString).appendingPathComponent($0) }
            for f in files where avi == nil || mp4 == nil {
                let ext = (f as NSString).pathExtension.lowercased()
                guard ext == "avi" || ext == "mp4", let r = try? VideoReader(path: f) else { continue }
                // The first of each kind with 150+ frames: long enough to time well.
                let n = r.frameCountEstimate
                if ext == "avi" && r.codec == "mpeg4" && n >= 150 && avi == nil { avi = f }
                if ext == "mp4" && r.codec == "h264" && n >= 150 && mp4 == nil { mp4 = f }
            }
            if avi != nil && mp4 != nil { break }
        }
        return (avi, mp4)
    }
}

private func benchDecodeFile(_ report: BenchReport, name: String, path: String, quick: Bool) throws {
    // Opening (probing the streams) is timed apart from decoding, as ffmpeg's rtime leaves its own
    // opening of the input out; both are best-of-N.
    var frames = 0
    var bestOpen = Double.infinity, bestDecode = Double.infinity, spent = 0.0, iters = 0
    while iters < 3 || (spent < (quick ? 0.3 : 1.0) && iters < 20) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let r = try VideoReader(path: path)
        let t1 = DispatchTime.now().uptimeNanoseconds
        frames = try r.decodeAll(outWidth: 112, outHeight: 112).count
        let t2 = DispatchTime.now().uptimeNanoseconds
        bestOpen = min(bestOpen, Double(t1 - t0) / 1e9)
        bestDecode = min(bestDecode, Double(t2 - t1) / 1e9)
        spent += Double(t2 - t0) / 1e9
        iters += 1
    }
    let cli = ffmpegSeconds(path, repeats: quick ? 2 : 3)
    let file = (path as NSString).lastPathComponent
    if let cli {
        report.reference("ffmpeg-cli.\(name)", Double(frames) / cli, unit: "frames/s",
                         note: "\(file), ffmpeg -threads 1 -s 112x112 -f null (its -benchmark rtime)")
    } else {
        report.comment("ffmpeg-cli.\(name): ffmpeg not found or failed; no ratio")
    }
    report.record("decode.\(name)", Double(frames) / bestDecode, unit: "frames/s", vs: "ffmpeg-cli.\(name)",
                  extra: ["open_ms": bestOpen * 1000, "fps_with_open": Double(frames) / (bestOpen + bestDecode)],
                  note: "\(file), \(frames) frames, decode + swscale to 112x112 RGB")
}

/// Best `-benchmark` real time of the ffmpeg command line over `repeats` runs (its decode,
/// scale and null output, without process start-up), or nil without ffmpeg.
private func ffmpegSeconds(_ path: String, repeats: Int) -> Double? {
    var best: Double?
    for _ in 0..<repeats {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["ffmpeg", "-hide_banner", "-nostdin", "-benchmark", "-threads", "1", "-i", path,
                       "-s", "112x112", "-f", "null", "-"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        guard (try? p.run()) != nil else { return nil }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let r = text.range(of: "rtime="),
              let v = Double(text[r.upperBound...].prefix { "0123456789.".contains($0) }) else { return nil }
        best = min(best ?? v, v)
    }
    return best
}

/// Batches a second from a warm cache: sample data, 16 videos × 2 views × 8×64×64 (the default
/// training input), assembled on the calling thread.
private func benchLoader(_ report: BenchReport, quick: Bool) throws {
    guard let ds = try? VideoDataset.load(dir: "sample-data") else {
        report.comment("decode.loader: sample-data not found (run from the package root)")
        return
    }
    let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("mcn-bench-cache-\(getpid())")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let cache = try FrameCache(directory: dir)
    let cfg = TrainLoaderConfig(clipFrames: 8, size: 64, viewsPerVideo: 2, batchVideos: 16,
                                augmentation: .sampleData, seed: 1)
    let loader = try TrainBatchLoader(items: ds.train, config: cfg, cache: cache)
    for b in 0..<loader.batchesPerEpoch { _ = try loader.batch(at: LoaderPosition(epoch: 0, batch: b)) } // warm
    var b = 0
    let seconds = try benchTime(warmup: 1, minSeconds: quick ? 0.3 : 1.0, maxIters: 30) {
        _ = try loader.batch(at: LoaderPosition(epoch: 1, batch: b % loader.batchesPerEpoch))
        b += 1
    }
    report.record("decode.loader-warm", 1 / seconds, unit: "batches/s",
                  extra: ["ms_per_batch": seconds * 1000, "clips_per_s": 32 / seconds],
                  note: "sample data, 16 videos x 2 views x 8x64x64, cache warm, 1 thread")
}
