// CBLAS: the OpenBLAS C interface, loaded at run time, plus thread control helpers.
//
// The library is opened with dlopen on first use instead of being linked, so a machine without
// it gets a one-line error from mcn-tui (naming the library and what to install) instead of the
// dynamic loader refusing to start the program. MCN_BLAS_LIBRARY names another file to load.
#ifndef MCN_CBLAS_H
#define MCN_CBLAS_H
#include <cblas.h>

/// Opens the BLAS library once. NULL when it is usable, else why not (a static string).
const char *mcn_blas_load(void);
/// The library file that was opened or tried.
const char *mcn_blas_library(void);

/// The cblas calls the engine makes, through the loaded library. Only after mcn_blas_load
/// returned NULL.
void mcn_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
               int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
               float beta, float *c, int ldc);
void mcn_saxpy(int n, float alpha, const float *x, int incx, float *y, int incy);
float mcn_sdot(int n, const float *x, int incx, const float *y, int incy);

/// Sets the number of OpenBLAS worker threads (1 or more); ignored by a BLAS without threads.
void mcn_blas_set_threads(int threads);
/// The number of OpenBLAS worker threads in use (1 for a BLAS that does not say).
int mcn_blas_threads(void);
/// OpenBLAS's build configuration string (core type, threading), for reports.
const char *mcn_blas_config(void);
/// The kernel set OpenBLAS runs ("SkylakeX", "Haswell", ...), or "" for another CBLAS.
const char *mcn_blas_core(void);
/// Non-empty when the library was reopened because the kernels it first chose use less of the CPU
/// than it has (see shim.c); says what it chose and what it runs now (mcn_blas_core tells the core).
const char *mcn_blas_core_note(void);
/// The OpenBLAS core to ask for instead of `chosen`, given what the CPU has, or NULL to keep it:
/// only a core below AVX2 on a CPU with AVX2 and FMA is replaced.
const char *mcn_blas_better_core(const char *chosen, int avx2fma, int avx512);
#endif
