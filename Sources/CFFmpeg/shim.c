#include "CFFmpeg.h"
#include <errno.h>
#include <libavutil/log.h>

int mcn_averror_eof(void) { return AVERROR_EOF; }
int mcn_averror_eagain(void) { return AVERROR(EAGAIN); }
int64_t mcn_av_nopts_value(void) { return AV_NOPTS_VALUE; }
void mcn_av_error_string(int code, char *buf, size_t size) {
    if (av_strerror(code, buf, size) < 0 && size > 0) { buf[0] = 0; }
}
void mcn_av_set_log_level(int level) { av_log_set_level(level); }

int mcn_av_log_quiet(void) { return AV_LOG_QUIET; }
int mcn_av_log_error(void) { return AV_LOG_ERROR; }
int mcn_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
int mcn_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }

int mcn_sws_frame_to_rgb(struct SwsContext *ctx, const AVFrame *frame, uint8_t *dst, int dstStride) {
    uint8_t *planes[4] = { dst, NULL, NULL, NULL };
    int strides[4] = { dstStride, 0, 0, 0 };
    return sws_scale(ctx, (const uint8_t * const *)frame->data, frame->linesize, 0, frame->height,
                     planes, strides);
}

int mcn_sws_rgb_to_frame(struct SwsContext *ctx, const uint8_t *src, int srcStride, int srcHeight, AVFrame *frame) {
    const uint8_t *planes[4] = { src, NULL, NULL, NULL };
    int strides[4] = { srcStride, 0, 0, 0 };
    return sws_scale(ctx, planes, strides, 0, srcHeight, frame->data, frame->linesize);
}

int mcn_avfmt_globalheader(void) { return AVFMT_GLOBALHEADER; }
int mcn_avfmt_nofile(void) { return AVFMT_NOFILE; }
int mcn_avfmt_flag_bitexact(void) { return AVFMT_FLAG_BITEXACT; }
int mcn_codec_flag_global_header(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }
int mcn_codec_flag_bitexact(void) { return AV_CODEC_FLAG_BITEXACT; }
int mcn_codec_flag_qscale(void) { return AV_CODEC_FLAG_QSCALE; }
int mcn_ff_qp2lambda(void) { return FF_QP2LAMBDA; }
int mcn_avio_flag_write(void) { return AVIO_FLAG_WRITE; }
int mcn_avseek_flag_backward(void) { return AVSEEK_FLAG_BACKWARD; }
