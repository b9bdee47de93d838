#include "CTensorKernels.h"
#include "clones.h"
#include "rows.h"
#include "direct_avx512.h"
#include <assert.h>
#include <stdlib.h>

// Direct convolution over a padded copy of one sample (see DirectConv.swift for the layout): an
// output plane is one run of Q positions q = h·wp + w (the columns w ≥ wo are thrown away), and tap
// k reads the input at q + off[k]. No vol2col matrix and no packing: the kernel keeps a tile of
// 6 (or 4) output channels by 16 positions in AVX2 registers and streams the taps past it. On one
// core it measured 81–84 GFLOP/s on 16–40 channels, level with OpenBLAS's sgemm of 1024³ on this
// machine (74–84). On x86-64 without AVX2+FMA (and
// elsewhere) the same sums run as plain loops.

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define MCN_HAVE_AVX2_PATH 1
#endif

long mcn_direct_block(long remaining) {
    return remaining == 4 || remaining == 8 ? 4 : 6;
}

static void forward_generic(const float *in, const long *off, long K, long k0, long ldw, const float *w,
                            long O, float *out, long ldo, long Q, int accumulate) {
    for (long o0 = 0; o0 < O;) {
        const long ob = mcn_direct_block(O - o0);
        for (long i = 0; i < ob; i++)
            for (long q = 0; q < Q; q++) {
                float s = 0;
                for (long k = 0; k < K; k++) s += w[o0 * ldw + (k0 + k) * ob + i] * in[q + off[k]];
                float *y = out + (o0 + i) * ldo + q;
                *y = accumulate ? *y + s : s;
            }
        o0 += ob;
    }
}

static void wgrad_generic(const mcn_direct_planes *p, const float *in, const long *off, long K,
                          const float *dy, long O, float *dw) {
    for (long o = 0; o < O; o++)
        for (long k = 0; k < K; k++) {
            float s = 0;
            for (long t = 0; t < p->planes; t++)
                for (long q = 0; q < p->q; q++) s += dy[o * p->ldd + t * p->dyPlane + q] * in[t * p->inPlane + q + off[k]];
            dw[o * K + k] += s;
        }
}

static void products_cl_generic(const float *v, long ldt, const long *koff, long K, const float *u, long O,
                                float *m, long tiles) {
    for (long i = 0; i < tiles; i++)
        for (long o = 0; o < O; o++) {
            float s = 0;
            for (long k = 0; k < K; k++) s += v[i * ldt + koff[k]] * u[k * O + o];
            m[i * O + o] = s;
        }
}

static void wgrad_cl_generic(const float *v, long ldt, const long *koff, long K, const float *z, long O, float *s,
                             long tiles) {
    for (long k = 0; k < K; k++)
        for (long o = 0; o < O; o++) {
            float acc = 0;
            for (long i = 0; i < tiles; i++) acc += v[i * ldt + koff[k]] * z[i * O + o];
            s[k * O + o] += acc;
        }
}

#ifdef MCN_HAVE_AVX2_PATH
// `ob` (4 or 6) output channels by 16 positions: 2·ob accumulators; per tap two input loads and
// ob broadcasts, each feeding two FMAs. Interleaved in one harness on 16–40 channels, one core:
// 6×2 83–84 GFLOP/s, 4×2 75–82, 8×1 (one load, eight broadcasts a tap) 64–71; tiles of 12
// accumulators and 3–4 position vectors spilled registers (3× slower).
__attribute__((target("avx2,fma"), always_inline))
static inline void forward_tile(const float *base, const long *off, long K, const float *wp, int ob,
                                float *out, long ldo, int accumulate) {
    __m256 c[6][2];
    for (int i = 0; i < ob; i++)
        for (int j = 0; j < 2; j++)
            c[i][j] = accumulate ? _mm256_loadu_ps(out + i * ldo + 8 * j) : _mm256_setzero_ps();
    for (long k = 0; k < K; k++) {
        const float *p = base + off[k];
        __m256 x0 = _mm256_loadu_ps(p), x1 = _mm256_loadu_ps(p + 8);
        for (int i = 0; i < ob; i++) {
            __m256 w = _mm256_broadcast_ss(wp + ob * k + i);
            c[i][0] = _mm256_fmadd_ps(w, x0, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(w, x1, c[i][1]);
        }
    }
    for (int i = 0; i < ob; i++)
        for (int j = 0; j < 2; j++) _mm256_storeu_ps(out + i * ldo + 8 * j, c[i][j]);
}

// The taps go in chunks (about 128: 4 channels of a 3×3×3 kernel), each over the whole plane: a
// chunk's input rows and weights then stay near the core while the tiles move along the plane.
__attribute__((target("avx2,fma")))
static void forward_avx2(const float *in, const long *off, long K, long k0, long ldw, const float *w,
                         long O, float *out, long ldo, long Q, int accumulate, long chunk) {
    for (long c0 = 0; c0 < K; c0 += chunk) {
        const long kc = K - c0 < chunk ? K - c0 : chunk;
        const int acc = accumulate || c0 > 0;
        for (long q = 0; q < Q; q += MCN_DIRECT_TILE)
            for (long o = 0; o < O;) {
                const long ob = mcn_direct_block(O - o);
                const float *wp = w + o * ldw + ob * (k0 + c0);
                if (ob == 6) forward_tile(in + q, off + c0, kc, wp, 6, out + o * ldo + q, ldo, acc);
                else forward_tile(in + q, off + c0, kc, wp, 4, out + o * ldo + q, ldo, acc);
                o += ob;
            }
    }
}

__attribute__((target("avx2,fma"), always_inline))
static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Two output channels by `kb` (1–6) taps: 2·kb vector sums over the positions of every plane,
// summed across lanes once at the end.
__attribute__((target("avx2,fma"), always_inline))
static inline void wgrad_tile(const mcn_direct_planes *p, const float *in, const long *off,
                              const float *dy, int kb, float *dw, long K) {
    __m256 acc[2][6];
    for (int j = 0; j < kb; j++) acc[0][j] = acc[1][j] = _mm256_setzero_ps();
    for (long t = 0; t < p->planes; t++) {
        const float *x[6], *d0 = dy + t * p->dyPlane, *d1 = d0 + p->ldd;
        for (int j = 0; j < kb; j++) x[j] = in + t * p->inPlane + off[j];
        for (long q = 0; q < p->q; q += 8) {
            __m256 g0 = _mm256_loadu_ps(d0 + q), g1 = _mm256_loadu_ps(d1 + q);
            for (int j = 0; j < kb; j++) {
                __m256 v = _mm256_loadu_ps(x[j] + q);
                acc[0][j] = _mm256_fmadd_ps(g0, v, acc[0][j]);
                acc[1][j] = _mm256_fmadd_ps(g1, v, acc[1][j]);
            }
        }
    }
    for (int j = 0; j < kb; j++) { dw[j] += hsum(acc[0][j]); dw[K + j] += hsum(acc[1][j]); }
}

// Tiles of 2 channels × 6 taps. Interleaved in one harness (16 and 32 channels, one core): 2×6
// 66–82 GFLOP/s, 3×4 65–84 (but O is rarely a multiple of 3), 3×3 55–80, 2×4 58–73, 4×2 49–67;
// 4×3 (16 registers of sums and gradients) spilled, 35–37.
__attribute__((target("avx2,fma")))
static void wgrad_avx2(const mcn_direct_planes *p, const float *in, const long *off, long K,
                       const float *dy, long O, float *dw) {
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

// `nt` (6 or 4) tiles by 16 output channels (2·nt accumulators): per tap two loads of the weights'
// row and nt broadcasts of the tiles' values, each feeding two FMAs; the taps in order, from zero, as
// the forward kernel sums them. One-core harness (16 channels): 6 tiles a block 1.1–1.2× 4.
__attribute__((target("avx2,fma"), always_inline))
static inline void products_cl_tile(const float *v, long ldt, const long *koff, long K, const float *u, long O,
                                    float *m, int nt) {
    __m256 c[6][2];
    for (int i = 0; i < nt; i++) c[i][0] = c[i][1] = _mm256_setzero_ps();
    for (long k = 0; k < K; k++) {
        const __m256 w0 = _mm256_loadu_ps(u + k * O), w1 = _mm256_loadu_ps(u + k * O + 8);
        const float *x = v + koff[k];
        for (int i = 0; i < nt; i++) {
            const __m256 b = _mm256_broadcast_ss(x + i * ldt);
            c[i][0] = _mm256_fmadd_ps(b, w0, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(b, w1, c[i][1]);
        }
    }
    for (int i = 0; i < nt; i++) {
        _mm256_storeu_ps(m + i * O, c[i][0]);
        _mm256_storeu_ps(m + i * O + 8, c[i][1]);
    }
}

__attribute__((target("avx2,fma")))
static void products_cl_avx2(const float *v, long ldt, const long *koff, long K, const float *u, long O, float *m,
                             long tiles) {
    for (long o = 0; o < O; o += 16)
        for (long i0 = 0; i0 < tiles;) {
            const long nt = mcn_direct_block(tiles - i0);
            if (nt == 6) products_cl_tile(v + i0 * ldt, ldt, koff, K, u + o, O, m + i0 * O + o, 6);
            else products_cl_tile(v + i0 * ldt, ldt, koff, K, u + o, O, m + i0 * O + o, 4);
            i0 += nt;
        }
}

// `kb` (≤ 6) taps by 16 output channels of s (2·kb accumulators): per tile two loads of z's row and
// kb broadcasts of the tile's values. The call's sum starts from zero and is then added to s:
// running the sums of a whole sample through s lost three digits against the six loops (the
// transformed values are large and cancel), as the by-channel kernel's partial sums do not.
__attribute__((target("avx2,fma"), always_inline))
static inline void wgrad_cl_tile(const float *v, long ldt, const long *koff, const float *z, long O, float *s,
                                 long tiles, int kb) {
    __m256 c[6][2];
    for (int j = 0; j < kb; j++) c[j][0] = c[j][1] = _mm256_setzero_ps();
    for (long i = 0; i < tiles; i++) {
        const __m256 g0 = _mm256_loadu_ps(z + i * O), g1 = _mm256_loadu_ps(z + i * O + 8);
        const float *t = v + i * ldt;
        for (int j = 0; j < kb; j++) {
            const __m256 b = _mm256_broadcast_ss(t + koff[j]);
            c[j][0] = _mm256_fmadd_ps(b, g0, c[j][0]);
            c[j][1] = _mm256_fmadd_ps(b, g1, c[j][1]);
        }
    }
    for (int j = 0; j < kb; j++) {
        _mm256_storeu_ps(s + j * O, _mm256_add_ps(_mm256_loadu_ps(s + j * O), c[j][0]));
        _mm256_storeu_ps(s + j * O + 8, _mm256_add_ps(_mm256_loadu_ps(s + j * O + 8), c[j][1]));
    }
}

__attribute__((target("avx2,fma")))
static void wgrad_cl_avx2(const float *v, long ldt, const long *koff, long K, const float *z, long O, float *s,
                          long tiles) {
    for (long o = 0; o < O; o += 16)
        for (long k = 0; k < K; k += 6) {
            switch (K - k < 6 ? K - k : 6) {
            case 6: wgrad_cl_tile(v, ldt, koff + k, z + o, O, s + k * O + o, tiles, 6); break;
            case 5: wgrad_cl_tile(v, ldt, koff + k, z + o, O, s + k * O + o, tiles, 5); break;
            case 4: wgrad_cl_tile(v, ldt, koff + k, z + o, O, s + k * O + o, tiles, 4); break;
            case 3: wgrad_cl_tile(v, ldt, koff + k, z + o, O, s + k * O + o, tiles, 3); break;
            case 2: wgrad_cl_tile(v, ldt, koff + k, z + o, O, s + k * O + o, tiles, 2); break;
            default: wgrad_cl_tile(v, ldt, koff + k, z + o, O, s + k * O + o, tiles, 1); break;
            }
        }
}

static int force_generic = 0;
// 1: the AVX-512 tiles (DirectConvAVX512.c) where the CPU has AVX-512F, the default; 0: AVX2's
// (MCN_AVX512=0, or mcn_set_wide_vectors); -1: not decided yet.
static int wide_vectors = -1;

// __builtin_cpu_supports reads the CPU features gathered once at start-up (a load and a test).
static int have_avx2(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
        && !__atomic_load_n(&force_generic, __ATOMIC_RELAXED);
}

int mcn_cpu_has_avx512(void) { return __builtin_cpu_supports("avx512f"); }

static int have_avx512(void) {
    int w = __atomic_load_n(&wide_vectors, __ATOMIC_RELAXED);
    if (w < 0) {
        // First use: the environment's choice, unless mcn_set_wide_vectors got there first.
        const char *e = getenv("MCN_AVX512");
        int expected = -1;
        const int chosen = !(e && e[0] == '0' && e[1] == 0);
        w = __atomic_compare_exchange_n(&wide_vectors, &expected, chosen, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)
            ? chosen : expected;
    }
    return w && have_avx2() && mcn_cpu_has_avx512();
}
#else
int mcn_cpu_has_avx512(void) { return 0; }
#endif

void mcn_direct_conv_force_generic(int on) {
#ifdef MCN_HAVE_AVX2_PATH
    __atomic_store_n(&force_generic, on, __ATOMIC_RELAXED);
#else
    (void)on;
#endif
}

void mcn_set_wide_vectors(int on) {
#ifdef MCN_HAVE_AVX2_PATH
    __atomic_store_n(&wide_vectors, on, __ATOMIC_RELAXED);
#else
    (void)on;
#endif
}

int mcn_wide_vectors(void) {
#ifdef MCN_HAVE_AVX2_PATH
    return have_avx512();
#else
    return 0;
#endif
}

// The AVX-512 tiles accept more than the AVX2 ones (any Q of the weight gradient, any tile count of
// the products): the asserts hold callers to the header's contract on every machine, so a call that
// would overrun the AVX2 tiles fails the tests on an AVX-512 machine too.
void mcn_direct_conv_forward(const float *in, const long *off, long K, long k0, long ldw, const float *w,
                             long O, float *out, long ldo, long Q, int accumulate, long chunk) {
    assert(Q % MCN_DIRECT_TILE == 0 && O % 4 == 0);
#ifdef MCN_HAVE_AVX2_PATH
    if (have_avx512()) {
        mcn_forward_avx512(in, off, K, k0, ldw, w, O, out, ldo, Q, accumulate, chunk > 0 ? chunk : K);
        return;
    }
    if (have_avx2()) {
        forward_avx2(in, off, K, k0, ldw, w, O, out, ldo, Q, accumulate, chunk > 0 ? chunk : K);
        return;
    }
#endif
    forward_generic(in, off, K, k0, ldw, w, O, out, ldo, Q, accumulate);
}

void mcn_direct_conv_weight_gradient(const mcn_direct_planes *planes, const float *in, const long *off, long K,
                                     const float *dy, long O, float *dw) {
    assert(planes->q % 8 == 0 && O % 2 == 0);
#ifdef MCN_HAVE_AVX2_PATH
    if (have_avx512()) { mcn_wgrad_avx512(planes, in, off, K, dy, O, dw); return; }
    if (have_avx2()) { wgrad_avx2(planes, in, off, K, dy, O, dw); return; }
#endif
    wgrad_generic(planes, in, off, K, dy, O, dw);
}

void mcn_products_cl(const float *v, long ldt, const long *koff, long K, const float *u, long O, float *m,
                     long tiles) {
    assert(tiles % 2 == 0 && tiles >= 4 && O % 16 == 0);
#ifdef MCN_HAVE_AVX2_PATH
    if (have_avx512()) { mcn_products_cl_avx512(v, ldt, koff, K, u, O, m, tiles); return; }
    if (have_avx2()) { products_cl_avx2(v, ldt, koff, K, u, O, m, tiles); return; }
#endif
    products_cl_generic(v, ldt, koff, K, u, O, m, tiles);
}

void mcn_wgrad_cl(const float *v, long ldt, const long *koff, long K, const float *z, long O, float *s, long tiles) {
    assert(O % 16 == 0);
#ifdef MCN_HAVE_AVX2_PATH
    if (have_avx512()) { mcn_wgrad_cl_avx512(v, ldt, koff, K, z, O, s, tiles); return; }
    if (have_avx2()) { wgrad_cl_avx2(v, ldt, koff, K, z, O, s, tiles); return; }
#endif
    wgrad_cl_generic(v, ldt, koff, K, z, O, s, tiles);
}

MCN_CLONES
void mcn_pad_sample(const float *x, long c, long t, long h, long w, long pt, long ph, long pw,
                    long sh, long sw, long plane, float *out, long slack, const float *scale, const float *shift) {
    const long tp = t + 2 * pt;
    const long hs = (h + 2 * ph + sh - 1) / sh, ws = (w + 2 * pw + sw - 1) / sw;
    float *o = out;
    for (long ci = 0; ci < c; ci++)
        for (long py = 0; py < sh; py++)
            for (long px = 0; px < sw; px++) {
                // Columns i with 0 <= i·sw + px − pw < w come from the row, the rest are 0 (worked out
                // once per phase: two divisions a row took more time than the row's copy).
                long lo = floor_div(pw - px + sw - 1, sw), hiCol = floor_div(w - 1 + pw - px, sw) + 1;
                if (lo < 0) lo = 0;
                if (hiCol > ws) hiCol = ws;
                if (hiCol < lo) hiCol = lo;
                for (long ti = 0; ti < tp; ti++) {
                    const long ts = ti - pt;
                    for (long r = 0; r < hs; r++, o += ws) {
                        const long hi = r * sh + py - ph;
                        if (ts < 0 || ts >= t || hi < 0 || hi >= h) {
                            zero_row(o, ws);
                            continue;
                        }
                        // BatchNorm + ReLU on the values as they are copied (the padding stays zero): a
                        // copy and then a pass over the row in place read 1.5× (from memory) to 2.2× (from
                        // cache) slower for R(2+1)D's 1×3×3 16→16 (one-core harness).
                        gather_row_bn(o, x + ((ci * t + ts) * h + hi) * w, px - pw, ws, lo, hiCol, sw, scale != 0,
                                      scale ? scale[ci] : 0, scale ? shift[ci] : 0);
                    }
                    zero_row(o, plane - hs * ws);
                    o += plane - hs * ws;
                }
            }
    for (long i = 0; i < slack; i++) o[i] = 0;
}

MCN_CLONES
void mcn_rows_to_padded(const float *src, long lds, long rows, long ho, long wo, long wp, long q,
                        float *dst, long ldd) {
    for (long r = 0; r < rows; r++) {
        const float *s = src + r * lds;
        float *d = dst + r * ldd;
        for (long hi = 0; hi < ho; hi++) {
            for (long i = 0; i < wo; i++) d[hi * wp + i] = s[hi * wo + i];
            for (long i = wo; i < wp; i++) d[hi * wp + i] = 0;
        }
        for (long i = ho * wp; i < q; i++) d[i] = 0;
    }
}

// Rows of a plane from the kernels' padded-width planes, each destination line written once: a
// strided convolution's input gradient had each phase's plane scattered into every sw-th column
// (scalar stores, and every line of dx fetched again by each phase); interleaving the phases row
// by row read 1.35–1.65× faster for R(2+1)D's 1x3x3 16→32 stride (1, 2, 2) (one-core harness).
MCN_CLONES
void mcn_phases_to_plane(const float *const *src, long sh, long sw, long q, long rows, long h, long w, long wp,
                         float *dst, long ldd, int accumulate) {
    for (long r = 0; r < rows; r++)
        for (long y = 0; y < h; y++) {
            const float *const *row = src + (y % sh) * sw;
            const long off = r * q + (y / sh) * wp;
            float *d = dst + r * ldd + y * w;
            long x = 0;
            if (sw == 1 && row[0]) {
                const float *a = row[0] + off;
                if (accumulate) for (; x < w; x++) d[x] += a[x];
                else for (; x < w; x++) d[x] = a[x];
            } else if (sw == 2 && row[0] && row[1]) {
                const float *a = row[0] + off, *b = row[1] + off;
                for (; x + 16 <= w; x += 16) {
                    const v8 u = *(const v8u *)(a + x / 2), v = *(const v8u *)(b + x / 2);
                    v8 lo = __builtin_shufflevector(u, v, 0, 8, 1, 9, 2, 10, 3, 11);
                    v8 hi = __builtin_shufflevector(u, v, 4, 12, 5, 13, 6, 14, 7, 15);
                    if (accumulate) { lo += *(v8u *)(d + x); hi += *(v8u *)(d + x + 8); }
                    *(v8u *)(d + x) = lo;
                    *(v8u *)(d + x + 8) = hi;
                }
            }
            for (; x < w; x++) {
                const float *p = row[x % sw];
                const float v = p ? p[off + x / sw] : 0;
                d[x] = accumulate ? d[x] + v : v;
            }
        }
}
