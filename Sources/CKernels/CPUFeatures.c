// Which of the kernels this CPU runs.
#include "CKernels.h"

int likely_vector_kernels_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
