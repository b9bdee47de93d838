#include "CTensorKernels.h"
#include "clones.h"
#include "rows.h"
#include "winograd4.h"

// No FMA contraction anywhere here: the transforms must round as the by-channel domain's do, lane
// by lane, whichever vector width runs them (an AVX-512 function may use FMA, an AVX2 clone not).
#ifdef __clang__
#pragma clang fp contract(off)
#endif

// F(4×4)'s transforms of one tile, `V` channels a vector (VU: the same, unaligned): one spelling for
// the 8-channel code and the 16-channel one (AVX-512), so both sum alike by construction.

// A separable transform T (n inputs to 6 outputs: BT6, A6) of one tile's n×n values at `corner`
// (rows ld·C floats apart), channels c0 ..: T down each column of a row, then across; entry ξ = 6r + e
// to out[ξ·16·C + c0].
#define SEPARABLE_TILE(V, VU, n, T, corner, ld, C, c0, out)                                                \
    do {                                                                                                   \
        V t_[n][6];                                                                                        \
        for (int r_ = 0; r_ < (n); r_++) {                                                                 \
            V d_[n];                                                                                       \
            for (int k_ = 0; k_ < (n); k_++) d_[k_] = *(const VU *)((corner) + (r_ * (ld) + k_) * (C) + (c0)); \
            T(t_[r_], d_);                                                                                 \
        }                                                                                                  \
        for (int e_ = 0; e_ < 6; e_++) {                                                                   \
            V col_[n], o_[6];                                                                              \
            for (int r_ = 0; r_ < (n); r_++) col_[r_] = t_[r_][e_];                                        \
            T(o_, col_);                                                                                   \
            for (int r_ = 0; r_ < 6; r_++) *(VU *)((out) + (r_ * 6 + e_) * 16 * (C) + (c0)) = o_[r_];        \
        }                                                                                                  \
    } while (0)

// V = Bᵀ d B of the 6×6 inputs at `corner` (rows WP·C floats apart).
#define INPUT_TILE4(V, VU, corner, WP, C, c0, out) SEPARABLE_TILE(V, VU, 6, BT6, corner, WP, C, c0, out)

// Aᵀ M A of one tile whose 36 products start at s (entries 16·O floats apart), channels o0 ..: its
// 4×4 outputs to rows[r·run + k·O + o0] (r: output row, k: column).
#define OUTPUT_TILE4(V, VU, s, O, rows, run)                                                                \
    do {                                                                                                   \
        V r4_[4][6];                                                                                       \
        for (int e_ = 0; e_ < 6; e_++) {                                                                   \
            V col_[6], q_[4];                                                                              \
            for (int r_ = 0; r_ < 6; r_++) col_[r_] = *(const VU *)((s) + (r_ * 6 + e_) * 16 * (O));         \
            AT4(q_, col_);                                                                                 \
            for (int r_ = 0; r_ < 4; r_++) r4_[r_][e_] = q_[r_];                                           \
        }                                                                                                  \
        for (int r_ = 0; r_ < 4; r_++) {                                                                   \
            V q_[4];                                                                                       \
            AT4(q_, r4_[r_]);                                                                              \
            for (int k_ = 0; k_ < 4; k_++) *(VU *)((rows) + r_ * (run) + k_ * (O)) = q_[k_];               \
        }                                                                                                  \
    } while (0)

// Z = A dy Aᵀ of the 4×4 gradients at `corner` (rows W·O floats apart).
#define GRADIENT_TILE4(V, VU, corner, W, O, o0, out) SEPARABLE_TILE(V, VU, 4, A6, corner, W, O, o0, out)

// Winograd F(4×4, 3×3) and F(2×2, 3×3) with the domain laid out channels-last (tiles by channels)
// instead of by channel (Winograd.c): the sample is copied channels-last with its
// border, each tile's 6×6 inputs transformed 8 channels a vector (16 with AVX-512; no deinterleaving), the 36
// products are [tiles, K] × [K, O] sums that broadcast a tile's value against a row of 16 output
// channels (mcn_products_cl), and the output transform writes whole rows of each channel through
// 8×8 transposes in cache. Activations stay [C, T, H, W]. The arithmetic is the by-channel path's:
// the same transforms (winograd4.h) and products summed over the taps in the same order, so the
// same bits. One-core harness, R(2+1)D's 1×3×3 16→16 on 8×32×32: 0.49 against 0.70 ms a sample
// from memory, 0.39 against 0.54 from cache.

// r[i] (lane j) becomes r[j] (lane i).
static inline void transpose8(v8 r[8]) {
    v8 t[8], s[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4)
        for (int j = 0; j < 2; j++) {
            s[i + 2 * j] = __builtin_shufflevector(t[i + j], t[i + j + 2], 0, 1, 8, 9, 4, 5, 12, 13);
            s[i + 2 * j + 1] = __builtin_shufflevector(t[i + j], t[i + j + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        }
    for (int i = 0; i < 4; i++) {
        r[i] = __builtin_shufflevector(s[i], s[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        r[i + 4] = __builtin_shufflevector(s[i], s[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

// x: [C, T, H, W] -> xb: [tp][H + 2][W + 2][C], zero border and zero planes for the temporal
// padding pt, through max(v·scale + shift, 0) per channel when given (the border stays zero).
__attribute__((always_inline))
static inline void to_bordered(const float *x, long C, long T, long H, long W, long pt, const float *scale,
                               const float *shift, float *xb) {
    const long tp = T + 2 * pt, WP = W + 2, rowFloats = WP * C;
    for (long pi = 0; pi < tp; pi++) {
        float *plane = xb + pi * (H + 2) * rowFloats;
        const long ti = pi - pt;
        if (ti < 0 || ti >= T) {
            zero_row(plane, (H + 2) * rowFloats);
            continue;
        }
        zero_row(plane, rowFloats);
        zero_row(plane + (H + 1) * rowFloats, rowFloats);
        for (long h = 0; h < H; h++) {
            float *row = plane + (h + 1) * rowFloats;
            zero_row(row, C);
            zero_row(row + (W + 1) * C, C);
            for (long c0 = 0; c0 < C; c0 += 8)
                for (long w0 = 0; w0 < W; w0 += 8) {
                    v8 r[8];
                    for (int i = 0; i < 8; i++) {
                        const v8 v = *(const v8u *)(x + (((c0 + i) * T + ti) * H + h) * W + w0);
                        r[i] = scale ? bn_relu8(v, scale[c0 + i], shift[c0 + i]) : v;
                    }
                    transpose8(r);
                    for (int j = 0; j < 8; j++) *(v8u *)(row + (w0 + 1 + j) * C + c0) = r[j];
                }
        }
    }
}

// V = Bᵀ d B for the tiles p0 ..< p0 + 16 of padded plane pi, 8 channels a vector (input_tiles4_wide:
// 16): v: [n² (ξ)][16][C]
// with n = tile + 2. F(2×2) in the by-channel kernel's order: Bᵀ down each column, then across.
__attribute__((always_inline))
static inline void input_tiles(const float *xb, long C, long pi, long H, long W, long TW, long p0, long tile,
                               float *v) {
    const long WP = W + 2, planeFloats = (H + 2) * WP * C;
    for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
        len = tile_run(p, TW, &th, &tw0);
        for (long i = 0; i < len; i++) {
            const float *corner = xb + pi * planeFloats + (tile * th * WP + tile * (tw0 + i)) * C;
            float *out = v + (p - p0 + i) * C;
            for (long c0 = 0; c0 < C; c0 += 8) {
                if (tile == 2) {
                    v8 t[4][4];   // t[i][k]: Bᵀ down column k
                    for (int k = 0; k < 4; k++) {
                        v8 d[4];
                        for (int r = 0; r < 4; r++) d[r] = *(const v8u *)(corner + (r * WP + k) * C + c0);
                        t[0][k] = d[0] - d[2];
                        t[1][k] = d[1] + d[2];
                        t[2][k] = d[2] - d[1];
                        t[3][k] = d[1] - d[3];
                    }
                    for (int r = 0; r < 4; r++) {
                        float *o = out + 4 * r * 16 * C + c0;
                        *(v8u *)o = t[r][0] - t[r][2];
                        *(v8u *)(o + 16 * C) = t[r][1] + t[r][2];
                        *(v8u *)(o + 2 * 16 * C) = t[r][2] - t[r][1];
                        *(v8u *)(o + 3 * 16 * C) = t[r][1] - t[r][3];
                    }
                    continue;
                }
                INPUT_TILE4(v8, v8u, corner, WP, C, c0, out);
            }
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
typedef float v16 __attribute__((ext_vector_type(16)));
typedef float v16u __attribute__((ext_vector_type(16), aligned(4)));

// The F(4×4) transforms 16 channels a vector (C or O a multiple of 16), for CPUs with AVX-512F:
// the same macros as the 8-channel code, so the same sums lane by lane and the same bits.

// input_tiles' F(4×4).
__attribute__((target("avx512f"), noinline))
static void input_tiles4_wide(const float *xb, long C, long pi, long H, long W, long TW, long p0, float *v) {
    const long tile = 4, WP = W + 2, planeFloats = (H + 2) * WP * C;
    for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
        len = tile_run(p, TW, &th, &tw0);
        for (long i = 0; i < len; i++) {
            const float *corner = xb + pi * planeFloats + (tile * th * WP + tile * (tw0 + i)) * C;
            for (long c0 = 0; c0 < C; c0 += 16) INPUT_TILE4(v16, v16u, corner, WP, C, c0, v + (p - p0 + i) * C);
        }
    }
}

// output_tiles' Aᵀ M A for a run of len tiles from m (their first tile's row), into `rows` as
// output_tiles lays them out.
__attribute__((target("avx512f"), noinline))
static void output_rows4_wide(const float *m, long O, long len, float *rows) {
    const long run = 4 * 16 * O;
    for (long i = 0; i < len; i++)
        for (long o0 = 0; o0 < O; o0 += 16) OUTPUT_TILE4(v16, v16u, m + i * O + o0, O, rows + 4 * i * O + o0, run);
}

// gradient_tiles' F(4×4).
__attribute__((target("avx512f"), noinline))
static void gradient_tiles4_wide(const float *dyc, long O, long t, long H, long W, long TW, long p0, float *z) {
    const long tile = 4;
    for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
        len = tile_run(p, TW, &th, &tw0);
        for (long i = 0; i < len; i++) {
            const float *corner = dyc + ((t * H + tile * th) * W + tile * (tw0 + i)) * O;
            for (long o0 = 0; o0 < O; o0 += 16) GRADIENT_TILE4(v16, v16u, corner, W, O, o0, z + (p - p0 + i) * O);
        }
    }
}
#define MCN_HAVE_WIDE_TRANSFORMS 1
#endif

// Y = Aᵀ M A (F(4×4)) for the tiles p0 ..< p0 + 16 of output plane t from m: [36][16][O], a run
// of tiles at a time: its four output rows gathered channels-last in `rows` ([4][64][O]), then
// written (=, or += with accumulate) to y: [O, To, H, W] row by row of each channel, 8×8 blocks
// transposed.
__attribute__((always_inline))
static inline void output_tiles(const float *m, long O, long t, long To, long H, long W, long TW, long p0,
                                float *rows, float *y, int accumulate) {
    const long tile = 4, run = 4 * 16 * O;   // floats of one output row of a run in `rows`
    for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
        len = tile_run(p, TW, &th, &tw0);
#ifdef MCN_HAVE_WIDE_TRANSFORMS
        if (O % 16 == 0 && mcn_wide_vectors())
            output_rows4_wide(m + (p - p0) * O, O, len, rows);
        else
#endif
        for (long i = 0; i < len; i++)
            for (long o0 = 0; o0 < O; o0 += 8) {
                OUTPUT_TILE4(v8, v8u, m + (p - p0 + i) * O + o0, O, rows + 4 * i * O + o0, run);
            }
        for (long r = 0; r < tile; r++)
            for (long w0 = 0; w0 < tile * len; w0 += 8)
                for (long o0 = 0; o0 < O; o0 += 8) {
                    v8 b[8];
                    for (int j = 0; j < 8; j++) b[j] = *(const v8u *)(rows + r * run + (w0 + j) * O + o0);
                    transpose8(b);
                    for (int j = 0; j < 8; j++) {
                        float *d = y + (((o0 + j) * To + t) * H + tile * th + r) * W + tile * tw0 + w0;
                        if (accumulate) b[j] += *(v8u *)d;
                        *(v8u *)d = b[j];
                    }
                }
    }
}

// Output plane t of group p0 reads the transforms of input planes t ..< t + kt, kept in a ring of kt
// slots of v ([kt][n²][16][C]): the ring is filled for t = 0 and gains plane t + kt − 1 for each
// t (the slot of plane t − 1), so each plane is transformed once and read back from L1 or L2.
// koff[k] for tap k = (a, c): channel c of plane t + a's slot.
__attribute__((always_inline))
static inline void ring_plane(const float *xb, long C, long H, long W, long TW, long p0, long tile, long kt, long t,
                              float *v, long *koff) {
    const long slot = (tile + 2) * (tile + 2) * 16 * C;
    for (long pi = t == 0 ? 0 : t + kt - 1; pi < t + kt; pi++) {
#ifdef MCN_HAVE_WIDE_TRANSFORMS
        if (tile == 4 && C % 16 == 0 && mcn_wide_vectors()) {
            input_tiles4_wide(xb, C, pi, H, W, TW, p0, v + pi % kt * slot);
            continue;
        }
#endif
        input_tiles(xb, C, pi, H, W, TW, p0, tile, v + pi % kt * slot);
    }
    for (long k = 0; k < kt * C; k++) koff[k] = (t + k / C) % kt * slot + k % C;
}

// The F(4×4) forward, plane by plane (ring_plane: 36 KB a slot for 16 channels; transforming a
// group's every plane first read 1.3× slower). (F(2×2) forwards read 0.84–0.93× the by-channel domain in process: its transforms save
// too little for the transposes; it serves weight gradients only.)
MCN_CLONES
void mcn_winograd4_cl_forward_sample(const float *x, long C, long T, long H, long W, long pt, long kt, long To,
                                     const float *scale, const float *shift, const float *u, long O, float *xb,
                                     float *v, float *m, float *y, int accumulate, double *moments) {
    const long tile = 4, TW = W / 4, tiles = H / 4 * TW, K = kt * C, n2 = 36;
    long koff[K];   // see ring_plane
    to_bordered(x, C, T, H, W, pt, scale, shift, xb);
    float *rows = m + n2 * 16 * O;
    for (long p0 = 0; p0 < tiles; p0 += 16)
        for (long t = 0; t < To; t++) {
            ring_plane(xb, C, H, W, TW, p0, tile, kt, t, v, koff);
            for (long xi = 0; xi < n2; xi++)
                mcn_products_cl(v + xi * 16 * C, C, koff, K, u + xi * K * O, O, m + xi * 16 * O, 16);
            output_tiles(m, O, t, To, H, W, TW, p0, rows, y, accumulate);
            if (moments) group_moments(y, O, t, To, H, W, TW, p0, tile, moments);
        }
}

// dy: [O, To, H, W] -> dyc: [To][H][W][O].
__attribute__((always_inline))
static inline void to_channels_last(const float *dy, long O, long To, long H, long W, float *dyc) {
    for (long t = 0; t < To; t++)
        for (long h = 0; h < H; h++)
            for (long o0 = 0; o0 < O; o0 += 8)
                for (long w0 = 0; w0 < W; w0 += 8) {
                    v8 r[8];
                    for (int i = 0; i < 8; i++) r[i] = *(const v8u *)(dy + (((o0 + i) * To + t) * H + h) * W + w0);
                    transpose8(r);
                    for (int j = 0; j < 8; j++) *(v8u *)(dyc + ((t * H + h) * W + w0 + j) * O + o0) = r[j];
                }
}

// Z = A dy Aᵀ for the tiles p0 ..< p0 + 16 of output plane t, 8 channels a vector (gradient_tiles4_wide:
// 16): z: [n²][16][O].
// F(2×2) as the by-channel kernel: (a b; c d) down to (a, b), (a + c, b + d), (a − c, b − d),
// (−c, −d), each (u, v) then across to (u, u + v, u − v, −v).
__attribute__((always_inline))
static inline void gradient_tiles(const float *dyc, long O, long t, long H, long W, long TW, long p0, long tile,
                                  float *z) {
    for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
        len = tile_run(p, TW, &th, &tw0);
        for (long i = 0; i < len; i++) {
            const float *corner = dyc + ((t * H + tile * th) * W + tile * (tw0 + i)) * O;
            float *out = z + (p - p0 + i) * O;
            for (long o0 = 0; o0 < O; o0 += 8) {
                if (tile == 2) {
                    const v8 a = *(const v8u *)(corner + o0), b = *(const v8u *)(corner + O + o0);
                    const v8 c = *(const v8u *)(corner + W * O + o0), d = *(const v8u *)(corner + (W + 1) * O + o0);
                    const v8 u[4] = {a, a + c, a - c, -c}, w[4] = {b, b + d, b - d, -d};
                    for (int r = 0; r < 4; r++) {
                        float *o = out + 4 * r * 16 * O + o0;
                        *(v8u *)o = u[r];
                        *(v8u *)(o + 16 * O) = u[r] + w[r];
                        *(v8u *)(o + 2 * 16 * O) = u[r] - w[r];
                        *(v8u *)(o + 3 * 16 * O) = -w[r];
                    }
                    continue;
                }
                GRADIENT_TILE4(v8, v8u, corner, W, O, o0, out);
            }
        }
    }
}

// The weight gradient's sums of one sample in the same channels-last domain:
// s[ξ][k][o] += Σ over output planes and tiles of V(ξ)[tile][k] · Z(ξ)[tile][o], k = (a, c), with
// V the input's transforms (through the BatchNorm + ReLU when given) and Z = A dy Aᵀ. Plane by
// plane like the forward (ring_plane).
MCN_CLONES
void mcn_winograd_cl_weight_gradient_sample(const float *x, const float *dy, long C, long T, long H, long W,
                                            long pt, long kt, long To, long tile, const float *scale,
                                            const float *shift, long O, float *xb, float *dyc, float *v, float *z,
                                            float *s) {
    const long TW = W / tile, tiles = H / tile * TW, K = kt * C, n2 = (tile + 2) * (tile + 2);
    long koff[K];   // see ring_plane
    to_bordered(x, C, T, H, W, pt, scale, shift, xb);
    to_channels_last(dy, O, To, H, W, dyc);
    for (long p0 = 0; p0 < tiles; p0 += 16)
        for (long t = 0; t < To; t++) {
            ring_plane(xb, C, H, W, TW, p0, tile, kt, t, v, koff);
#ifdef MCN_HAVE_WIDE_TRANSFORMS
            if (tile == 4 && O % 16 == 0 && mcn_wide_vectors()) gradient_tiles4_wide(dyc, O, t, H, W, TW, p0, z);
            else
#endif
            gradient_tiles(dyc, O, t, H, W, TW, p0, tile, z);
            for (long xi = 0; xi < n2; xi++)
                mcn_wgrad_cl(v + xi * 16 * C, C, koff, K, z + xi * 16 * O, O, s + xi * K * O, 16);
        }
}

// s: [products][K][O] -> [products][O][K] (mcn_winograd_weight_gradient_back's layout).
MCN_CLONES
void mcn_winograd_sums_by_output(const float *s, long O, long K, long products, float *out) {
    for (long xi = 0; xi < products; xi++)
        for (long k = 0; k < K; k++)
            for (long o = 0; o < O; o++) out[(xi * O + o) * K + k] = s[(xi * K + k) * O + o];
}
