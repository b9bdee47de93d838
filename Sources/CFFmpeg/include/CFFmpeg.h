// CFFmpeg: libavformat, libavcodec, libswscale and libavutil, plus the macros Swift can't import.
#ifndef MCN_CFFMPEG_H
#define MCN_CFFMPEG_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/error.h>
#include <stdint.h>

/// AVERROR_EOF as a plain value.
int mcn_averror_eof(void);
/// AVERROR(EAGAIN) as a plain value.
int mcn_averror_eagain(void);
/// AV_NOPTS_VALUE as a plain value.
int64_t mcn_av_nopts_value(void);
/// Writes av_strerror's text for `code` into `buf` (size `size`).
void mcn_av_error_string(int code, char *buf, size_t size);
/// Silences (level = AV_LOG_QUIET) or restores libav's own log output.
void mcn_av_set_log_level(int level);

/// AV_LOG_QUIET and AV_LOG_ERROR as plain values.
int mcn_av_log_quiet(void);
int mcn_av_log_error(void);
/// AVERROR_INVALIDDATA as a plain value.
int mcn_averror_invaliddata(void);
/// AVERROR_DECODER_NOT_FOUND as a plain value.
int mcn_averror_decoder_not_found(void);

/// Converts (and resizes) `frame` into packed RGB24 at `dst` (row stride `dstStride` bytes) with
/// `ctx`, which must have been made for the frame's size and format. Returns sws_scale's result.
int mcn_sws_frame_to_rgb(struct SwsContext *ctx, const AVFrame *frame, uint8_t *dst, int dstStride);
/// Converts packed RGB24 `src` (`srcStride` bytes a row, `srcHeight` rows) into `frame`'s planes.
int mcn_sws_rgb_to_frame(struct SwsContext *ctx, const uint8_t *src, int srcStride, int srcHeight, AVFrame *frame);

/// Muxer and codec flags that arrive in Swift as macros it can't import.
int mcn_avfmt_globalheader(void);
int mcn_avfmt_nofile(void);
int mcn_avfmt_flag_bitexact(void);
int mcn_codec_flag_global_header(void);
int mcn_codec_flag_bitexact(void);
int mcn_codec_flag_qscale(void);
int mcn_ff_qp2lambda(void);
int mcn_avio_flag_write(void);
int mcn_avseek_flag_backward(void);
#endif
