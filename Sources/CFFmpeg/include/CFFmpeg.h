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
#endif
