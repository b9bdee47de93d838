// CBLAS: the OpenBLAS C interface, plus thread control helpers.
#ifndef MCN_CBLAS_H
#define MCN_CBLAS_H
#include <cblas.h>

/// Sets the number of OpenBLAS worker threads (1 or more).
void mcn_blas_set_threads(int threads);
/// The number of OpenBLAS worker threads in use.
int mcn_blas_threads(void);
/// OpenBLAS's build configuration string (core type, threading), for reports.
const char *mcn_blas_config(void);
#endif
