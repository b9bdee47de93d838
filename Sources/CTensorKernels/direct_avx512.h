// The direct kernels' AVX-512 tiles (DirectConvAVX512.c), for DirectConv.c's dispatch: the same
// arguments and results as its AVX2 functions forward_avx2, wgrad_avx2, products_cl_avx2 and
// wgrad_cl_avx2 (they also take any Q of the weight gradient and any tile count of the products,
// which the header's contract does not promise).
#ifndef MCN_DIRECT_AVX512_H
#define MCN_DIRECT_AVX512_H
#include "CTensorKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define MCN_HAVE_AVX512_PATH 1
void mcn_forward_avx512(const float *in, const long *off, long K, long k0, long ldw, const float *w, long O,
                        float *out, long ldo, long Q, int accumulate, long chunk);
void mcn_wgrad_avx512(const mcn_direct_planes *p, const float *in, const long *off, long K, const float *dy, long O,
                      float *dw);
void mcn_products_cl_avx512(const float *v, long ldt, const long *koff, long K, const float *u, long O, float *m,
                            long tiles);
void mcn_wgrad_cl_avx512(const float *v, long ldt, const long *koff, long K, const float *z, long O, float *s,
                         long tiles);
#endif
#endif
