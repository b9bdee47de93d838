// The entry points of this target are compiled twice on x86-64 Linux with clang, for AVX2 and
// for the baseline, and the loader picks one for the machine (GNU ifunc).
#ifndef MCN_CLONES_H
#define MCN_CLONES_H
#if defined(__x86_64__) && defined(__clang__) && defined(__linux__)
#define MCN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MCN_CLONES
#endif
#endif
