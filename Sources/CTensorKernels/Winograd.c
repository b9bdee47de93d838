#include "CTensorKernels.h"
#include "clones.h"
#include "rows.h"
#include "winograd4.h"

// No FMA contraction: the F(4×4) transforms must round as the channels-last domain's do
// (WinogradChannelsLast.c), whichever instructions the clones may use.
#ifdef __clang__
#pragma clang fp contract(off)
#endif

// Winograd F(2×2, 3×3) in the two spatial axes (Lavin & Gray 2016), direct in time: see
// Winograd.swift. Tiles of 2×2 outputs read 4×4 inputs; a group of 16 tiles is transformed
// (V = Bᵀ d B per channel and padded plane), multiplied tap by tap with the transformed weights
// (U = G g Gᵀ) by the direct kernel, 16 products ξ = (i, e) each a small [O, kt·C] × [kt·C, 16]
// sum, and transformed back (Y = Aᵀ M A). With
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  Aᵀ = [1 1 1 0; 0 1 −1 −1]
// a 3×3 correlation of a 4×4 patch costs 16 products instead of 36.

typedef float v4 __attribute__((ext_vector_type(4)));
typedef float v4u __attribute__((ext_vector_type(4), aligned(4)));

// Eight even and eight odd floats of s[0 ..< 16].
static inline void deinterleave8(const float *s, v8 *even, v8 *odd) {
    v8 a = *(const v8u *)s, b = *(const v8u *)(s + 8);
    *even = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
    *odd = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
}

static inline void deinterleave4(const float *s, v4 *even, v4 *odd) {
    v4 a = *(const v4u *)s, b = *(const v4u *)(s + 4);
    *even = __builtin_shufflevector(a, b, 0, 2, 4, 6);
    *odd = __builtin_shufflevector(a, b, 1, 3, 5, 7);
}

// V for n tiles (8 or 4 a vector type VT) of four input rows r, row width rowW, at o (ξ rows xi
// apart). Tile j reads columns 2j ... 2j + 3 of rows 0 ... 3: its columns split as evens e and odds
// o at 2j and e1, o1 at 2j + 2, Bᵀ runs down the rows on each, then B across (e − e1, o + e1,
// e1 − o, o − o1). Everything stays in registers: going through a buffer of transformed rows made
// the shifted loads straddle two stores and stall.
#define INPUT_TILES(VT, VTU, DEINTERLEAVE)                                                       \
    do {                                                                                         \
        VT e[4], od[4], e1[4], o1[4];                                                            \
        for (int q = 0; q < 4; q++) {                                                            \
            DEINTERLEAVE(r + q * rowW, &e[q], &od[q]);                                           \
            DEINTERLEAVE(r + q * rowW + 2, &e1[q], &o1[q]);                                      \
        }                                                                                        \
        for (int i = 0; i < 4; i++) {                                                            \
            VT de, dod, de1, do1;                                                                \
            switch (i) {                                                                         \
            case 0: de = e[0] - e[2]; dod = od[0] - od[2]; de1 = e1[0] - e1[2]; do1 = o1[0] - o1[2]; break; \
            case 1: de = e[1] + e[2]; dod = od[1] + od[2]; de1 = e1[1] + e1[2]; do1 = o1[1] + o1[2]; break; \
            case 2: de = e[2] - e[1]; dod = od[2] - od[1]; de1 = e1[2] - e1[1]; do1 = o1[2] - o1[1]; break; \
            default: de = e[1] - e[3]; dod = od[1] - od[3]; de1 = e1[1] - e1[3]; do1 = o1[1] - o1[3]; break; \
            }                                                                                    \
            float *w = o + 4 * i * xi;                                                           \
            *(VTU *)w = de - de1;                                                                \
            *(VTU *)(w + xi) = dod + de1;                                                        \
            *(VTU *)(w + 2 * xi) = de1 - dod;                                                    \
            *(VTU *)(w + 3 * xi) = dod - do1;                                                    \
        }                                                                                        \
    } while (0)

long mcn_winograd_stride(long n) {
    return n + 16;
}

// The tiles p0 ..< p0 + 16 of every channel and padded plane, as V[ξ][plane][c][16].
// xp: [C, tp, H + 2, W + 2] (planes `plane` floats apart), TW = W / 2 tiles a row.
MCN_CLONES
void mcn_winograd_input(const float *xp, long C, long tp, long plane, long rowW, long TW, long p0, float *v) {
    const long xi = mcn_winograd_stride(tp * C * 16);
    for (long c = 0; c < C; c++)
        for (long pi = 0; pi < tp; pi++)
            for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
                len = tile_run(p, TW, &th, &tw0);
                const float *row = xp + (c * tp + pi) * plane + 2 * th * rowW + 2 * tw0;
                float *out = v + (pi * C + c) * 16 + (p - p0);
                long j = 0;
                for (; j + 8 <= len; j += 8) {
                    const float *r = row + 2 * j;
                    float *o = out + j;
                    INPUT_TILES(v8, v8u, deinterleave8);
                }
                for (; j + 4 <= len; j += 4) {
                    const float *r = row + 2 * j;
                    float *o = out + j;
                    INPUT_TILES(v4, v4u, deinterleave4);
                }
                for (; j < len; j++) {
                    float d[4][4];
                    for (int x = 0; x < 4; x++) {
                        const float *r = row + 2 * j + x;
                        d[0][x] = r[0] - r[2 * rowW];
                        d[1][x] = r[rowW] + r[2 * rowW];
                        d[2][x] = r[2 * rowW] - r[rowW];
                        d[3][x] = r[rowW] - r[3 * rowW];
                    }
                    for (int i = 0; i < 4; i++) {
                        float *o = out + 4 * i * xi + j;
                        o[0] = d[i][0] - d[i][2];
                        o[xi] = d[i][1] + d[i][2];
                        o[2 * xi] = d[i][2] - d[i][1];
                        o[3 * xi] = d[i][1] - d[i][3];
                    }
                }
            }
}

// Y = Aᵀ M A for the tiles p0 ..< p0 + 16 of one output plane t, every channel, from
// m: [16 (ξ)][O][16], into y: [O, T, H, W] (=, or += with accumulate).
MCN_CLONES
void mcn_winograd_output(const float *m, long t, long T, long O, long H, long W, long TW, long p0, float *y,
                         int accumulate) {
    const long xi = mcn_winograd_stride(O * 16);
    for (long oc = 0; oc < O; oc++)
        for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
            len = tile_run(p, TW, &th, &tw0);
            const float *s = m + oc * 16 + (p - p0);
            float *y0 = y + ((oc * T + t) * H + 2 * th) * W + 2 * tw0, *y1 = y0 + W;
            long j = 0;
            for (; j + 8 <= len; j += 8) {
                v8 a[4][4];
                for (int i = 0; i < 4; i++)
                    for (int e = 0; e < 4; e++) a[i][e] = *(const v8u *)(s + (4 * i + e) * xi + j);
                v8 r0[4], r1[4];
                for (int e = 0; e < 4; e++) {
                    r0[e] = a[0][e] + a[1][e] + a[2][e];
                    r1[e] = a[1][e] - a[2][e] - a[3][e];
                }
                const v8 y00 = r0[0] + r0[1] + r0[2], y01 = r0[1] - r0[2] - r0[3];
                const v8 y10 = r1[0] + r1[1] + r1[2], y11 = r1[1] - r1[2] - r1[3];
                v8 lo0 = __builtin_shufflevector(y00, y01, 0, 8, 1, 9, 2, 10, 3, 11);
                v8 hi0 = __builtin_shufflevector(y00, y01, 4, 12, 5, 13, 6, 14, 7, 15);
                v8 lo1 = __builtin_shufflevector(y10, y11, 0, 8, 1, 9, 2, 10, 3, 11);
                v8 hi1 = __builtin_shufflevector(y10, y11, 4, 12, 5, 13, 6, 14, 7, 15);
                float *d0 = y0 + 2 * j, *d1 = y1 + 2 * j;
                if (accumulate) {
                    lo0 += *(v8u *)d0; hi0 += *(v8u *)(d0 + 8);
                    lo1 += *(v8u *)d1; hi1 += *(v8u *)(d1 + 8);
                }
                *(v8u *)d0 = lo0; *(v8u *)(d0 + 8) = hi0;
                *(v8u *)d1 = lo1; *(v8u *)(d1 + 8) = hi1;
            }
            for (; j < len; j++) {
                float a[4][4];
                for (int i = 0; i < 4; i++)
                    for (int e = 0; e < 4; e++) a[i][e] = s[(4 * i + e) * xi + j];
                float r0[4], r1[4];
                for (int e = 0; e < 4; e++) {
                    r0[e] = a[0][e] + a[1][e] + a[2][e];
                    r1[e] = a[1][e] - a[2][e] - a[3][e];
                }
                const float out[4] = {r0[0] + r0[1] + r0[2], r0[1] - r0[2] - r0[3],
                                      r1[0] + r1[1] + r1[2], r1[1] - r1[2] - r1[3]};
                float *d0 = y0 + 2 * j, *d1 = y1 + 2 * j;
                if (accumulate) { d0[0] += out[0]; d0[1] += out[1]; d1[0] += out[2]; d1[1] += out[3]; }
                else { d0[0] = out[0]; d0[1] = out[1]; d1[0] = out[2]; d1[1] = out[3]; }
            }
        }
}

// Z = A dy Aᵀ for the tiles p0 ..< p0 + 16 of every output plane and channel of dy: [O, T, H, W],
// as z: [16][T, O, 16] (blocks mcn_winograd_stride(T·O·16) apart). The 2×2 gradient (a b; c d)
// of a tile becomes rows (a, b), (a + c, b + d), (a − c, b − d), (−c, −d), each (u, v) then
// (u, u + v, u − v, −v): the transpose of the output transform.
MCN_CLONES
void mcn_winograd_output_gradient(const float *dy, long T, long O, long H, long W, long TW, long p0, float *z) {
    const long xi = mcn_winograd_stride(T * O * 16);
    for (long t = 0; t < T; t++)
        for (long oc = 0; oc < O; oc++)
            for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
                len = tile_run(p, TW, &th, &tw0);
                const float *d0 = dy + ((oc * T + t) * H + 2 * th) * W + 2 * tw0, *d1 = d0 + W;
                float *o = z + (t * O + oc) * 16 + (p - p0);
                long j = 0;
                for (; j + 8 <= len; j += 8) {
                    v8 a, b, c, d;
                    deinterleave8(d0 + 2 * j, &a, &b);
                    deinterleave8(d1 + 2 * j, &c, &d);
                    const v8 u[4] = {a, a + c, a - c, -c}, w[4] = {b, b + d, b - d, -d};
                    for (int i = 0; i < 4; i++) {
                        float *r = o + 4 * i * xi + j;
                        *(v8u *)r = u[i];
                        *(v8u *)(r + xi) = u[i] + w[i];
                        *(v8u *)(r + 2 * xi) = u[i] - w[i];
                        *(v8u *)(r + 3 * xi) = -w[i];
                    }
                }
                for (; j < len; j++) {
                    const float a = d0[2 * j], b = d0[2 * j + 1], c = d1[2 * j], d = d1[2 * j + 1];
                    const float u[4] = {a, a + c, a - c, -c}, w[4] = {b, b + d, b - d, -d};
                    for (int i = 0; i < 4; i++) {
                        float *r = o + 4 * i * xi + j;
                        r[0] = u[i];
                        r[xi] = u[i] + w[i];
                        r[2 * xi] = u[i] - w[i];
                        r[3 * xi] = -w[i];
                    }
                }
            }
}

// G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
static const float wino_g[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};

// G of F(4×4, 3×3) = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]
static const float wino4_g[6][3] = {{0.25f, 0, 0},
                                    {-1.0f / 6, -1.0f / 6, -1.0f / 6},
                                    {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                                    {1.0f / 24, 1.0f / 12, 1.0f / 6},
                                    {1.0f / 24, -1.0f / 12, 1.0f / 6},
                                    {0, 0, 1}};

// U = G g Gᵀ (n×n, n = 4 or 6) for every output channel, temporal tap and input channel, in the
// direct forward kernel's blocks of output channels, or by tap (one block of all O channels).
MCN_CLONES
void mcn_winograd_weights(const float *w, long O, long C, long kt, long tile, int byTap, float *u, float *gf) {
    const long K = kt * C, n = tile + 2, kernels = O * C * kt;
    const float (*g)[3] = tile == 4 ? wino4_g : wino_g;
    // G g of every kernel first, into gf: [n][kernels][3] (kernel j = (o·C + c)·kt + a), then each
    // product's [O, K] slab written in order. Written kernel by kernel, each kernel's n² values went
    // to slabs O·K floats apart (64→64: 48 KB), every store to another line: 0.88 ms a call for
    // 64→64 3×3×3, 0.27 ms this way (one-core harness; 32→32 0.23 → 0.07 ms). The same sums.
    for (long j = 0; j < kernels; j++) {
        const float *f = w + j * 9;
        for (int x = 0; x < n; x++)
            for (int q = 0; q < 3; q++)
                gf[(x * kernels + j) * 3 + q] = g[x][0] * f[q] + g[x][1] * f[3 + q] + g[x][2] * f[6 + q];
    }
    for (int x = 0; x < n; x++)
        for (int e = 0; e < n; e++) {
            float *slab = u + (x * n + e) * O * K;
            const float *gx = gf + x * kernels * 3;
            for (long o0 = 0; o0 < O;) {
                const long ob = byTap ? O : mcn_direct_block(O - o0);
                for (long a = 0; a < kt; a++)
                    for (long c = 0; c < C; c++) {
                        float *out = slab + o0 * K + (a * C + c) * ob;
                        for (long i = 0; i < ob; i++) {
                            const float *h = gx + (((o0 + i) * C + c) * kt + a) * 3;
                            out[i] = h[0] * g[e][0] + h[1] * g[e][1] + h[2] * g[e][2];
                        }
                    }
                o0 += ob;
            }
        }
}

MCN_CLONES
void mcn_winograd_weight_gradient_back(const float *s, long O, long C, long kt, long tile, float *dw) {
    const long K = kt * C, n = tile + 2;
    const float (*g)[3] = tile == 4 ? wino4_g : wino_g;
    for (long o = 0; o < O; o++)
        for (long c = 0; c < C; c++)
            for (long a = 0; a < kt; a++) {
                const long k = a * C + c;
                float sg[6][3];   // S G
                for (int x = 0; x < n; x++)
                    for (int q = 0; q < 3; q++) {
                        float v = 0;
                        for (int e = 0; e < n; e++) v += s[((x * n + e) * O + o) * K + k] * g[e][q];
                        sg[x][q] = v;
                    }
                float *d = dw + ((o * C + c) * kt + a) * 9;
                for (int r = 0; r < 3; r++)
                    for (int q = 0; q < 3; q++) {
                        float v = 0;
                        for (int x = 0; x < n; x++) v += g[x][r] * sg[x][q];
                        d[r * 3 + q] += v;
                    }
            }
}

// Temporal F(2, 3): a 3×1×1 convolution, two output planes from four input planes. The planes
// P0 ... P3 of a pair become d0 = P0 − P2, d1 = P1 + P2, d2 = P2 − P1, d3 = P1 − P3 (positions
// elementwise), each product e is a [O, C] × [C, positions] sum on the direct kernel, and the pair is
// m0 + m1 + m2 and m1 − m2 − m3: 4 multiply-adds per channel pair and two outputs instead of 6.

MCN_CLONES
void mcn_winograd_temporal_weights(const float *w, long O, long C, float *u) {
    for (long o0 = 0; o0 < O;) {
        const long ob = mcn_direct_block(O - o0);
        for (long i = 0; i < ob; i++)
            for (long c = 0; c < C; c++) {
                const float *g = w + ((o0 + i) * C + c) * 3;
                const float t[4] = {g[0], 0.5f * (g[0] + g[1] + g[2]), 0.5f * (g[0] - g[1] + g[2]), g[2]};
                for (int e = 0; e < 4; e++) u[e * O * C + o0 * C + c * ob + i] = t[e];
            }
        o0 += ob;
    }
}

MCN_CLONES
static void temporal_input(const float *const *p, long n, float *d0, float *d1, float *d2, float *d3) {
    const float *p0 = p[0], *p1 = p[1], *p2 = p[2], *p3 = p[3];
    for (long q = 0; q < n; q++) {
        d0[q] = p0[q] - p2[q];
        d1[q] = p1[q] + p2[q];
        d2[q] = p2[q] - p1[q];
        d3[q] = p1[q] - p3[q];
    }
}

// The same of max(p_i·a_i + b_i, 0): a BatchNorm + ReLU applied on the way in (a_i = b_i = 0 on
// the zero planes of the temporal padding, which stay zero).
MCN_CLONES
static void temporal_input_bn(const float *const *p, const float *a, const float *b, long n, float *d0, float *d1,
                              float *d2, float *d3) {
    const float *p0 = p[0], *p1 = p[1], *p2 = p[2], *p3 = p[3];
    for (long q = 0; q < n; q++) {
        const float v0 = bn_relu(p0[q], a[0], b[0]), v1 = bn_relu(p1[q], a[1], b[1]);
        const float v2 = bn_relu(p2[q], a[2], b[2]), v3 = bn_relu(p3[q], a[3], b[3]);
        d0[q] = v0 - v2;
        d1[q] = v1 + v2;
        d2[q] = v2 - v1;
        d3[q] = v1 - v3;
    }
}

MCN_CLONES
static void temporal_output(const float *m0, const float *m1, const float *m2, const float *m3, long n, float *y0,
                            float *y1, int accumulate) {
    if (accumulate) {
        for (long q = 0; q < n; q++) y0[q] += m0[q] + m1[q] + m2[q];
        if (y1) for (long q = 0; q < n; q++) y1[q] += m1[q] - m2[q] - m3[q];
    } else {
        for (long q = 0; q < n; q++) y0[q] = m0[q] + m1[q] + m2[q];
        if (y1) for (long q = 0; q < n; q++) y1[q] = m1[q] - m2[q] - m3[q];
    }
}

void mcn_winograd_temporal_forward_sample(const float *x, long C, long T, long P, long pt, long To, const float *u,
                                          long O, long Qb, const long *off, float *v, float *m, float *y,
                                          int accumulate, const float *scale, const float *shift, double *moments) {
    const long row = mcn_winograd_stride(Qb), vs = mcn_winograd_stride(C * row), ms = mcn_winograd_stride(O * row);
    float *zeros = v + 4 * vs;   // Qb zeros: the temporal padding
    for (long q = 0; q < Qb; q++) zeros[q] = 0;
    for (long t0 = 0; t0 < To; t0 += 2)
        for (long q0 = 0; q0 < P; q0 += Qb) {
            for (long c = 0; c < C; c++) {
                const float *p[4];
                float a[4], b[4];
                for (int i = 0; i < 4; i++) {
                    const long ti = t0 - pt + i;
                    const int pad = ti < 0 || ti >= T;
                    p[i] = pad ? zeros : x + (c * T + ti) * P + q0;
                    a[i] = pad || !scale ? 0 : scale[c];
                    b[i] = pad || !scale ? 0 : shift[c];
                }
                float *d = v + c * row;
                if (scale) temporal_input_bn(p, a, b, Qb, d, d + vs, d + 2 * vs, d + 3 * vs);
                else temporal_input(p, Qb, d, d + vs, d + 2 * vs, d + 3 * vs);
            }
            for (long e = 0; e < 4; e++)
                mcn_direct_conv_forward(v + e * vs, off, C, 0, C, u + e * O * C, O, m + e * ms, row, Qb, 0, C);
            for (long o = 0; o < O; o++) {
                const float *mo = m + o * row;
                float *y0 = y + (o * To + t0) * P + q0;
                temporal_output(mo, mo + ms, mo + 2 * ms, mo + 3 * ms, Qb, y0, t0 + 1 < To ? y0 + P : 0, accumulate);
            }
            if (moments)
                for (long t = t0; t < To && t < t0 + 2; t++)
                    mcn_moments_rows(y + t * P + q0, O, To * P, Qb, y, To * P, moments, 2);
        }
}

// Phases 0 ... 3 of s[0 ..< 32]: p[k][j] = s[4j + k].
static inline void deinterleave8x4(const float *s, v8 p[4]) {
    v8 a0 = *(const v8u *)s, a1 = *(const v8u *)(s + 8), a2 = *(const v8u *)(s + 16), a3 = *(const v8u *)(s + 24);
    v8 e01 = __builtin_shufflevector(a0, a1, 0, 2, 4, 6, 8, 10, 12, 14);
    v8 o01 = __builtin_shufflevector(a0, a1, 1, 3, 5, 7, 9, 11, 13, 15);
    v8 e23 = __builtin_shufflevector(a2, a3, 0, 2, 4, 6, 8, 10, 12, 14);
    v8 o23 = __builtin_shufflevector(a2, a3, 1, 3, 5, 7, 9, 11, 13, 15);
    p[0] = __builtin_shufflevector(e01, e23, 0, 2, 4, 6, 8, 10, 12, 14);
    p[2] = __builtin_shufflevector(e01, e23, 1, 3, 5, 7, 9, 11, 13, 15);
    p[1] = __builtin_shufflevector(o01, o23, 0, 2, 4, 6, 8, 10, 12, 14);
    p[3] = __builtin_shufflevector(o01, o23, 1, 3, 5, 7, 9, 11, 13, 15);
}

// The inverse: s[4j + k] = p[k][j].
static inline void interleave8x4(const v8 p[4], v8 out[4]) {
    v8 e01 = __builtin_shufflevector(p[0], p[2], 0, 8, 1, 9, 2, 10, 3, 11);
    v8 e23 = __builtin_shufflevector(p[0], p[2], 4, 12, 5, 13, 6, 14, 7, 15);
    v8 o01 = __builtin_shufflevector(p[1], p[3], 0, 8, 1, 9, 2, 10, 3, 11);
    v8 o23 = __builtin_shufflevector(p[1], p[3], 4, 12, 5, 13, 6, 14, 7, 15);
    out[0] = __builtin_shufflevector(e01, o01, 0, 8, 1, 9, 2, 10, 3, 11);
    out[1] = __builtin_shufflevector(e01, o01, 4, 12, 5, 13, 6, 14, 7, 15);
    out[2] = __builtin_shufflevector(e23, o23, 0, 8, 1, 9, 2, 10, 3, 11);
    out[3] = __builtin_shufflevector(e23, o23, 4, 12, 5, 13, 6, 14, 7, 15);
}

// The tiles p0 ..< p0 + 16 of every channel and padded plane, as V[ξ (36)][plane][c][16].
// xp: [C, tp, H + 2, W + 2] (planes `plane` floats apart, readable 2 floats past the last row),
// TW = W / 4 tiles a row: 8 or a multiple of 16 (runs of 8 or 16 tiles, 8 a vector).
MCN_CLONES
void mcn_winograd4_input(const float *xp, long C, long tp, long plane, long rowW, long TW, long p0, float *v) {
    const long xi = mcn_winograd_stride(tp * C * 16);
    for (long c = 0; c < C; c++)
        for (long pi = 0; pi < tp; pi++)
            for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
                len = tile_run(p, TW, &th, &tw0);
                const float *row = xp + (c * tp + pi) * plane + 4 * th * rowW + 4 * tw0;
                float *out = v + (pi * C + c) * 16 + (p - p0);
                for (long j = 0; j < len; j += 8) {   // len is 8 or 16
                    // B across each of the six rows (columns 4j ... 4j + 5 of tile j), then Bᵀ down.
                    v8 t[6][6];
                    for (int r = 0; r < 6; r++) {
                        v8 ph[4], nx[4], d[6];
                        deinterleave8x4(row + r * rowW + 4 * j, ph);
                        deinterleave8x4(row + r * rowW + 4 * j + 4, nx);
                        d[0] = ph[0]; d[1] = ph[1]; d[2] = ph[2]; d[3] = ph[3]; d[4] = nx[0]; d[5] = nx[1];
                        BT6(t[r], d);
                    }
                    for (int e = 0; e < 6; e++) {
                        v8 col[6] = {t[0][e], t[1][e], t[2][e], t[3][e], t[4][e], t[5][e]}, o[6];
                        BT6(o, col);
                        for (int i = 0; i < 6; i++) *(v8u *)(out + (i * 6 + e) * xi + j) = o[i];
                    }
                }
            }
}

// Y = Aᵀ M A for the tiles p0 ..< p0 + 16 of output plane t, every channel, from
// m: [36 (ξ)][O][16] (blocks mcn_winograd_stride(O·16) apart), into y: [O, T, H, W].
MCN_CLONES
void mcn_winograd4_output(const float *m, long t, long T, long O, long H, long W, long TW, long p0, float *y,
                          int accumulate) {
    const long xi = mcn_winograd_stride(O * 16);
    for (long oc = 0; oc < O; oc++)
        for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
            len = tile_run(p, TW, &th, &tw0);
            const float *s = m + oc * 16 + (p - p0);
            float *y0 = y + ((oc * T + t) * H + 4 * th) * W + 4 * tw0;
            for (long j = 0; j < len; j += 8) {   // len is 8 or 16
                v8 rows[4][6];
                for (int e = 0; e < 6; e++) {
                    v8 col[6], o[4];
                    for (int i = 0; i < 6; i++) col[i] = *(const v8u *)(s + (i * 6 + e) * xi + j);
                    AT4(o, col);
                    for (int r = 0; r < 4; r++) rows[r][e] = o[r];
                }
                for (int r = 0; r < 4; r++) {
                    v8 q[4], out[4];
                    AT4(q, rows[r]);
                    interleave8x4(q, out);
                    float *d = y0 + r * W + 4 * j;
                    for (int k = 0; k < 4; k++) {
                        if (accumulate) out[k] += *(v8u *)(d + 8 * k);
                        *(v8u *)(d + 8 * k) = out[k];
                    }
                }
            }
        }
}

void mcn_winograd_forward_sample(const float *xp, long C, long tp, long plane, long T, long H, long W, long kt,
                                 long tile, const float *u, long O, const long *off, float *v, float *m, float *y,
                                 int accumulate, double *moments) {
    const long TW = W / tile, tiles = H / tile * TW, K = kt * C, products = (tile + 2) * (tile + 2);
    const long vs = mcn_winograd_stride(tp * C * 16), ms = mcn_winograd_stride(O * 16);
    for (long p0 = 0; p0 < tiles; p0 += 16) {
        if (tile == 4) mcn_winograd4_input(xp, C, tp, plane, W + 2, TW, p0, v);
        else mcn_winograd_input(xp, C, tp, plane, W + 2, TW, p0, v);
        // Plane by plane: its products stay in L1 until transformed back.
        for (long t = 0; t < T; t++) {
            for (long xi = 0; xi < products; xi++)
                mcn_direct_conv_forward(v + xi * vs + t * C * 16, off, K, 0, K, u + xi * O * K, O,
                                        m + xi * ms, 16, 16, 0, K);
            if (tile == 4) mcn_winograd4_output(m, t, T, O, H, W, TW, p0, y, accumulate);
            else mcn_winograd_output(m, t, T, O, H, W, TW, p0, y, accumulate);
            // Group 0 has written each channel's first value (the shift) by now.
            if (moments) group_moments(y, O, t, T, H, W, TW, p0, tile, moments);
        }
    }
}

// Z = A dy Aᵀ (A6) for the tiles p0 ..< p0 + 16 of every output plane: z: [36][T, O, 16].
MCN_CLONES
void mcn_winograd4_output_gradient(const float *dy, long T, long O, long H, long W, long TW, long p0, float *z) {
    const long xi = mcn_winograd_stride(T * O * 16);
    for (long t = 0; t < T; t++)
        for (long oc = 0; oc < O; oc++)
            for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
                len = tile_run(p, TW, &th, &tw0);
                const float *d0 = dy + ((oc * T + t) * H + 4 * th) * W + 4 * tw0;
                float *o = z + (t * O + oc) * 16 + (p - p0);
                for (long j = 0; j < len; j += 8) {   // len is 8 or 16
                    v8 rows[4][6];
                    for (int r = 0; r < 4; r++) {
                        v8 ph[4];
                        deinterleave8x4(d0 + r * W + 4 * j, ph);
                        A6(rows[r], ph);
                    }
                    for (int e = 0; e < 6; e++) {
                        v8 col[4] = {rows[0][e], rows[1][e], rows[2][e], rows[3][e]}, out[6];
                        A6(out, col);
                        for (int i = 0; i < 6; i++) *(v8u *)(o + (i * 6 + e) * xi + j) = out[i];
                    }
                }
            }
}

void mcn_winograd_weight_gradient_sample(const float *xp, const float *dy, long C, long tp, long plane, long T,
                                         long H, long W, long kt, long tile, long O, const long *off, float *v,
                                         float *z, float *s) {
    const long TW = W / tile, tiles = H / tile * TW, K = kt * C, products = (tile + 2) * (tile + 2);
    const long vs = mcn_winograd_stride(tp * C * 16), zs = mcn_winograd_stride(T * O * 16);
    mcn_direct_planes planes = {.planes = T, .q = 16, .inPlane = C * 16, .dyPlane = O * 16, .ldd = 16};
    for (long p0 = 0; p0 < tiles; p0 += 16) {
        if (tile == 4) {
            mcn_winograd4_input(xp, C, tp, plane, W + 2, TW, p0, v);
            mcn_winograd4_output_gradient(dy, T, O, H, W, TW, p0, z);
        } else {
            mcn_winograd_input(xp, C, tp, plane, W + 2, TW, p0, v);
            mcn_winograd_output_gradient(dy, T, O, H, W, TW, p0, z);
        }
        for (long xi = 0; xi < products; xi++)
            mcn_direct_conv_weight_gradient(&planes, v + xi * vs, off, K, z + xi * zs, O, s + xi * O * K);
    }
}

