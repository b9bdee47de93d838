#include "CTensorKernels.h"

// Built with -O3 (Package.swift). Reassociation is allowed in this file so the reductions
// vectorise; without it each double add waits for the previous one (Swift's loops did).
#include "clones.h"

#pragma clang fp reassociate(on)

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

// The ReLU's input x·a + b: one expression for the forward and the backward's mask, so both
// round it alike (the mask is recomputed from x instead of read from y: one stream less).
static inline float bn_value(float x, float a, float b) { return x * a + b; }

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

MCN_CLONES
void mcn_bn_backward_sums(const float *x, const float *dy, int relu, float ra, float rb, long n, long stride,
                          long l, float mu, float iv, double *sdy, double *sdyx) {
    double s1 = 0, s2 = 0;
    for (long i = 0; i < n; i++) {
        const float *s = x + i * stride, *d = dy + i * stride;
        if (relu) {
            for (long j = 0; j < l; j++) {
                const float g = bn_value(s[j], ra, rb) > 0 ? d[j] : 0;
                s1 += (double)g; s2 += (double)g * (double)((s[j] - mu) * iv);
            }
        } else {
            for (long j = 0; j < l; j++) { s1 += (double)d[j]; s2 += (double)d[j] * (double)((s[j] - mu) * iv); }
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
