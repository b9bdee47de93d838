#include "CTensorKernels.h"

// Built with -O3 (Package.swift): the selects vectorise here, which Swift's closures did not.
#if defined(__x86_64__) && defined(__clang__) && defined(__linux__)
#define MCN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MCN_CLONES
#endif

MCN_CLONES
void mcn_add_relu(const float *a, const float *b, float *y, long n) {
    for (long i = 0; i < n; i++) { const float v = a[i] + b[i]; y[i] = v > 0 ? v : 0; }
}

MCN_CLONES
void mcn_relu_backward(const float *y, const float *dy, float *dx, long n, int accumulate) {
    if (accumulate) {
        for (long i = 0; i < n; i++) dx[i] += y[i] > 0 ? dy[i] : 0;
    } else {
        for (long i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
    }
}
