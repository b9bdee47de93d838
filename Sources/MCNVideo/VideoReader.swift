import CFFmpeg
import Foundation

/// Decoded RGB frames: `rgb` is [count, height, width, 3] UInt8, rows packed.
public struct VideoFrames: Sendable {
    public var width: Int
    public var height: Int
    public var count: Int
    public var rgb: [UInt8]

    public init(width: Int, height: Int, count: Int, rgb: [UInt8]) {
        self.width = width; self.height = height; self.count = count; self.rgb = rgb
    }

    /// Bytes in one frame.
    public var frameBytes: Int { width * height * 3 }
}

/// Reads one video file with libavformat/libavcodec and converts frames with libswscale.
/// One decoder thread per reader; a reader is used from one thread at a time.
///
/// Frames are numbered by their order of decoding from the start (the count `ffprobe
/// -count_frames` reports). Clips from the middle seek to the key frame before the start and
/// decode forward; where timestamps don't map cleanly onto that numbering the reader decodes
/// from the start instead, so a clip is always the same frames however it was reached.
public final class VideoReader {
    public let path: String
    /// Container short name, e.g. `avi`, `mp4`.
    public let container: String
    /// Codec name, e.g. `mpeg4`, `h264`.
    public let codec: String
    public let width: Int
    public let height: Int
    /// Frames per second (the stream's average rate, else its base rate, else 25).
    public let fps: Double
    /// Frame count from the container (or duration × fps): cheap, not always exact.
    public let frameCountEstimate: Int
    /// Clips served by seeking (rather than decoding from the start): for tests and statistics.
    public private(set) var clipsBySeeking = 0
    /// Packets the decoder rejected so far (corrupt data that was skipped).
    public private(set) var corruptPackets = 0

    private var fmt: UnsafeMutablePointer<AVFormatContext>?
    private var dec: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var sws: OpaquePointer?
    private let streamIndex: Int32
    private let timeBase: Double
    private let startPts: Int64
    private var exactCount: Int?
    /// Whether every frame's timestamp gave its decoding-order number (learnt by a full pass).
    private var timestampsRegular: Bool?
    /// True while the demuxer and decoder sit at the very start (nothing read yet).
    private var atStart = true
    /// Timestamp of the first decoded frame (frame 0), learnt on the first pass from the start.
    /// It may differ from the stream's start time (AVI with B-frames starts at 1).
    private var firstFramePts: Int64?

    /// Opens `path` and its best video stream. Throws a `VideoError` naming the file and problem.
    public init(path: String) throws {
        VideoReader.quietLibav()
        self.path = path
        try VideoReader.checkFile(path)

        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        var r = avformat_open_input(&ctx, path, nil, nil)
        guard r >= 0, let ctx else {
            throw VideoError(.open, path: path, "cannot open: \(avErrorText(r))")
        }
        fmt = ctx
        r = avformat_find_stream_info(ctx, nil)
        if r < 0 {
            avformat_close_input(&fmt)
            throw VideoError(.open, path: path, "cannot read stream info: \(avErrorText(r))")
        }
        var codecPtr: UnsafePointer<AVCodec>? = nil
        let index = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, &codecPtr, 0)
        if index < 0 {
            avformat_close_input(&fmt)
            let reason = index == mcn_averror_decoder_not_found()
                ? "no decoder for its video stream" : "no video stream"
            throw VideoError(index == mcn_averror_decoder_not_found() ? .codec : .noVideoStream,
                             path: path, reason)
        }
        streamIndex = index
        let stream = ctx.pointee.streams[Int(index)]!
        let par = stream.pointee.codecpar!
        codec = String(cString: avcodec_get_name(par.pointee.codec_id))
        container = VideoReader.containerName(ctx, path: path)
        guard let codecPtr else {
            avformat_close_input(&fmt)
            throw VideoError(.codec, path: path, "no decoder for codec \(codec)")
        }
        guard let d = avcodec_alloc_context3(codecPtr) else {
            avformat_close_input(&fmt)
            throw VideoError(.codec, path: path, "cannot allocate a \(codec) decoder")
        }
        dec = d
        avcodec_parameters_to_context(d, par)
        d.pointee.thread_count = 1
        r = avcodec_open2(d, codecPtr, nil)
        if r < 0 {
            avcodec_free_context(&dec)
            avformat_close_input(&fmt)
            throw VideoError(.codec, path: path, "cannot open the \(codec) decoder: \(avErrorText(r))")
        }
        width = Int(par.pointee.width)
        height = Int(par.pointee.height)
        if width <= 0 || height <= 0 {
            avcodec_free_context(&dec)
            avformat_close_input(&fmt)
            throw VideoError(.decode, path: path, "video stream has no frame size (\(width)x\(height))")
        }
        let tb = stream.pointee.time_base
        timeBase = tb.den != 0 ? Double(tb.num) / Double(tb.den) : 0
        let avg = stream.pointee.avg_frame_rate, base = stream.pointee.r_frame_rate
        if avg.num > 0 && avg.den > 0 { fps = Double(avg.num) / Double(avg.den) }
        else if base.num > 0 && base.den > 0 { fps = Double(base.num) / Double(base.den) }
        else { fps = 25 }
        let nopts = mcn_av_nopts_value()
        startPts = stream.pointee.start_time == nopts ? 0 : stream.pointee.start_time
        if stream.pointee.nb_frames > 0 {
            frameCountEstimate = Int(stream.pointee.nb_frames)
        } else if stream.pointee.duration != nopts && stream.pointee.duration > 0 {
            frameCountEstimate = Int((Double(stream.pointee.duration) * timeBase * fps).rounded())
        } else if ctx.pointee.duration != nopts && ctx.pointee.duration > 0 {
            frameCountEstimate = Int((Double(ctx.pointee.duration) / 1e6 * fps).rounded())
        } else {
            frameCountEstimate = 0
        }
        packet = av_packet_alloc()
        frame = av_frame_alloc()
    }

    deinit {
        if sws != nil { sws_freeContext(sws) }
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&dec)
        avformat_close_input(&fmt)
    }

    /// Frame count: the cheap estimate, or (with `exact`) the real count from decoding every frame.
    public func frameCount(exact: Bool = false) throws -> Int {
        if let exactCount { return exactCount }
        if !exact { return frameCountEstimate }
        try scanAll()
        return exactCount ?? 0
    }

    /// The exact count if a full pass has already learnt it.
    public var knownFrameCount: Int? { exactCount }

    /// Decodes up to `count` frames starting at frame `start`, each resized to outWidth×outHeight
    /// RGB in one swscale pass. Returns fewer frames when the video ends first.
    public func decodeFrames(start: Int, count: Int, outWidth: Int, outHeight: Int) throws -> VideoFrames {
        precondition(start >= 0 && count >= 0 && outWidth > 0 && outHeight > 0)
        var out = VideoFrames(width: outWidth, height: outHeight, count: 0, rgb: [])
        if count == 0 { return out }
        out.rgb.reserveCapacity(count * out.frameBytes)
        // Seeking only pays off past the first frames; and only where timestamps are regular.
        if start >= 8 && timestampsRegular != false && timeBase > 0 {
            if firstFramePts == nil {
                try rewind()
                try forEachFrame { _ in false }
            }
            if firstFramePts != nil, try decodeBySeeking(start: start, count: count, into: &out) {
                clipsBySeeking += 1
                return try finish(out, start)
            }
            out.rgb.removeAll(keepingCapacity: true)
            out.count = 0
        }
        try rewind()
        var index = 0
        try forEachFrame { f in
            if index >= start {
                try convert(f, into: &out)
            }
            index += 1
            return index < start + count
        }
        return try finish(out, start)
    }

    /// Exactly `count` frames from `start`: decodes what the video has and repeats its last frame
    /// for the rest (the frames as [count, outHeight, outWidth, 3] RGB).
    public func decodeClip(start: Int, count: Int, outWidth: Int, outHeight: Int) throws -> [UInt8] {
        var f = try decodeFrames(start: start, count: count, outWidth: outWidth, outHeight: outHeight)
        if f.count == 0 {
            throw VideoError(.decode, path: path, "no frame at or after frame \(start)")
        }
        let fb = f.frameBytes
        let last = Array(f.rgb[(f.count - 1) * fb ..< f.count * fb])
        while f.count < count { f.rgb.append(contentsOf: last); f.count += 1 }
        return f.rgb
    }

    /// Every frame, resized to outWidth×outHeight RGB; learns the exact frame count on the way.
    /// Throws when nothing decodes, or far fewer frames decode than the container declares.
    public func decodeAll(outWidth: Int, outHeight: Int) throws -> VideoFrames {
        var out = VideoFrames(width: outWidth, height: outHeight, count: 0, rgb: [])
        out.rgb.reserveCapacity(max(frameCountEstimate, 1) * out.frameBytes)
        var regular = true
        try rewind()
        try forEachFrame { f in
            if self.frameIndex(f) != out.count { regular = false }
            try convert(f, into: &out)
            return true
        }
        exactCount = out.count
        timestampsRegular = regular
        try checkComplete(out.count)
        return out
    }

    /// Size whose short side is `shortSide`, keeping the aspect ratio (each side at least 1).
    public func sizeForShortSide(_ shortSide: Int) -> (width: Int, height: Int) {
        VideoReader.sizeForShortSide(shortSide, width: width, height: height)
    }

    public static func sizeForShortSide(_ s: Int, width: Int, height: Int) -> (width: Int, height: Int) {
        if width <= height {
            return (s, max(1, Int((Double(height) * Double(s) / Double(width)).rounded())))
        }
        return (max(1, Int((Double(width) * Double(s) / Double(height)).rounded())), s)
    }

    // MARK: - Decoding

    private func finish(_ out: VideoFrames, _ start: Int) throws -> VideoFrames {
        if out.count == 0 && start == 0 { try checkComplete(0) }
        return out
    }

    /// Throws `.truncated` when far fewer frames decoded than the container declared.
    private func checkComplete(_ decoded: Int) throws {
        let declared = frameCountEstimate
        if decoded == 0 {
            throw declared > 0
                ? VideoError(.truncated, path: path, "truncated or corrupt: the container declares \(declared) frames, none decode")
                : VideoError(.decode, path: path, "no decodable video frames")
        }
        if declared > 0 && Double(decoded) < 0.9 * Double(declared) - 2 {
            throw VideoError(.truncated, path: path,
                             "truncated: the container declares \(declared) frames, only \(decoded) decode")
        }
    }

    /// Counts every frame without converting it.
    private func scanAll() throws {
        var n = 0
        var regular = true
        try rewind()
        try forEachFrame { f in
            if self.frameIndex(f) != n { regular = false }
            n += 1
            return true
        }
        exactCount = n
        timestampsRegular = regular
        try checkComplete(n)
    }

    /// Seeks to the key frame before `start` and decodes forward, numbering frames by their
    /// timestamps. Returns false (and the caller decodes from the start) when the numbering
    /// can't be trusted: missing timestamps, a seek that landed past `start`, or a gap.
    private func decodeBySeeking(start: Int, count: Int, into out: inout VideoFrames) throws -> Bool {
        guard let fmt, let dec else { return false }
        let target = (firstFramePts ?? startPts) + Int64((Double(start) / fps / timeBase).rounded(.down))
        if av_seek_frame(fmt, streamIndex, target, mcn_avseek_flag_backward()) < 0 { return false }
        avcodec_flush_buffers(dec)
        atStart = false
        var trusted = true
        var first = true
        try forEachFrame { f in
            guard let i = self.frameIndex(f) else { trusted = false; return false }
            if first && i > start { trusted = false; return false }
            first = false
            if i < start { return true }
            if i != start + out.count { trusted = false; return false }
            try convert(f, into: &out)
            return out.count < count
        }
        // A clip cut short by the end of the file is fine only if the count is known to agree.
        if trusted && out.count < count && exactCount == nil { return false }
        return trusted && !first
    }

    /// The frame's number from its timestamp (nil when it has none).
    private func frameIndex(_ f: UnsafeMutablePointer<AVFrame>) -> Int? {
        let pts = f.pointee.best_effort_timestamp
        guard pts != mcn_av_nopts_value(), timeBase > 0, let first = firstFramePts else { return nil }
        return Int((Double(pts - first) * timeBase * fps).rounded())
    }

    /// Back to the first frame.
    private func rewind() throws {
        if atStart { return }
        guard let fmt, let dec else { return }
        var r = av_seek_frame(fmt, streamIndex, startPts, mcn_avseek_flag_backward())
        if r < 0 { r = avformat_seek_file(fmt, -1, Int64.min, 0, 0, 0) }
        if r < 0 {
            throw VideoError(.decode, path: path, "cannot seek back to the start: \(avErrorText(r))")
        }
        avcodec_flush_buffers(dec)
        atStart = true
    }

    /// Calls `body` with each decoded frame in order until it returns false or the video ends.
    private func forEachFrame(_ body: (UnsafeMutablePointer<AVFrame>) throws -> Bool) throws {
        guard let fmt, let dec, let packet, let frame else { return }
        var fromStart = atStart
        atStart = false
        let eagain = mcn_averror_eagain(), eof = mcn_averror_eof()
        var flushed = false
        while true {
            while true {
                let r = avcodec_receive_frame(dec, frame)
                if r == eagain { break }
                if r == eof { return }
                if r < 0 {
                    throw VideoError(.decode, path: path, "decoding failed: \(avErrorText(r))")
                }
                if fromStart {
                    // Frame 0's timestamp anchors the numbering of frames reached by seeking.
                    let pts = frame.pointee.best_effort_timestamp
                    if firstFramePts == nil && pts != mcn_av_nopts_value() { firstFramePts = pts }
                    fromStart = false
                }
                let more: Bool
                do { more = try body(frame) } catch { av_frame_unref(frame); throw error }
                av_frame_unref(frame)
                if !more { return }
            }
            if flushed { return }
            let r = av_read_frame(fmt, packet)
            if r < 0 {
                // End of file, or a read error (a truncated file): drain what the decoder holds.
                avcodec_send_packet(dec, nil)
                flushed = true
                continue
            }
            if packet.pointee.stream_index == streamIndex {
                let s = avcodec_send_packet(dec, packet)
                if s < 0 && s != eagain { corruptPackets += 1 }
            }
            av_packet_unref(packet)
        }
    }

    /// Appends `f` resized and converted to RGB24.
    private func convert(_ f: UnsafeMutablePointer<AVFrame>, into out: inout VideoFrames) throws {
        sws = sws_getCachedContext(sws, f.pointee.width, f.pointee.height,
                                   AVPixelFormat(rawValue: f.pointee.format),
                                   Int32(out.width), Int32(out.height), AV_PIX_FMT_RGB24,
                                   SWS_BILINEAR, nil, nil, nil)
        guard let sws else {
            throw VideoError(.decode, path: path, "cannot convert frames of \(f.pointee.width)x\(f.pointee.height) to RGB")
        }
        let fb = out.frameBytes
        let offset = out.rgb.count
        out.rgb.append(contentsOf: repeatElement(0, count: fb))
        let r = out.rgb.withUnsafeMutableBufferPointer { buf in
            mcn_sws_frame_to_rgb(sws, f, buf.baseAddress! + offset, Int32(out.width * 3))
        }
        if r <= 0 {
            out.rgb.removeLast(fb)
            throw VideoError(.decode, path: path, "frame conversion to RGB failed")
        }
        out.count += 1
    }

    // MARK: - Helpers

    /// A clear error for paths that can't be videos before libav gets to say something vaguer.
    static func checkFile(_ path: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw VideoError(.notFound, path: path, "no such file")
        }
        if isDir.boolValue { throw VideoError(.unreadable, path: path, "is a directory, not a video") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VideoError(.unreadable, path: path, "permission denied")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw VideoError(.open, path: path, "empty file (0 bytes)") }
    }

    /// `avi`, or for a family name like `mov,mp4,m4a,...` the member matching the file extension.
    private static func containerName(_ ctx: UnsafeMutablePointer<AVFormatContext>, path: String) -> String {
        guard let iformat = ctx.pointee.iformat else { return "unknown" }
        let names = String(cString: iformat.pointee.name).split(separator: ",").map(String.init)
        let ext = (path as NSString).pathExtension.lowercased()
        return names.first { $0 == ext } ?? names.first ?? "unknown"
    }

    private static let quietOnce: Void = { mcn_av_set_log_level(mcn_av_log_quiet()) }()

    /// libav's own messages would scribble over the terminal UI; errors come back as VideoError.
    static func quietLibav() { _ = quietOnce }
}

/// av_strerror's text for a libav error code.
func avErrorText(_ code: Int32) -> String {
    var buf = [CChar](repeating: 0, count: 128)
    mcn_av_error_string(code, &buf, buf.count)
    let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let s = String(decoding: bytes, as: UTF8.self)
    return s.isEmpty ? "error \(code)" : s
}
