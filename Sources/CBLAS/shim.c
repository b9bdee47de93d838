#include "CBLAS.h"

void mcn_blas_set_threads(int threads) { openblas_set_num_threads(threads < 1 ? 1 : threads); }
int mcn_blas_threads(void) { return openblas_get_num_threads(); }
const char *mcn_blas_config(void) { return openblas_get_config(); }
