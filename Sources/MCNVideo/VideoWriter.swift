import CFFmpeg
import Foundation

/// Encodes RGB frames to a video file with libavcodec (MPEG-4 part 2, no B-frames, fixed
/// quantiser) in the container its extension names (`.avi`, `.mp4`). Bit-exact flags are set so
/// the same frames give the same file. Written to a temporary name and renamed by `finish()`.
public final class VideoWriter {
    public let path: String
    public let width: Int
    public let height: Int
    private let tmpPath: String
    private var oc: UnsafeMutablePointer<AVFormatContext>?
    private var enc: UnsafeMutablePointer<AVCodecContext>?
    private var stream: UnsafeMutablePointer<AVStream>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var sws: OpaquePointer?
    private var written: Int64 = 0
    private var finished = false

    /// `quality`: MPEG-4 quantiser, 2 (best) ... 31 (smallest). `gop`: frames between key frames.
    public init(path: String, width: Int, height: Int, fps: Int, quality: Int = 5, gop: Int = 16) throws {
        VideoReader.quietLibav()
        precondition(width % 2 == 0 && height % 2 == 0, "4:2:0 video needs even sizes")
        self.path = path; self.width = width; self.height = height
        tmpPath = path + ".tmp"
        let ext = (path as NSString).pathExtension.lowercased()
        func fail(_ what: String, _ code: Int32? = nil) -> VideoError {
            VideoError(.encode, path: path, what + (code.map { ": " + avErrorText($0) } ?? ""))
        }
        var r = avformat_alloc_output_context2(&oc, nil, ext, tmpPath)
        guard r >= 0, let oc else { throw fail("no muxer for .\(ext)", r) }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4) else { throw fail("no MPEG-4 encoder") }
        guard let st = avformat_new_stream(oc, nil), let c = avcodec_alloc_context3(codec) else {
            throw fail("cannot allocate the stream")
        }
        stream = st; enc = c
        c.pointee.width = Int32(width)
        c.pointee.height = Int32(height)
        c.pointee.time_base = AVRational(num: 1, den: Int32(fps))
        c.pointee.framerate = AVRational(num: Int32(fps), den: 1)
        c.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        c.pointee.gop_size = Int32(gop)
        c.pointee.max_b_frames = 0
        c.pointee.thread_count = 1
        c.pointee.flags |= mcn_codec_flag_qscale() | mcn_codec_flag_bitexact()
        c.pointee.global_quality = Int32(quality) * mcn_ff_qp2lambda()
        if (oc.pointee.oformat.pointee.flags & mcn_avfmt_globalheader()) != 0 {
            c.pointee.flags |= mcn_codec_flag_global_header()
        }
        oc.pointee.flags |= mcn_avfmt_flag_bitexact()
        r = avcodec_open2(c, codec, nil)
        guard r >= 0 else { throw fail("cannot open the MPEG-4 encoder", r) }
        avcodec_parameters_from_context(st.pointee.codecpar, c)
        st.pointee.time_base = c.pointee.time_base
        r = avio_open(&oc.pointee.pb, tmpPath, mcn_avio_flag_write())
        guard r >= 0 else { throw fail("cannot create the file", r) }
        r = avformat_write_header(oc, nil)
        guard r >= 0 else { throw fail("cannot write the header", r) }
        guard let f = av_frame_alloc(), let p = av_packet_alloc() else { throw fail("out of memory") }
        frame = f; packet = p
        f.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        f.pointee.width = Int32(width)
        f.pointee.height = Int32(height)
        r = av_frame_get_buffer(f, 0)
        guard r >= 0 else { throw fail("cannot allocate a frame", r) }
        sws = sws_getContext(Int32(width), Int32(height), AV_PIX_FMT_RGB24, Int32(width), Int32(height),
                             AV_PIX_FMT_YUV420P, SWS_BILINEAR, nil, nil, nil)
        guard sws != nil else { throw fail("cannot convert RGB to YUV") }
    }

    deinit {
        if sws != nil { sws_freeContext(sws) }
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&enc)
        if let oc {
            if oc.pointee.pb != nil { avio_closep(&oc.pointee.pb) }
            avformat_free_context(oc)
        }
        if !finished { unlink(tmpPath) }
    }

    /// Appends one frame of packed RGB (height rows of width×3 bytes).
    public func write(rgb: UnsafePointer<UInt8>) throws {
        guard let frame, let enc else { return }
        var r = av_frame_make_writable(frame)
        if r >= 0 { r = mcn_sws_rgb_to_frame(sws, rgb, Int32(width * 3), Int32(height), frame) }
        guard r >= 0 else { throw VideoError(.encode, path: path, "cannot convert a frame to YUV") }
        frame.pointee.pts = written
        frame.pointee.quality = enc.pointee.global_quality // the fixed quantiser applies per frame
        written += 1
        r = avcodec_send_frame(enc, frame)
        guard r >= 0 else { throw VideoError(.encode, path: path, "encoding failed: \(avErrorText(r))") }
        try drain()
    }

    /// Flushes the encoder, writes the trailer and moves the file into place.
    public func finish() throws {
        guard let oc, let enc, !finished else { return }
        avcodec_send_frame(enc, nil)
        try drain()
        var r = av_write_trailer(oc)
        if r >= 0 { r = avio_closep(&oc.pointee.pb) }
        guard r >= 0 else { throw VideoError(.encode, path: path, "cannot finish the file: \(avErrorText(r))") }
        guard rename(tmpPath, path) == 0 else { throw VideoError(.encode, path: path, "cannot rename into place") }
        finished = true
    }

    private func drain() throws {
        guard let enc, let packet, let oc, let stream else { return }
        while true {
            let r = avcodec_receive_packet(enc, packet)
            if r == mcn_averror_eagain() || r == mcn_averror_eof() { return }
            guard r >= 0 else { throw VideoError(.encode, path: path, "encoding failed: \(avErrorText(r))") }
            av_packet_rescale_ts(packet, enc.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            let w = av_interleaved_write_frame(oc, packet)
            guard w >= 0 else { throw VideoError(.encode, path: path, "cannot write a packet: \(avErrorText(w))") }
        }
    }
}
