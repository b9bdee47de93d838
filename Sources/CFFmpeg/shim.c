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
