import Foundation
import MCNModel
import MCNTensor
import MCNVideo

/// `decode`: frames per second decoded and resized to 112×112 RGB by VideoReader, each as a ratio
/// to `ffmpeg -threads 1 -i FILE -s 112x112 -f null -` on the same file in the same run;
/// `decode.loader-warm`: training batches per second from a warm frame cache; and
/// `decode.loader-wait`: the share of the reference training step the trainer waits for data.
let decodeSuites: [BenchSuite] = [
    BenchSuite(prefix: "decode") { report, options in
        let clips = BenchDecodeFiles.find(options.dataDir)
        for (name, path) in [("mpeg4-avi", clips.mpeg4Avi), ("h264-mp4", clips.h264Mp4)] {
            guard let path else {
                report.comment("decode.\(name): no such file found (give --data DIR with real clips)")
                continue
            }
            if options.wants("decode.\(name)") {
                try benchDecodeFile(report, name: name, path: path, quick: options.quick)
            }
        }
        if options.wants("decode.loader") { try benchLoader(report, quick: options.quick) }
        if options.wants("decode.loader-wait") { try benchLoaderWait(report, quick: options.quick) }
    },
]

/// Files to decode: the real clips (`--data`, else ../shared/data/real-clips), else the sample data.
enum BenchDecodeFiles {
    static func find(_ dataDir: String?) -> (mpeg4Avi: String?, h264Mp4: String?) {
        var roots: [String] = []
        if let dataDir { roots.append(dataDir) }
        roots += ["../shared/data/real-clips", "sample-data"]
        var avi: (String, Int)?, mp4: (String, Int)?
        for root in roots where FileManager.default.fileExists(atPath: root) {
            let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []).sorted()
                .map { (root as NSString).appendingPathComponent($0) }
            for f in files {
                let ext = (f as NSString).pathExtension.lowercased()
                guard ext == "avi" || ext == "mp4", let r = try? VideoReader(path: f) else { continue }
                // The longest of each kind: long enough to time well.
                let n = r.frameCountEstimate
                if ext == "avi" && r.codec == "mpeg4" && n > (avi?.1 ?? 0) { avi = (f, n) }
                if ext == "mp4" && r.codec == "h264" && n > (mp4?.1 ?? 0) { mp4 = (f, n) }
            }
            if avi != nil && mp4 != nil { break }
        }
        return (avi?.0, mp4?.0)
    }
}

private func benchDecodeFile(_ report: BenchReport, name: String, path: String, quick: Bool) throws {
    // Ours and the ffmpeg command line take turns, best of each, timed in CPU seconds (ours: this
    // thread's; ffmpeg's: its -benchmark utime + stime), so other work on the machine distorts
    // the ratio little. Opening (probing the streams) is timed apart from decoding, as ffmpeg's
    // benchmark leaves its own opening of the input out.
    var frames = 0
    var bestOpen = Double.infinity, bestDecode = Double.infinity, bestWall = Double.infinity
    var cli: Double? = nil, cliWall = Double.infinity, cliFailed = false
    for _ in 0..<(quick ? 3 : 6) {
        let t0 = threadCPUSeconds()
        let r = try VideoReader(path: path)
        let t1 = threadCPUSeconds(), w1 = DispatchTime.now().uptimeNanoseconds
        frames = try r.decodeAll(outWidth: 112, outHeight: 112).count
        let t2 = threadCPUSeconds(), w2 = DispatchTime.now().uptimeNanoseconds
        bestOpen = min(bestOpen, t1 - t0)
        bestDecode = min(bestDecode, t2 - t1)
        bestWall = min(bestWall, Double(w2 - w1) / 1e9)
        if !cliFailed {
            if let s = ffmpegSeconds(path) {
                cli = min(cli ?? s.cpu, s.cpu)
                cliWall = min(cliWall, s.wall)
            } else { cliFailed = true }
        }
    }
    let file = (path as NSString).lastPathComponent
    if let cli, !cliFailed {
        report.reference("ffmpeg-cli.\(name)", Double(frames) / cli, unit: "frames/s",
                         note: "\(file), ffmpeg -threads 1 -s 112x112 -f null, per CPU second (-benchmark)")
    } else {
        report.comment("ffmpeg-cli.\(name): ffmpeg not found or failed; no ratio")
    }
    report.record("decode.\(name)", Double(frames) / bestDecode, unit: "frames/s", vs: "ffmpeg-cli.\(name)",
                  extra: ["open_ms": bestOpen * 1000, "fps_with_open": Double(frames) / (bestOpen + bestDecode),
                          "wall_fps": Double(frames) / bestWall, "ffmpeg_wall_fps": Double(frames) / cliWall],
                  note: "\(file), \(frames) frames, decode + swscale to 112x112 RGB, per CPU second")
}

/// The `-benchmark` CPU time (utime + stime) of one run of the ffmpeg command line (its decode,
/// scale and null output, without process start-up or opening the input), or nil without ffmpeg.
private func ffmpegSeconds(_ path: String) -> (cpu: Double, wall: Double)? {
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
    func field(_ key: String) -> Double? {
        guard let r = text.range(of: key) else { return nil }
        return Double(text[r.upperBound...].prefix { "0123456789.".contains($0) })
    }
    guard let u = field("utime="), let s = field("stime="), let w = field("rtime=") else { return nil }
    return (u + s, w)
}

/// CPU seconds the calling thread has used.
private func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
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

/// The reference training step (r3d-tiny, first-order MCN, 8 videos × 2 views of 3×8×64×64) fed
/// by the prefetching loader from a warm cache: the time `next()` blocked as a share of the time
/// the steps took (the first batch, which nothing could prefetch, left out).
private func benchLoaderWait(_ report: BenchReport, quick: Bool) throws {
    guard let ds = try? VideoDataset.load(dir: "sample-data") else {
        report.comment("decode.loader-wait: sample-data not found (run from the package root)")
        return
    }
    let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("mcn-bench-wait-\(getpid())")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let cache = try FrameCache(directory: dir)
    let cfg = TrainLoaderConfig(clipFrames: 8, size: 64, viewsPerVideo: 2, batchVideos: 8,
                                augmentation: .sampleData, seed: 1)
    let warm = try TrainBatchLoader(items: ds.train, config: cfg, cache: cache)
    for b in 0..<warm.batchesPerEpoch { _ = try warm.batch(at: LoaderPosition(epoch: 0, batch: b)) }

    var loss = MCNLossConfig()
    loss.negativesPerPositive = 0
    let net = MCNNetwork(backbone: BackboneSpec.preset("r3d-tiny")!, loss: loss)
    let (theta, buffers) = net.initialValues(seed: 1)
    let grad = Slab(count: theta.count)
    var stepConfig = MCNStepConfig()
    stepConfig.method = .mcn
    stepConfig.order = .firstOrder
    let step = MCNStep(network: net, config: stepConfig)
    let opt = SGD(count: theta.count, momentum: 0.9)

    let loader = try TrainBatchLoader(items: ds.train, config: cfg, cache: cache)
    let steps = quick ? 6 : 16
    var waited = 0.0, stepping = 0.0
    for k in 0...steps {
        let batch = try loader.next()
        let t0 = DispatchTime.now().uptimeNanoseconds
        var r = RNG(seed: UInt64(k))
        _ = step.run(theta: theta, buffers: buffers, grad: grad, clips: batch.clips, videos: 8, rng: &r)
        opt.step(params: theta, grads: grad, lr: 1e-4)
        if k > 0 {
            waited += batch.waitSeconds
            stepping += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        }
    }
    report.record("decode.loader-wait", 100 * waited / stepping, unit: "% of step",
                  extra: ["step_ms": 1000 * stepping / Double(steps), "wait_ms": 1000 * waited / Double(steps)],
                  note: "r3d-tiny first-order MCN, 8 videos x 2 views x 8x64x64, sample data, cache warm, prefetch")
}
