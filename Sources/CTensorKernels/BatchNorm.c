#include "CTensorKernels.h"

// Built with -O3 (Package.swift). Reassociation is allowed in this file so the reductions
// vectorise; without it each double add waits for the previous one (Swift's loops did).
#include "clones.h"
#include "rows.h"

#pragma clang fp reassociate(on)

// Sums over many values run in float over runs of this many, each run added in double: float's
// rounding stays that of 256 terms, and the conversions to double are one a run, not one a value.
enum { float_run = 256 };

// One pass: Σ(x − k) and Σ(x − k)² in double, shifted by the channel's first value k, so the
// difference E[(x − k)²] − E[x − k]² cancels by |mean − k| / std, not |mean| / std (a second pass
// over x for Σ(x − mean)² cost as much again: the read and the conversions to double). A NaN
// variance stays NaN.
MCN_CLONES
void mcn_bn_moments(const float *x, long n, long stride, long l, double *mean, double *var) {
    const double k = n * l > 0 ? (double)x[0] : 0;
    double s = 0, s2 = 0;
    for (long i = 0; i < n; i++) {
        const float *p = x + i * stride;
        for (long j = 0; j < l; j++) { const double v = (double)p[j] - k; s += v; s2 += v * v; }
    }
    const double count = (double)(n * l);
    const double d = n * l > 0 ? s / count : 0;
    const double v = n * l > 0 ? s2 / count - d * d : 0;
    *mean = k + d;
    *var = v < 0 ? 0 : v;
}

// Rows just written by a convolution, while they are still in L1: per row r, Σ(y − k) and Σ(y − k)²
// over its n values, k = first[r·ldf] (the value at the start of the row's channel in its sample),
// added to acc[r·lda] and acc[r·lda + 1]. The sums run in float over runs of float_run values (shifted by
// a value of its channel, so the squares do not swamp the differences) and are added in double:
// the same sums however long the rows a path hands in (runs of 1024 in float moved the first
// training step's gradient norm by 6e-4 through the MCN step, which amplifies such rounding).
// See ChannelMoments.swift.
MCN_CLONES
void mcn_moments_rows(const float *y, long rows, long ldy, long n, const float *first, long ldf, double *acc,
                      long lda) {
    for (long r = 0; r < rows; r++) {
        const float *p = y + r * ldy;
        const float k = first[r * ldf];
        double ds = 0, ds2 = 0;
        for (long j0 = 0; j0 < n; j0 += float_run) {
            const long e = j0 + float_run < n ? j0 + float_run : n;
            float s = 0, s2 = 0;
            for (long j = j0; j < e; j++) { const float v = p[j] - k; s += v; s2 += v * v; }
            ds += (double)s;
            ds2 += (double)s2;
        }
        acc[r * lda] += ds;
        acc[r * lda + 1] += ds2;
    }
}

MCN_CLONES
void mcn_bn_apply(const float *x, float *y, long n, long stride, long l, float a, float b, int relu) {
    for (long i = 0; i < n; i++) {
        const float *s = x + i * stride;
        float *d = y + i * stride;
        if (relu) {
            for (long j = 0; j < l; j++) { const float v = bn_value(s[j], a, b); d[j] = v > 0 ? v : 0; }
        } else {
            for (long j = 0; j < l; j++) d[j] = bn_value(s[j], a, b);
        }
    }
}

// max(x·a + b + s, 0): a block's last BatchNorm, its residual add and the ReLU in one pass.
MCN_CLONES
void mcn_bn_add_relu(const float *x, const float *s, float *y, long n, long stride, long l, float a, float b) {
    for (long i = 0; i < n; i++) {
        const float *p = x + i * stride, *q = s + i * stride;
        float *d = y + i * stride;
        for (long j = 0; j < l; j++) { const float v = bn_value(p[j], a, b) + q[j]; d[j] = v > 0 ? v : 0; }
    }
}

// Σ g and Σ g·x̂ (g = dy, masked by the ReLU with `relu`; x̂ = (x − mu)·iv): in float over runs of
// float_run values, added in double (in double throughout, the conversions made it compute-bound: a
// one-core harness read 5.7 GB/s against 8 for these runs, on 8 MB tensors).
MCN_CLONES
void mcn_bn_backward_sums(const float *x, const float *dy, int relu, float ra, float rb, long n, long stride,
                          long l, float mu, float iv, double *sdy, double *sdyx) {
    double s1 = 0, s2 = 0;
    for (long i = 0; i < n; i++) {
        const float *s = x + i * stride, *d = dy + i * stride;
        for (long j0 = 0; j0 < l; j0 += float_run) {
            const long e = j0 + float_run < l ? j0 + float_run : l;
            float f1 = 0, f2 = 0;
            if (relu) {
                for (long j = j0; j < e; j++) {
                    const float g = bn_value(s[j], ra, rb) > 0 ? d[j] : 0;
                    f1 += g; f2 += g * ((s[j] - mu) * iv);
                }
            } else {
                for (long j = j0; j < e; j++) { f1 += d[j]; f2 += d[j] * ((s[j] - mu) * iv); }
            }
            s1 += (double)f1; s2 += (double)f2;
        }
    }
    *sdy = s1;
    *sdyx = s2;
}

MCN_CLONES
void mcn_bn_backward_dx(const float *x, const float *dy, int relu, float ra, float rb, float *dx, long n,
                        long stride, long l, float mu, float iv, float gi, float a, float b, int accumulate) {
    for (long i = 0; i < n; i++) {
        const float *s = x + i * stride, *d = dy + i * stride;
        float *o = dx + i * stride;
        if (relu && accumulate) {
            for (long j = 0; j < l; j++)
                o[j] += gi * ((bn_value(s[j], ra, rb) > 0 ? d[j] : 0) - a - (s[j] - mu) * iv * b);
        } else if (relu) {
            for (long j = 0; j < l; j++)
                o[j] = gi * ((bn_value(s[j], ra, rb) > 0 ? d[j] : 0) - a - (s[j] - mu) * iv * b);
        } else if (accumulate) {
            for (long j = 0; j < l; j++) o[j] += gi * (d[j] - a - (s[j] - mu) * iv * b);
        } else {
            for (long j = 0; j < l; j++) o[j] = gi * (d[j] - a - (s[j] - mu) * iv * b);
        }
    }
}
