// Which of the kernels this CPU runs.
#include "CKernels.h"

int likely_vector_kernels_available(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;  // the AVX2 kernels are compiled on x86-64 only
#endif
}
