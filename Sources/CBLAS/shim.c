#include "CBLAS.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static __typeof__(&cblas_sgemm) p_sgemm;
static __typeof__(&cblas_saxpy) p_saxpy;
static __typeof__(&cblas_sdot) p_sdot;
static void (*p_set_threads)(int);
static int (*p_get_threads)(void);
static char *(*p_get_config)(void);
static char *(*p_get_corename)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *library = "libopenblas.so.0";
static char failure[512];
static int loaded;
static char core_note[256];

// OpenBLAS's kernel sets that use AVX2 and FMA or wider (its DYNAMIC_ARCH core names).
static const char *const vector_cores[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"};

const char *mcn_blas_better_core(const char *chosen, int avx2fma, int avx512) {
    if (!chosen || !*chosen) return NULL;
    for (size_t i = 0; i < sizeof vector_cores / sizeof vector_cores[0]; i++)
        if (strcasecmp(chosen, vector_cores[i]) == 0) return NULL;
    if (avx512) return "SkylakeX";
    if (avx2fma) return "Haswell";
    return NULL;
}

static void *open_library(void) {
    void *h = dlopen(library, RTLD_NOW | RTLD_GLOBAL);
    p_get_corename = h ? (char *(*)(void))dlsym(h, "openblas_get_corename") : NULL;
    return h;
}

// What the CPU can run, for mcn_blas_better_core.
static void cpu_vectors(int *avx2fma, int *avx512) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    *avx2fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    *avx512 = *avx2fma && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    *avx2fma = *avx512 = 0;
#endif
}

// OpenBLAS picks its kernels for the CPU when it is opened, and a release older than the CPU may
// not know it: Debian 12's 0.3.21 took a Xeon of family 6 model 207 (Emerald Rapids) for a
// Prescott and ran SSE3 kernels, sgemm 30–57 GFLOP/s instead of 210–280 with its AVX-512 ones.
// When the kernels it chose use less than the CPU has, and the user named no core, the library is
// closed and opened again with OPENBLAS_CORETYPE naming kernels the CPU can run (read by its
// loader only, so the variable is taken away again after). If the library cannot be opened again,
// or still runs the old kernels (it was not unloaded, or it is built for one CPU), it is what it
// was, and the note says so.
static void *open_with_fitting_core(void) {
    void *h = open_library();
    if (!h || !p_get_corename || getenv("OPENBLAS_CORETYPE")) return h;
    int avx2fma, avx512;
    cpu_vectors(&avx2fma, &avx512);
    char was[64];
    snprintf(was, sizeof was, "%s", p_get_corename());
    const char *better = mcn_blas_better_core(was, avx2fma, avx512);
    if (!better) return h;
    dlclose(h);
    setenv("OPENBLAS_CORETYPE", better, 1);
    h = open_library();
    unsetenv("OPENBLAS_CORETYPE");
    if (!h) {
        h = open_library();
        snprintf(core_note, sizeof core_note, "OpenBLAS took this CPU for %s; it would not open again with "
                 "OPENBLAS_CORETYPE=%s and runs %s", was, better, was);
        return h;
    }
    const char *now = p_get_corename ? p_get_corename() : "?";
    if (strcasecmp(now, better) == 0)
        snprintf(core_note, sizeof core_note, "OpenBLAS took this CPU for %s; reopened with OPENBLAS_CORETYPE=%s",
                 was, better);
    else
        snprintf(core_note, sizeof core_note, "OpenBLAS took this CPU for %s; reopened with OPENBLAS_CORETYPE=%s "
                 "but it still runs %s (set OPENBLAS_CORETYPE yourself, or install a newer OpenBLAS)", was, better, now);
    return h;
}

static void load(void) {
    // OpenBLAS's idle workers spin (sched_yield) for up to 2^28 cycles after each call and take a
    // core from whatever runs next on a 2-core machine (the top-k selection's share of retrieval
    // swung 15% / 30% with it, 15% / 15% without; training steps measured the same either way).
    // 2^4 cycles: they sleep at once. Read by OpenBLAS when it is opened; the user's value wins.
    setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0);
    const char *chosen = getenv("MCN_BLAS_LIBRARY");
    if (chosen && *chosen) library = chosen;
    void *h = open_with_fitting_core();
    if (!h) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "%s", why ? why : library);
        return;
    }
    p_sgemm = (__typeof__(p_sgemm))dlsym(h, "cblas_sgemm");
    p_saxpy = (__typeof__(p_saxpy))dlsym(h, "cblas_saxpy");
    p_sdot = (__typeof__(p_sdot))dlsym(h, "cblas_sdot");
    if (!p_sgemm || !p_saxpy || !p_sdot) {
        snprintf(failure, sizeof failure, "%s has no cblas_sgemm, cblas_saxpy or cblas_sdot", library);
        return;
    }
    // OpenBLAS's own extensions; another CBLAS runs without them.
    p_set_threads = (void (*)(int))dlsym(h, "openblas_set_num_threads");
    p_get_threads = (int (*)(void))dlsym(h, "openblas_get_num_threads");
    p_get_config = (char *(*)(void))dlsym(h, "openblas_get_config");
    loaded = 1;
}

const char *mcn_blas_load(void) {
    pthread_once(&once, load);
    return loaded ? NULL : failure;
}

const char *mcn_blas_library(void) { return library; }

void mcn_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
               int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
               float beta, float *c, int ldc) {
    p_sgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void mcn_saxpy(int n, float alpha, const float *x, int incx, float *y, int incy) {
    p_saxpy(n, alpha, x, incx, y, incy);
}

float mcn_sdot(int n, const float *x, int incx, const float *y, int incy) {
    return p_sdot(n, x, incx, y, incy);
}

void mcn_blas_set_threads(int threads) {
    if (mcn_blas_load() == NULL && p_set_threads) p_set_threads(threads < 1 ? 1 : threads);
}

int mcn_blas_threads(void) {
    return mcn_blas_load() == NULL && p_get_threads ? p_get_threads() : 1;
}

const char *mcn_blas_core(void) {
    if (mcn_blas_load() != NULL || !p_get_corename) return "";
    return p_get_corename();
}

const char *mcn_blas_core_note(void) {
    mcn_blas_load();
    return core_note;
}

const char *mcn_blas_config(void) {
    if (mcn_blas_load() != NULL) return "unavailable";
    return p_get_config ? p_get_config() : library;
}
