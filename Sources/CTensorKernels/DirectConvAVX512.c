#include "direct_avx512.h"

// The four register-tile kernels of DirectConv.c with 16-lane vectors, for CPUs with AVX-512F
// (OpenBLAS runs its AVX-512 sgemm there, so the AVX2 kernels ran at half the reference's rate).
// Same tiles, same order of sums: each output element gets its taps in the order the AVX2 kernel
// gives them, so the forward and the channels-last products and sums give the same bits. Only the
// direct weight gradient's lane sums differ (16 partial sums a channel and tap instead of 8).

#ifdef MCN_HAVE_AVX512_PATH
#include <immintrin.h>

// `ob` (4 or 6) output channels by 16·nv positions (nv 1 or 2): per tap nv input loads and ob
// broadcasts, each feeding nv FMAs. Two vectors keep 12 sums in flight, enough to cover the FMA
// latency; one vector (6 sums) serves the last 16 positions of a plane.
__attribute__((target("avx512f"), always_inline))
static inline void forward_tile(const float *base, const long *off, long K, const float *wp, int ob, int nv,
                                float *out, long ldo, int accumulate) {
    __m512 c[6][2];
    for (int i = 0; i < ob; i++)
        for (int j = 0; j < nv; j++)
            c[i][j] = accumulate ? _mm512_loadu_ps(out + i * ldo + 16 * j) : _mm512_setzero_ps();
    for (long k = 0; k < K; k++) {
        const float *p = base + off[k];
        const __m512 x0 = _mm512_loadu_ps(p), x1 = nv > 1 ? _mm512_loadu_ps(p + 16) : x0;
        for (int i = 0; i < ob; i++) {
            const __m512 w = _mm512_set1_ps(wp[ob * k + i]);
            c[i][0] = _mm512_fmadd_ps(w, x0, c[i][0]);
            if (nv > 1) c[i][1] = _mm512_fmadd_ps(w, x1, c[i][1]);
        }
    }
    for (int i = 0; i < ob; i++)
        for (int j = 0; j < nv; j++) _mm512_storeu_ps(out + i * ldo + 16 * j, c[i][j]);
}

__attribute__((target("avx512f")))
void mcn_forward_avx512(const float *in, const long *off, long K, long k0, long ldw, const float *w, long O,
                        float *out, long ldo, long Q, int accumulate, long chunk) {
    for (long c0 = 0; c0 < K; c0 += chunk) {
        const long kc = K - c0 < chunk ? K - c0 : chunk;
        const int acc = accumulate || c0 > 0;
        for (long q = 0; q < Q;) {
            const int nv = Q - q >= 32 ? 2 : 1;
            for (long o = 0; o < O;) {
                const long ob = mcn_direct_block(O - o);
                const float *wp = w + o * ldw + ob * (k0 + c0);
                float *y = out + o * ldo + q;
                if (ob == 6 && nv == 2) forward_tile(in + q, off + c0, kc, wp, 6, 2, y, ldo, acc);
                else if (ob == 6) forward_tile(in + q, off + c0, kc, wp, 6, 1, y, ldo, acc);
                else if (nv == 2) forward_tile(in + q, off + c0, kc, wp, 4, 2, y, ldo, acc);
                else forward_tile(in + q, off + c0, kc, wp, 4, 1, y, ldo, acc);
                o += ob;
            }
            q += 16 * nv;
        }
    }
}

// Two output channels by `kb` (1–6) taps: 2·kb sums over the positions of every plane, 16 at a
// time (the last 8 of a plane whose length is an odd multiple of 8 under a mask).
__attribute__((target("avx512f"), always_inline))
static inline void wgrad_tile(const mcn_direct_planes *p, const float *in, const long *off, const float *dy,
                              int kb, float *dw, long K) {
    __m512 acc[2][6];
    for (int j = 0; j < kb; j++) acc[0][j] = acc[1][j] = _mm512_setzero_ps();
    const long full = p->q & ~15L;
    const __mmask16 tail = (__mmask16)((1u << (p->q - full)) - 1);
    for (long t = 0; t < p->planes; t++) {
        const float *x[6], *d0 = dy + t * p->dyPlane, *d1 = d0 + p->ldd;
        for (int j = 0; j < kb; j++) x[j] = in + t * p->inPlane + off[j];
        for (long q = 0; q < full; q += 16) {
            const __m512 g0 = _mm512_loadu_ps(d0 + q), g1 = _mm512_loadu_ps(d1 + q);
            for (int j = 0; j < kb; j++) {
                const __m512 v = _mm512_loadu_ps(x[j] + q);
                acc[0][j] = _mm512_fmadd_ps(g0, v, acc[0][j]);
                acc[1][j] = _mm512_fmadd_ps(g1, v, acc[1][j]);
            }
        }
        if (tail) {
            const __m512 g0 = _mm512_maskz_loadu_ps(tail, d0 + full), g1 = _mm512_maskz_loadu_ps(tail, d1 + full);
            for (int j = 0; j < kb; j++) {
                const __m512 v = _mm512_maskz_loadu_ps(tail, x[j] + full);
                acc[0][j] = _mm512_fmadd_ps(g0, v, acc[0][j]);
                acc[1][j] = _mm512_fmadd_ps(g1, v, acc[1][j]);
            }
        }
    }
    for (int j = 0; j < kb; j++) {
        dw[j] += _mm512_reduce_add_ps(acc[0][j]);
        dw[K + j] += _mm512_reduce_add_ps(acc[1][j]);
    }
}

__attribute__((target("avx512f")))
void mcn_wgrad_avx512(const mcn_direct_planes *p, const float *in, const long *off, long K, const float *dy, long O,
                      float *dw) {
    for (long o = 0; o < O; o += 2) {
        const float *d = dy + o * p->ldd;
        float *dwo = dw + o * K;
        long k = 0;
        for (; k + 6 <= K; k += 6) wgrad_tile(p, in, off + k, d, 6, dwo + k, K);
        switch (K - k) {
        case 5: wgrad_tile(p, in, off + k, d, 5, dwo + k, K); break;
        case 4: wgrad_tile(p, in, off + k, d, 4, dwo + k, K); break;
        case 3: wgrad_tile(p, in, off + k, d, 3, dwo + k, K); break;
        case 2: wgrad_tile(p, in, off + k, d, 2, dwo + k, K); break;
        case 1: wgrad_tile(p, in, off + k, d, 1, dwo + k, K); break;
        default: break;
        }
    }
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
            switch (K - k < 12 ? K - k : 12) {
            case 12: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 12); break;
            case 9: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 9); break;
            case 6: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 6); break;
            case 3: wgrad_cl_tile(v, ldt, koff + k, zo, O, so, tiles, 3); break;
            default:
                for (long j = k; j < K; j++) wgrad_cl_tile(v, ldt, koff + j, zo, O, s + j * O + o, tiles, 1);
                break;
            }
        }
}
#endif
