#include "CTensorKernels.h"

// Built with -O3 (Package.swift): the selects vectorise here, which Swift's closures did not.
#include "clones.h"

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

MCN_CLONES
long mcn_first_block_above(const float *x, long start, long n, float t) {
    long i = start;
    // Four blocks a test while nothing is above t (the common case in a top-k scan).
    for (; i + 64 <= n; i += 64) {
        int any = 0;
        for (int q = 0; q < 64; q++) any |= x[i + q] > t;
        if (any) break;
    }
    for (; i + 16 <= n; i += 16) {
        int any = 0;
        for (int q = 0; q < 16; q++) any |= x[i + q] > t;
        if (any) return i;
    }
    return i;
}
