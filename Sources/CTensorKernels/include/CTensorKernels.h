// CTensorKernels: the memory-bound gathers of convolution (vol2col and its adjoint), written in C
// because Swift does not vectorise their short strided rows (see Vol2col.c).
#ifndef MCN_TENSOR_KERNELS_H
#define MCN_TENSOR_KERNELS_H

/// The sizes of one 3D convolution: input [N, c, t, h, w], kernel kt×kh×kw, output to×ho×wo.
typedef struct {
    long c, t, h, w;
    long to, ho, wo;
    long kt, kh, kw;
    long st, sh, sw;
    long pt, ph, pw;
} mcn_conv_shape;

/// Rows [row0, row1) of the vol2col matrix of samples [n0, n0 + cn) and output planes [t0, t1):
/// row (c, a, b, d) holds, for sample j, the L = (t1 − t0)·ho·wo values at col + row·cn·L + j·L.
/// x: [N, c, t, h, w]
void mcn_vol2col(const float *x, const mcn_conv_shape *g, long n0, long cn, long t0, long t1,
                 float *col, long row0, long row1);

/// Adds the vol2col matrix (layout as in mcn_vol2col) back into dx for input channels [c0, c1).
/// dx: [N, c, t, h, w]
void mcn_col2vol(const float *col, const mcn_conv_shape *g, long n0, long cn, long t0, long t1,
                 float *dx, long c0, long c1);

/// The row-shift layout of one sample n, output plane tt, output rows [r0, r0 + rb), for a
/// convolution whose kernel rows b split as b = sh·b' + p (p < phases = min(sh, kh)). Row
/// (p, c, a, d) of e (len floats apart) holds nr = rb + ceil(kh / sh) − 1 rows of wo values:
///   e[(p, c, a, d), r, w'] = x[n, c, tt·st − pt + a, (r0 + r)·sh − ph + p, w'·sw − pw + d] (0 outside).
/// The vol2col rows (c, a, sh·b' + p, d) of those output rows are then rows (p, c, a, d) of e
/// shifted by b'·wo. Writes rows [row0, row1) of e.
void mcn_vol2rows(const float *x, const mcn_conv_shape *g, long n, long tt, long r0, long rb, float *e, long len,
                  long row0, long row1);

// BatchNorm over one channel whose values are n rows of l floats, row i at x + i·stride. The
// reductions accumulate in double; their order is free (vectorised), so sums may differ from a
// sequential loop in the last bits.

/// Mean and (biased) variance of the channel, one pass (shifted sums of x and x² in double).
void mcn_bn_moments(const float *x, long n, long stride, long l, double *mean, double *var);

/// Shifted sums of rows of a convolution's output: for r < rows, acc[r·lda] += Σ_j (y[r·ldy + j] − k)
/// and acc[r·lda + 1] += Σ_j (y[r·ldy + j] − k)² over j < n, k = first[r·ldf].
void mcn_moments_rows(const float *y, long rows, long ldy, long n, const float *first, long ldf, double *acc,
                      long lda);

/// y = x·a + b, or max(x·a + b, 0) with relu.
void mcn_bn_apply(const float *x, float *y, long n, long stride, long l, float a, float b, int relu);

/// y = max(x·a + b + s, 0) (BatchNorm, a residual add and a ReLU); x, s, y as for mcn_bn_apply.
void mcn_bn_add_relu(const float *x, const float *s, float *y, long n, long stride, long l, float a, float b);

/// sdy = Σ g and sdyx = Σ g·(x − mu)·iv (in float over runs of 256, added in double), where g = dy,
/// or with relu dy where x·ra + rb > 0 (the forward's ReLU input, computed as mcn_bn_apply computes
/// it, so the mask is the forward's).
void mcn_bn_backward_sums(const float *x, const float *dy, int relu, float ra, float rb, long n, long stride,
                          long l, float mu, float iv, double *sdy, double *sdyx);

/// dx (=, or += with accumulate) gi·(g − a − (x − mu)·iv·b), g as in mcn_bn_backward_sums.
void mcn_bn_backward_dx(const float *x, const float *dy, int relu, float ra, float rb, float *dx, long n,
                        long stride, long l, float mu, float iv, float gi, float a, float b, int accumulate);

/// y = max(a + b, 0) over n floats.
void mcn_add_relu(const float *a, const float *b, float *y, long n);

/// dx (=, or += with accumulate) dy where y > 0, else 0, over n floats: the ReLU's backward.
void mcn_relu_backward(const float *y, const float *dy, float *dx, long n, int accumulate);

/// The first block of 16 floats, among those starting at start, start + 16, ... and ending at or
/// before n, that holds a value above t: its start; else the start of the first block that would
/// pass n (so the caller finishes the last n − i < 16 values itself). The scan of a top-k selection.
long mcn_first_block_above(const float *x, long start, long n, float t);
// Direct convolution of one output plane over a padded sample (DirectConv.swift): positions
// q = h·wp + w run over the plane's rows at the padded width wp, and tap k reads in[q + off[k]].

/// Positions per tile of the forward kernel: Q must be a multiple of it.
#define MCN_DIRECT_TILE 16

/// Output channels in the forward kernel's next block when `remaining` are left (4 or 6; O must be
/// a multiple of 4). The weights are arranged block by block, ldw taps a channel: channel o0 + i of
/// the block that starts at o0, tap k, at w[o0·ldw + k·block + i].
long mcn_direct_block(long remaining);

/// out[o·ldo + q] (=, or += with accumulate) Σ_k w(o, k0 + k) · in[q + off[k]] for k < K, q < Q (a
/// multiple of MCN_DIRECT_TILE), o < O (a multiple of 4): taps k0 ..< k0 + K of weights arranged as
/// mcn_direct_block says, off giving those taps' offsets. in must be readable at q + off[k] for
/// every q < Q and k. Taps go `chunk` at a time (0: all).
void mcn_direct_conv_forward(const float *in, const long *off, long K, long k0, long ldw, const float *w,
                             long O, float *out, long ldo, long Q, int accumulate, long chunk);

/// Where the weight-gradient kernel finds the planes of one sample: output plane t's positions
/// q < Q read the input at in + t·inPlane + q + off[k] and the output gradient of channel o at
/// dy + o·ldd + t·dyPlane + q.
typedef struct {
    long planes, q, inPlane, dyPlane, ldd;
} mcn_direct_planes;

/// dw[o·K + k] += Σ_t Σ_q dy(o, t, q) · in(t, q + off[k]) for q < Q (a multiple of 8), o < O (even):
/// the weight gradient in w's own layout [O, K].
void mcn_direct_conv_weight_gradient(const mcn_direct_planes *planes, const float *in, const long *off, long K,
                                     const float *dy, long O, float *dw);

/// m[i·O + o] = Σ_k v[i·ldt + koff[k]] · u[k·O + o] for i < tiles (a multiple of 2, ≥ 4), o < O (a
/// multiple of 16): the products of a channels-last Winograd domain (tiles by channels) with the
/// transformed weights laid out by tap ([K, O]), summed over the taps in order from zero.
void mcn_products_cl(const float *v, long ldt, const long *koff, long K, const float *u, long O, float *m,
                     long tiles);

/// s[k·O + o] += Σ_i v[i·ldt + koff[k]] · z[i·O + o] over i < tiles, for k < K, o < O (a multiple of
/// 16): the weight gradient's sums in a channels-last Winograd domain.
void mcn_wgrad_cl(const float *v, long ldt, const long *koff, long K, const float *z, long O, float *s, long tiles);

/// Testing only: with on, the direct kernels run their plain loops even where AVX2 is there.
void mcn_direct_conv_force_generic(int on);

/// Whether the CPU has AVX-512F (and the OS keeps its registers).
int mcn_cpu_has_avx512(void);
/// With on (the default), the four kernels above and the channels-last Winograd F(4×4) transforms
/// (16 channels a vector) run with 16-lane AVX-512 vectors where the CPU has them; with off, with
/// 8-lane AVX2 ones. The same bits either way but for the direct weight gradient's lane sums.
void mcn_set_wide_vectors(int on);
/// Whether the kernels above run with AVX-512 vectors now.
int mcn_wide_vectors(void);

/// Copies x: [c, t, h, w] with its padding into out, split by phase of the spatial strides:
/// out[c][py][px][t + 2pt] are planes `plane` floats apart (plane ≥ hs·ws; zeros after the rows),
/// whose [hs][ws] rows hold padded row r·sh + py, column i·sw + px (zero outside x),
/// hs = ceil((h + 2ph) / sh), ws = ceil((w + 2pw) / sw); then `slack` zeros. With strides 1 and
/// plane = hs·ws, the padded sample itself. With scale and shift (else null), channel ci's values
/// are copied as max(v·scale[ci] + shift[ci], 0) (a BatchNorm + ReLU; the padding stays zero).
void mcn_pad_sample(const float *x, long c, long t, long h, long w, long pt, long ph, long pw,
                    long sh, long sw, long plane, float *out, long slack, const float *scale, const float *shift);

/// dst[r·ldd + h·wp + w] = src[r·lds + h·wo + w] for h < ho, w < wo, zero at the other positions < q.
void mcn_rows_to_padded(const float *src, long lds, long rows, long ho, long wo, long wp, long q,
                        float *dst, long ldd);

/// One plane of rows of w from planes computed at the padded width wp: dst[r·ldd + y·w + x] (=, or
/// += with accumulate) src[(y mod sh)·sw + x mod sw][r·q + (y / sh)·wp + x / sw] for y < h, x < w.
/// With sh = sw = 1, a direct forward's plane written back as rows (the inverse of
/// mcn_rows_to_padded); else the sh × sw phases of a strided convolution's input gradient, whose
/// positions y ≡ φh (mod sh), x ≡ φw (mod sw) phase (φh, φw) computed; a null phase (no tap
/// reaches it) gives zeros.
void mcn_phases_to_plane(const float *const *src, long sh, long sw, long q, long rows, long h, long w, long wp,
                         float *dst, long ldd, int accumulate);
// Winograd convolutions of one sample (Winograd.c): spatial F(2×2, 3×3) and F(4×4, 3×3) with the
// F(2×2) weight gradient (Winograd.swift), temporal F(2, 3) (WinogradTemporal.swift).

/// Floats between the products' blocks of n floats in the scratch buffers (16, 36 or 4 blocks; the
/// temporal path's rows too): n plus one cache line, so that the blocks do not fall on the same
/// few L1 sets (a multiple of 4 KB apart, they
/// would for layer1's 10 KB blocks and 1 KB products).
long mcn_winograd_stride(long n);

/// The tiles p0 ..< p0 + 16 of the padded sample xp: [C, tp, H + 2, W + 2] (planes `plane` floats
/// apart, rows rowW = W + 2) transformed, v: [16][tp, C, 16] (blocks mcn_winograd_stride(tp·C·16)
/// apart); TW = W / 2 tiles a row.
void mcn_winograd_input(const float *xp, long C, long tp, long plane, long rowW, long TW, long p0, float *v);

/// The products m: [16][O, 16] (blocks mcn_winograd_stride(O·16) apart) of tiles p0 ..< p0 + 16
/// of output plane t transformed back into
/// y: [O, T, H, W] (=, or += with accumulate).
void mcn_winograd_output(const float *m, long t, long T, long O, long H, long W, long TW, long p0, float *y,
                         int accumulate);

/// y (=, or +=) the kt×3×3 convolution (stride 1, spatial padding 1) of the padded sample xp, every
/// group of 16 tiles of tile×tile outputs in turn (tile 2: F(2×2, 3×3), 16 products; tile 4:
/// F(4×4, 3×3), 36, with H a multiple of 4, W / 4 = 8 or a multiple of 16, and xp readable 2
/// floats past its end): u holds the
/// transformed weights (mcn_winograd_weights), off[k] = 16·k; v: [products][tp, C, 16] and
/// m: [products][O, 16] (blocks mcn_winograd_stride apart) are scratch. With `moments` (else
/// null), each channel's shifted sums of y as mcn_moments_rows adds them: moments: [O, 2].
void mcn_winograd_forward_sample(const float *xp, long C, long tp, long plane, long T, long H, long W, long kt,
                                 long tile, const float *u, long O, const long *off, float *v, float *m, float *y,
                                 int accumulate, double *moments);
/// Z = A dy Aᵀ of tiles p0 ..< p0 + 16 of every plane and channel of dy: [O, T, H, W], as
/// z: [16][T, O, 16] (blocks mcn_winograd_stride(T·O·16) apart).
void mcn_winograd_output_gradient(const float *dy, long T, long O, long H, long W, long TW, long p0, float *z);

/// s[ξ][o·K + k] += Σ over tiles and output planes of Z(ξ, o) · V(ξ, tap k) for one sample (K = kt·C,
/// tap k = (a, c)): the weight gradient of the kt×3×3 convolution in the transformed domain, tiles of
/// tile×tile outputs (2 or 4; 16 or 36 products ξ), dW = Gᵀ S G by mcn_winograd_weight_gradient_back.
/// xp, off as for the forward; dy: [O, T, H, W]; v and z ([products][T, O, 16]) scratch.
void mcn_winograd_weight_gradient_sample(const float *xp, const float *dy, long C, long tp, long plane, long T,
                                         long H, long W, long kt, long tile, long O, const long *off, float *v,
                                         float *z, float *s);
/// U = G g Gᵀ of w: [O, C, kt, 3, 3] for tiles of 2×2 or 4×4 outputs (tile 2 or 4), as
/// u: [16 or 36][O·K] (K = kt·C, tap k = a·C + c) in the direct forward kernel's blocks of output
/// channels (mcn_direct_block; O a multiple of 4), or with byTap as [16 or 36][K][O] (the
/// channels-last domain's layout). scratch: (tile + 2)·O·C·kt·3 floats.
void mcn_winograd_weights(const float *w, long O, long C, long kt, long tile, int byTap, float *u, float *scratch);

/// dw: [O, C, kt, 3, 3] += Gᵀ S G for s: [16 or 36][O, K] (the sums of
/// mcn_winograd_weight_gradient_sample with tile 2 or 4).
void mcn_winograd_weight_gradient_back(const float *s, long O, long C, long kt, long tile, float *dw);
/// The temporal F(2, 3) weights of w: [O, C, 3, 1, 1], as u: [4][O·C] in the direct kernel's blocks.
void mcn_winograd_temporal_weights(const float *w, long O, long C, float *u);

/// y (=, or +=) the 3×1×1 convolution (stride 1, temporal padding pt, To output planes) of one
/// sample x: [C, T, P] (P positions a plane, a multiple of Qb, itself a multiple of 16) into
/// y: [O, To, P], two output planes and Qb positions at a time. off[c] = c·mcn_winograd_stride(Qb);
/// v: 4·mcn_winograd_stride(C·row) + Qb floats and m: 4·mcn_winograd_stride(O·row) floats of
/// scratch (row = mcn_winograd_stride(Qb)). With scale and shift (else null) the convolution is of
/// max(x·scale[c] + shift[c], 0) (a BatchNorm + ReLU applied on the way in; the padding stays zero).
/// `moments` as for mcn_winograd_forward_sample.
void mcn_winograd_temporal_forward_sample(const float *x, long C, long T, long P, long pt, long To, const float *u,
                                          long O, long Qb, const long *off, float *v, float *m, float *y,
                                          int accumulate, const float *scale, const float *shift, double *moments);
/// The transforms of F(4×4, 3×3), as mcn_winograd_input and mcn_winograd_output with 6×6 input
/// tiles, 4×4 output tiles, TW = W / 4 and 36 products; 8 tiles a vector, so TW must be 8 or a
/// multiple of 16.
void mcn_winograd4_input(const float *xp, long C, long tp, long plane, long rowW, long TW, long p0, float *v);
void mcn_winograd4_output(const float *m, long t, long T, long O, long H, long W, long TW, long p0, float *y,
                          int accumulate);
/// Z = A dy Aᵀ of 4×4 gradient tiles into 6×6 (as mcn_winograd_output_gradient, z: [36][T, O, 16]).
void mcn_winograd4_output_gradient(const float *dy, long T, long O, long H, long W, long TW, long p0, float *z);

// Winograd F(4×4, 3×3) and F(2×2, 3×3) with the domain channels-last (WinogradChannelsLast.c;
// WinogradConv's `channelsLast`).

/// The F(4×4, 3×3) forward of one sample x: [C, T, H, W] (temporal padding pt, spatial 1, kt
/// temporal taps, To output planes) into y: [O, To, H, W] (=, or += with accumulate; moments as
/// for mcn_winograd_forward_sample) with the domain channels-last: u the transformed weights by tap
/// (mcn_winograd_weights with byTap); scale and shift (or null) a BatchNorm + ReLU applied to x on the
/// way in. C a multiple of 8, O of 16, H and W of 4 with W / 4 = 8 or a multiple of 16 and whole
/// groups of 16 tiles. Scratch: xb (T + 2pt)·(H + 2)·(W + 2)·C floats, v kt·36·16·C,
/// m 36·16·O + 4·64·O.
void mcn_winograd4_cl_forward_sample(const float *x, long C, long T, long H, long W, long pt, long kt, long To,
                                     const float *scale, const float *shift, const float *u, long O, float *xb,
                                     float *v, float *m, float *y, int accumulate, double *moments);

/// The weight gradient's sums of one sample in the channels-last domain, by F(tile×tile, 3×3)
/// (tile 4 or 2, n = tile + 2): s[ξ][k][o] += Σ V(ξ)·Z(ξ) over output planes and tiles
/// (x: [C, T, H, W], dy: [O, To, H, W], scale and shift as for the forward);
/// mcn_winograd_sums_by_output then lays s out for mcn_winograd_weight_gradient_back. C a multiple
/// of 8, O of 16, W of 8, H and W of the tile with W / tile = 4, 8 or a multiple of 16 and whole
/// groups of 16 tiles. Scratch: xb as the forward's, dyc To·H·W·O, v kt·n²·16·C, z n²·16·O.
void mcn_winograd_cl_weight_gradient_sample(const float *x, const float *dy, long C, long T, long H, long W,
                                            long pt, long kt, long To, long tile, const float *scale,
                                            const float *shift, long O, float *xb, float *dyc, float *v, float *z,
                                            float *s);

/// s: [products][K][O] -> out: [products][O][K].
void mcn_winograd_sums_by_output(const float *s, long O, long K, long products, float *out);

#endif
