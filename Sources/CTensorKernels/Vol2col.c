#include "CTensorKernels.h"

// Built with -O3 -fno-builtin (Package.swift): the row loops below are vectorised inline instead
// of becoming memcpy/memset calls, which cost more than they move for rows of 8–32 floats. On
// x86-64 each entry point is also compiled for AVX2 and chosen at load time.
#include "clones.h"

#include "rows.h"

// Output columns whose input column i·sw − pw + d lies inside [0, w).
static inline void valid_columns(const mcn_conv_shape *g, long d, long *lo, long *hi) {
    long l = (g->pw - d + g->sw - 1) / g->sw;
    // Floor, not C's division: with kw > w + pw a tap can lie wholly right of the row (h ≤ 0).
    long h = floor_div(g->w - 1 + g->pw - d, g->sw) + 1;
    *lo = l < 0 ? 0 : l;
    *hi = h > g->wo ? g->wo : h;
    if (*hi < *lo) *hi = *lo;
}

// Planes of short rows (wo ≤ 8: the 64- and 128-channel layers' 8×8, 4×4 and 2×2 outputs) went a
// row of 2–8 floats at a time, a call and its bounds for every few floats: 1.7 ns a float written,
// as long as the product that reads them. There each tap (b, d) gets a table, once per call, of
// where every output position of a plane reads in its input plane (−1: padding), and a plane is
// one pass over it.
#define MCN_PLANE_TABLE_MAX 4096

static int uses_plane_table(const mcn_conv_shape *g) {
    return g->wo <= 8 && g->kh * g->kw * g->ho * g->wo <= MCN_PLANE_TABLE_MAX;
}

// tab[(b·kw + d)·plane + hh·wo + ww]: the input offset (hi·w + wi) that output (hh, ww) reads
// through tap (b, d), or −1 where that is padding.
static void plane_table(const mcn_conv_shape *g, int *tab) {
    const long plane = g->ho * g->wo;
    for (long b = 0; b < g->kh; b++) for (long d = 0; d < g->kw; d++) {
        int *t = tab + (b * g->kw + d) * plane;
        for (long hh = 0; hh < g->ho; hh++) for (long ww = 0; ww < g->wo; ww++) {
            const long hi = hh * g->sh - g->ph + b, wi = ww * g->sw - g->pw + d;
            t[hh * g->wo + ww] = hi >= 0 && hi < g->h && wi >= 0 && wi < g->w ? (int)(hi * g->w + wi) : -1;
        }
    }
}

MCN_CLONES
void mcn_vol2col(const float *x, const mcn_conv_shape *g, long n0, long cn, long t0, long t1,
                 float *col, long row0, long row1) {
    const long ho = g->ho, wo = g->wo, plane = ho * wo, L = (t1 - t0) * plane;
    const long hw = g->h * g->w, thw = g->t * hw;
    // A kernel one tap wide and high with stride 1 and no padding in H and W (the temporal 3×1×1
    // of R(2+1)D) reads whole input planes: one copy each instead of a row at a time.
    const int wholePlanes = g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0;
    if (!wholePlanes && uses_plane_table(g)) {
        int tab[MCN_PLANE_TABLE_MAX];
        plane_table(g, tab);
        for (long row = row0; row < row1; row++) {
            const long d = row % g->kw, b = (row / g->kw) % g->kh, a = (row / (g->kw * g->kh)) % g->kt;
            const long ci = row / (g->kw * g->kh * g->kt);
            const int *t = tab + (b * g->kw + d) * plane;
            for (long j = 0; j < cn; j++) {
                const float *xs = x + ((n0 + j) * g->c + ci) * thw;
                float *dst = col + row * cn * L + j * L;
                for (long tt = t0; tt < t1; tt++, dst += plane) {
                    const long ti = tt * g->st - g->pt + a;
                    if (ti < 0 || ti >= g->t) { zero_row(dst, plane); continue; }
                    const float *src = xs + ti * hw;
                    for (long p = 0; p < plane; p++) dst[p] = t[p] >= 0 ? src[t[p]] : 0.0f;
                }
            }
        }
        return;
    }
    for (long row = row0; row < row1; row++) {
        const long d = row % g->kw, b = (row / g->kw) % g->kh, a = (row / (g->kw * g->kh)) % g->kt;
        const long ci = row / (g->kw * g->kh * g->kt);
        long lo, hi;
        valid_columns(g, d, &lo, &hi);
        for (long j = 0; j < cn; j++) {
            const float *xs = x + ((n0 + j) * g->c + ci) * thw;
            float *dst = col + row * cn * L + j * L;
            for (long tt = t0; tt < t1; tt++) {
                const long ti = tt * g->st - g->pt + a;
                if (ti < 0 || ti >= g->t) { zero_row(dst, plane); dst += plane; continue; }
                if (wholePlanes) {
                    gather_row(dst, xs + ti * hw, 0, plane, 0, plane, 1);
                    dst += plane;
                    continue;
                }
                for (long hh = 0; hh < ho; hh++, dst += wo) {
                    const long hi_ = hh * g->sh - g->ph + b;
                    if (hi_ < 0 || hi_ >= g->h) { zero_row(dst, wo); continue; }
                    gather_row(dst, xs + ti * hw + hi_ * g->w, d - g->pw, wo, lo, hi, g->sw);
                }
            }
        }
    }
}

MCN_CLONES
void mcn_col2vol(const float *col, const mcn_conv_shape *g, long n0, long cn, long t0, long t1,
                 float *dx, long c0, long c1) {
    const long ho = g->ho, wo = g->wo, plane = ho * wo, L = (t1 - t0) * plane;
    const long hw = g->h * g->w, thw = g->t * hw, sw = g->sw;
    if (uses_plane_table(g)) {
        // The same table as vol2col's (each tap reads distinct positions of a plane, so adding
        // through it is a plain scatter).
        int tab[MCN_PLANE_TABLE_MAX];
        plane_table(g, tab);
        for (long ci = c0; ci < c1; ci++) {
            for (long a = 0; a < g->kt; a++) for (long b = 0; b < g->kh; b++) for (long d = 0; d < g->kw; d++) {
                const long row = ((ci * g->kt + a) * g->kh + b) * g->kw + d;
                const int *t = tab + (b * g->kw + d) * plane;
                for (long j = 0; j < cn; j++) {
                    float *xs = dx + ((n0 + j) * g->c + ci) * thw;
                    const float *src = col + row * cn * L + j * L;
                    for (long tt = t0; tt < t1; tt++, src += plane) {
                        const long ti = tt * g->st - g->pt + a;
                        if (ti < 0 || ti >= g->t) continue;
                        float *dst = xs + ti * hw;
                        for (long p = 0; p < plane; p++) if (t[p] >= 0) dst[t[p]] += src[p];
                    }
                }
            }
        }
        return;
    }
    for (long ci = c0; ci < c1; ci++) {
        for (long a = 0; a < g->kt; a++) for (long b = 0; b < g->kh; b++) for (long d = 0; d < g->kw; d++) {
            const long row = ((ci * g->kt + a) * g->kh + b) * g->kw + d;
            long lo, hi;
            valid_columns(g, d, &lo, &hi);
            if (hi <= lo) continue;
            for (long j = 0; j < cn; j++) {
                float *xs = dx + ((n0 + j) * g->c + ci) * thw;
                const float *src = col + row * cn * L + j * L;
                for (long tt = t0; tt < t1; tt++) {
                    const long ti = tt * g->st - g->pt + a;
                    if (ti < 0 || ti >= g->t) { src += plane; continue; }
                    for (long hh = 0; hh < ho; hh++, src += wo) {
                        const long hi_ = hh * g->sh - g->ph + b;
                        if (hi_ < 0 || hi_ >= g->h) continue;
                        float *dst = xs + ti * hw + hi_ * g->w + d - g->pw;
                        if (sw == 1) { for (long i = lo; i < hi; i++) dst[i] += src[i]; }
                        else { for (long i = lo; i < hi; i++) dst[i * sw] += src[i]; }
                    }
                }
            }
        }
    }
}

MCN_CLONES
void mcn_vol2rows(const float *x, const mcn_conv_shape *g, long n, long tt, long r0, long rb, float *e, long len,
                  long row0, long row1) {
    const long wo = g->wo, nb = (g->kh + g->sh - 1) / g->sh, nr = rb + nb - 1;
    const long hw = g->h * g->w, thw = g->t * hw;
    const long perPhase = g->c * g->kt * g->kw;
    for (long row = row0; row < row1; row++) {
        const long p = row / perPhase, rest = row % perPhase;
        const long d = rest % g->kw, a = (rest / g->kw) % g->kt, ci = rest / (g->kw * g->kt);
        float *dst = e + row * len;
        const long ti = tt * g->st - g->pt + a;
        if (ti < 0 || ti >= g->t) { zero_row(dst, nr * wo); continue; }
        long lo, hi;
        valid_columns(g, d, &lo, &hi);
        const float *xs = x + (n * g->c + ci) * thw + ti * hw;
        for (long r = 0; r < nr; r++, dst += wo) {
            const long hi_ = (r0 + r) * g->sh - g->ph + p;
            if (hi_ < 0 || hi_ >= g->h) { zero_row(dst, wo); continue; }
            gather_row(dst, xs + hi_ * g->w, d - g->pw, wo, lo, hi, g->sw);
        }
    }
}
