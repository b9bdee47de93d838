// The tile groups of the Winograd kernels and the transforms of F(4×4, 3×3), shared by the kernels
// that lay the Winograd domain out by channel (Winograd.c) and channels-last
// (WinogradChannelsLast.c), so both walk and round alike.
#ifndef MCN_WINOGRAD4_H
#define MCN_WINOGRAD4_H

// A group's tiles p0 ..< p0 + 16 come in runs along a tile row (a group spans whole rows of up to
// 16 tiles, or 16 tiles of a longer row): the run that starts at tile p lies in row th from column
// tw0, and is as long as returned.
static inline long tile_run(long p, long TW, long *th, long *tw0) {
    *th = p / TW;
    *tw0 = p % TW;
    return TW - *tw0 < 16 ? TW - *tw0 : 16;
}

// The batch statistics of output plane t's rows that tiles p0 ..< p0 + 16 just wrote (still in L1),
// every channel at once, run by run: one order of the sums for both layouts of the domain.
// y: [O, T, H, W], moments as for mcn_winograd_forward_sample.
static inline void group_moments(const float *y, long O, long t, long T, long H, long W, long TW, long p0, long tile,
                                 double *moments) {
    for (long p = p0, th, tw0, len; p < p0 + 16; p += len) {
        len = tile_run(p, TW, &th, &tw0);
        for (long r = 0; r < tile; r++)
            mcn_moments_rows(y + (t * H + tile * th + r) * W + tile * tw0, O, T * H * W, tile * len, y, T * H * W,
                             moments, 2);
    }
}

// F(4×4, 3×3): tiles of 4×4 outputs read 6×6 inputs, 36 products instead of 16 for 2×2 tiles,
// i.e. 2.25 multiply-adds per output and tap instead of 4 (points 0, ±1, ±2, ∞):
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//   G  = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]

#define BT6(o, d)                                                                                \
    do {                                                                                         \
        (o)[0] = 4 * (d)[0] - 5 * (d)[2] + (d)[4];                                               \
        (o)[1] = -4 * ((d)[1] + (d)[2]) + (d)[3] + (d)[4];                                       \
        (o)[2] = 4 * ((d)[1] - (d)[2]) - (d)[3] + (d)[4];                                        \
        (o)[3] = 2 * ((d)[3] - (d)[1]) - (d)[2] + (d)[4];                                        \
        (o)[4] = 2 * ((d)[1] - (d)[3]) - (d)[2] + (d)[4];                                        \
        (o)[5] = 4 * (d)[1] - 5 * (d)[3] + (d)[5];                                               \
    } while (0)

#define AT4(o, m)                                                                                \
    do {                                                                                         \
        (o)[0] = (m)[0] + (m)[1] + (m)[2] + (m)[3] + (m)[4];                                     \
        (o)[1] = (m)[1] - (m)[2] + 2 * ((m)[3] - (m)[4]);                                        \
        (o)[2] = (m)[1] + (m)[2] + 4 * ((m)[3] + (m)[4]);                                        \
        (o)[3] = (m)[1] - (m)[2] + 8 * ((m)[3] - (m)[4]) + (m)[5];                               \
    } while (0)

// Z = A dy Aᵀ for 4×4 tiles (the transpose of F(4×4)'s output transform): a gradient row
// (d0, d1, d2, d3) becomes (d0, d0 + d1 + d2 + d3, d0 − d1 + d2 − d3, d0 + 2d1 + 4d2 + 8d3,
// d0 − 2d1 + 4d2 − 8d3, d3), across and then down.
#define A6(o, d)                                                                                 \
    do {                                                                                         \
        (o)[0] = (d)[0];                                                                         \
        (o)[1] = (d)[0] + (d)[1] + (d)[2] + (d)[3];                                              \
        (o)[2] = (d)[0] - (d)[1] + (d)[2] - (d)[3];                                              \
        (o)[3] = (d)[0] + 2 * (d)[1] + 4 * (d)[2] + 8 * (d)[3];                                  \
        (o)[4] = (d)[0] - 2 * (d)[1] + 4 * (d)[2] - 8 * (d)[3];                                  \
        (o)[5] = (d)[3];                                                                         \
    } while (0)

#endif
