#include "direct_avx512.h"

// The four register-tile kernels of DirectConv.c with 16-lane vectors, for CPUs with AVX-512F
// (OpenBLAS runs its AVX-512 sgemm there, so the AVX2 kernels ran at half the reference's rate).
// With 32 registers the tiles are larger (the forward's 12 channels, the weight gradient's 4), so
// each row read from L2 feeds more FMAs. Each output element still gets its taps in the order the
// AVX2 kernel gives them, so the forward and the channels-last products and sums give the same
// bits; only the direct weight gradient's lane sums differ (16 partial sums a channel and tap
// instead of 8).

#ifdef MCN_HAVE_AVX512_PATH
#include <immintrin.h>

// Two blocks of output channels (ob 6 or 4, ob2 6, 4 or none; each with its own run of weights)
// by 16·nv positions (nv 1 or 2): per tap nv input loads and ob + ob2 broadcasts, each feeding nv
// FMAs. Two blocks of 6 by two vectors keep 24 sums in 32 registers and read each input row for
// twelve channels (the rows come from L2); one vector serves the last 16 positions of a plane.
__attribute__((target("avx512f"), always_inline))
static inline void forward_tile(const float *base, const long *off, long K, const float *wp, int ob,
                                const float *wp2, int ob2, int nv, float *out, long ldo, int accumulate) {
    __m512 c[12][2];
    const int rows = ob + ob2;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < nv; j++)
            c[i][j] = accumulate ? _mm512_loadu_ps(out + i * ldo + 16 * j) : _mm512_setzero_ps();
    for (long k = 0; k < K; k++) {
        const float *p = base + off[k];
        const __m512 x0 = _mm512_loadu_ps(p), x1 = nv > 1 ? _mm512_loadu_ps(p + 16) : x0;
        for (int i = 0; i < rows; i++) {
            const __m512 w = _mm512_set1_ps(i < ob ? wp[ob * k + i] : wp2[ob2 * k + i - ob]);
            c[i][0] = _mm512_fmadd_ps(w, x0, c[i][0]);
            if (nv > 1) c[i][1] = _mm512_fmadd_ps(w, x1, c[i][1]);
        }
    }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < nv; j++) _mm512_storeu_ps(out + i * ldo + 16 * j, c[i][j]);
}

// The blocks of output channels two at a time (the last alone when their count is odd).
__attribute__((target("avx512f"), always_inline))
static inline void forward_positions(const float *in, const long *off, long kc, long woff, long ldw, const float *w,
                                     long O, float *out, long ldo, int nv, int acc) {
    for (long o = 0; o < O;) {
        const long ob = mcn_direct_block(O - o);
        const long o2 = o + ob;
        const long ob2 = o2 < O ? mcn_direct_block(O - o2) : 0;
        const float *wp = w + o * ldw + ob * woff, *wp2 = w + o2 * ldw + ob2 * woff;
        float *y = out + o * ldo;
        if (ob == 6 && ob2 == 6) forward_tile(in, off, kc, wp, 6, wp2, 6, nv, y, ldo, acc);
        else if (ob == 6 && ob2 == 4) forward_tile(in, off, kc, wp, 6, wp2, 4, nv, y, ldo, acc);
        else if (ob == 4 && ob2 == 4) forward_tile(in, off, kc, wp, 4, wp2, 4, nv, y, ldo, acc);
        else if (ob == 6) forward_tile(in, off, kc, wp, 6, wp2, 0, nv, y, ldo, acc);
        else forward_tile(in, off, kc, wp, 4, wp2, 0, nv, y, ldo, acc);
        o = o2 + ob2;
    }
}

__attribute__((target("avx512f")))
void mcn_forward_avx512(const float *in, const long *off, long K, long k0, long ldw, const float *w, long O,
                        float *out, long ldo, long Q, int accumulate, long chunk) {
    for (long c0 = 0; c0 < K; c0 += chunk) {
        const long kc = K - c0 < chunk ? K - c0 : chunk;
        const int acc = accumulate || c0 > 0;
        for (long q = 0; q < Q;) {
            if (Q - q >= 32) forward_positions(in + q, off + c0, kc, k0 + c0, ldw, w, O, out + q, ldo, 2, acc);
            else forward_positions(in + q, off + c0, kc, k0 + c0, ldw, w, O, out + q, ldo, 1, acc);
            q += Q - q >= 32 ? 32 : 16;
        }
    }
}

// `ob` (2 or 4) output channels by `kb` (1–6) taps: ob·kb sums over the positions of every plane,
// 16 at a time (the last 8 of a plane whose length is an odd multiple of 8 under a mask). Four
// channels (24 sums in 32 registers) load ten rows a step for 24 FMAs where two loaded eight for
// 12: the rows come from L2 (a sample's planes are ~1 MB), and that traffic is what limits it.
__attribute__((target("avx512f"), always_inline))
static inline void wgrad_tile(const mcn_direct_planes *p, const float *in, const long *off, const float *dy,
                              int ob, int kb, float *dw, long K) {
    __m512 acc[4][6];
    for (int i = 0; i < ob; i++)
        for (int j = 0; j < kb; j++) acc[i][j] = _mm512_setzero_ps();
    const long full = p->q & ~15L;
    const __mmask16 tail = (__mmask16)((1u << (p->q - full)) - 1);
    for (long t = 0; t < p->planes; t++) {
        const float *x[6], *d = dy + t * p->dyPlane;
        for (int j = 0; j < kb; j++) x[j] = in + t * p->inPlane + off[j];
        for (long q = 0; q < full; q += 16) {
            __m512 g[4];
            for (int i = 0; i < ob; i++) g[i] = _mm512_loadu_ps(d + i * p->ldd + q);
            for (int j = 0; j < kb; j++) {
                const __m512 v = _mm512_loadu_ps(x[j] + q);
                for (int i = 0; i < ob; i++) acc[i][j] = _mm512_fmadd_ps(g[i], v, acc[i][j]);
            }
        }
        if (tail) {
            __m512 g[4];
            for (int i = 0; i < ob; i++) g[i] = _mm512_maskz_loadu_ps(tail, d + i * p->ldd + full);
            for (int j = 0; j < kb; j++) {
                const __m512 v = _mm512_maskz_loadu_ps(tail, x[j] + full);
                for (int i = 0; i < ob; i++) acc[i][j] = _mm512_fmadd_ps(g[i], v, acc[i][j]);
            }
        }
    }
    for (int i = 0; i < ob; i++)
        for (int j = 0; j < kb; j++) dw[i * K + j] += _mm512_reduce_add_ps(acc[i][j]);
}

// One run of output channels (2 or 4) over all taps, six at a time.
__attribute__((target("avx512f"), always_inline))
static inline void wgrad_channels(const mcn_direct_planes *p, const float *in, const long *off, long K,
                                  const float *d, int ob, float *dwo) {
    long k = 0;
    for (; k + 6 <= K; k += 6) wgrad_tile(p, in, off + k, d, ob, 6, dwo + k, K);
    switch (K - k) {
    case 5: wgrad_tile(p, in, off + k, d, ob, 5, dwo + k, K); break;
    case 4: wgrad_tile(p, in, off + k, d, ob, 4, dwo + k, K); break;
    case 3: wgrad_tile(p, in, off + k, d, ob, 3, dwo + k, K); break;
    case 2: wgrad_tile(p, in, off + k, d, ob, 2, dwo + k, K); break;
    case 1: wgrad_tile(p, in, off + k, d, ob, 1, dwo + k, K); break;
    default: break;
    }
}

__attribute__((target("avx512f")))
void mcn_wgrad_avx512(const mcn_direct_planes *p, const float *in, const long *off, long K, const float *dy, long O,
                      float *dw) {
    long o = 0;
    for (; o + 4 <= O; o += 4) wgrad_channels(p, in, off, K, dy + o * p->ldd, 4, dw + o * K);
    for (; o < O; o += 2) wgrad_channels(p, in, off, K, dy + o * p->ldd, 2, dw + o * K);
}

// `nt` (≤ 12) tiles by 16 output channels, one vector a tile: per tap one load of the weights' row
// and nt broadcasts of the tiles' values. Twelve tiles keep 12 sums in flight.
__attribute__((target("avx512f"), always_inline))
static inline void products_cl_tile(const float *v, long ldt, const long *koff, long K, const float *u, long O,
                                    float *m, int nt) {
    __m512 c[12];
    for (int i = 0; i < nt; i++) c[i] = _mm512_setzero_ps();
    for (long k = 0; k < K; k++) {
        const __m512 w = _mm512_loadu_ps(u + k * O);
        const float *x = v + koff[k];
        for (int i = 0; i < nt; i++) c[i] = _mm512_fmadd_ps(_mm512_set1_ps(x[i * ldt]), w, c[i]);
    }
    for (int i = 0; i < nt; i++) _mm512_storeu_ps(m + i * O, c[i]);
}

__attribute__((target("avx512f")))
void mcn_products_cl_avx512(const float *v, long ldt, const long *koff, long K, const float *u, long O, float *m,
                            long tiles) {
    for (long o = 0; o < O; o += 16)
        for (long i0 = 0; i0 < tiles;) {
            const long nt = tiles - i0 < 12 ? tiles - i0 : 12;
            const float *vi = v + i0 * ldt;
            float *mi = m + i0 * O + o;
            switch (nt) {
            case 12: products_cl_tile(vi, ldt, koff, K, u + o, O, mi, 12); break;
            case 8: products_cl_tile(vi, ldt, koff, K, u + o, O, mi, 8); break;
            case 6: products_cl_tile(vi, ldt, koff, K, u + o, O, mi, 6); break;
            case 4: products_cl_tile(vi, ldt, koff, K, u + o, O, mi, 4); break;
            default:
                for (long i = 0; i < nt; i++) products_cl_tile(vi + i * ldt, ldt, koff, K, u + o, O, mi + i * O, 1);
                break;
            }
            i0 += nt;
        }
}

// `kb` (≤ 12) taps by 16 output channels of s, one vector a tap: per tile one load of z's row and
// kb broadcasts of the tile's values; the call's sum starts from zero and is then added to s (as
// the AVX2 kernel's, for the same reason).
__attribute__((target("avx512f"), always_inline))
static inline void wgrad_cl_tile(const float *v, long ldt, const long *koff, const float *z, long O, float *s,
                                 long tiles, int kb) {
    __m512 c[12];
    for (int j = 0; j < kb; j++) c[j] = _mm512_setzero_ps();
    for (long i = 0; i < tiles; i++) {
        const __m512 g = _mm512_loadu_ps(z + i * O);
        const float *t = v + i * ldt;
        for (int j = 0; j < kb; j++) c[j] = _mm512_fmadd_ps(_mm512_set1_ps(t[koff[j]]), g, c[j]);
    }
    for (int j = 0; j < kb; j++) _mm512_storeu_ps(s + j * O, _mm512_add_ps(_mm512_loadu_ps(s + j * O), c[j]));
}

__attribute__((target("avx512f")))
void mcn_wgrad_cl_avx512(const float *v, long ldt, const long *koff, long K, const float *z, long O, float *s,
                         long tiles) {
    for (long o = 0; o < O; o += 16)
        for (long k = 0; k < K; k += 12) {
            const float *zo = z + o;
            float *so = s + k * O + o;
            // K = kt·C: 16 and 32 channels leave runs of 4 and 8.
            switch (K - k < 12 ? K - k : 12) {
            case 12: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 12); break;
            case 11: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 11); break;
            case 10: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 10); break;
            case 9: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 9); break;
            case 8: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 8); break;
            case 7: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 7); break;
            case 6: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 6); break;
            case 5: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 5); break;
            case 4: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 4); break;
            case 3: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 3); break;
            case 2: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 2); break;
            default: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 1); break;
            }
        }
}
#endif
