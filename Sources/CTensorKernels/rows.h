// The 8-float vector types, row copies and BatchNorm's value shared by the kernel files (static
// inline: compiled into each caller, and into each of its AVX2 and baseline clones).
#ifndef MCN_ROWS_H
#define MCN_ROWS_H

typedef float v8 __attribute__((ext_vector_type(8)));
typedef float v8u __attribute__((ext_vector_type(8), aligned(4)));

// ⌊a / b⌋ for b > 0 (C's / rounds toward zero, which differs for negative a).
static inline long floor_div(long a, long b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static inline void zero_row(float *restrict dst, long n) {
    for (long i = 0; i < n; i++) dst[i] = 0;
}

// BatchNorm's x·a + b (the ReLU's input): one expression for BatchNorm's forward and its
// backward's mask, and for the copies that apply BatchNorm + ReLU on the way into a convolution,
// so all round it alike (8 lanes at once round as one: the same multiply and add).
static inline float bn_value(float x, float a, float b) { return x * a + b; }

static inline float bn_relu(float x, float a, float b) {
    const float v = bn_value(x, a, b);
    return v > 0 ? v : 0;
}

// bn_relu of 8 lanes (a macro: a function passing vectors would change the ABI of the baseline clones).
#define bn_relu8(x, a, b) ({ const v8 v_ = (x) * (a) + (b); v_ > 0 ? v_ : 0; })

// dst[i] = src[i·sw + off] for i in [lo, hi), 0 elsewhere in [0, n); with `bn`, max(v·a + b, 0)
// of each value v copied (the zeros stay zero). Stride 1 and 2 move 8 floats a step, and a row of
// 8 or more ends with one overlapping step instead of a scalar tail (rows here are 8–64 floats,
// where the compiler's own vector loop left most of the work to its 4-wide and scalar epilogues).
// Loads never reach past the last input element the row uses.
__attribute__((always_inline))
static inline void gather_row_bn(float *restrict dst, const float *restrict src, long off, long n, long lo,
                                 long hi, long sw, int bn, float a, float b) {
    for (long i = 0; i < lo; i++) dst[i] = 0;
    const float *s = src + off;
    if (sw == 1 && hi - lo >= 8) {
        long i = lo;
        for (; i + 8 <= hi; i += 8) {
            const v8 v = *(const v8u *)(s + i);
            *(v8u *)(dst + i) = bn ? bn_relu8(v, a, b) : v;
        }
        if (i < hi) {
            const v8 v = *(const v8u *)(s + hi - 8);
            *(v8u *)(dst + hi - 8) = bn ? bn_relu8(v, a, b) : v;
        }
    } else if (sw == 2 && hi - lo >= 8) {
        // Eight outputs from two loads of 8: the even lanes.
        long i = lo;
        for (; i + 8 < hi; i += 8) {
            v8 u = *(const v8u *)(s + 2 * i), w = *(const v8u *)(s + 2 * i + 8);
            const v8 v = __builtin_shufflevector(u, w, 0, 2, 4, 6, 8, 10, 12, 14);
            *(v8u *)(dst + i) = bn ? bn_relu8(v, a, b) : v;
        }
        // The last eight: the second load starts one float early so it ends on the last input used.
        const float *t = s + 2 * (hi - 8);
        v8 u = *(const v8u *)t, w = *(const v8u *)(t + 7);
        const v8 v = __builtin_shufflevector(u, w, 0, 2, 4, 6, 9, 11, 13, 15);
        *(v8u *)(dst + hi - 8) = bn ? bn_relu8(v, a, b) : v;
    } else {
        for (long i = lo; i < hi; i++) dst[i] = bn ? bn_relu(s[i * sw], a, b) : s[i * sw];
    }
    for (long i = hi; i < n; i++) dst[i] = 0;
}

// The same without BatchNorm.
static inline void gather_row(float *restrict dst, const float *restrict src, long off, long n,
                              long lo, long hi, long sw) {
    gather_row_bn(dst, src, off, n, lo, hi, sw, 0, 0, 0);
}

#endif
