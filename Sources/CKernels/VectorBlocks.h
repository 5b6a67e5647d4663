// Helpers shared by the AVX2 kernels: 8-float blocks, loaded and stored whole or, for the
// last block of a channel range, only in the lanes of a mask.
#ifndef LIKELY_VECTOR_BLOCKS_H
#define LIKELY_VECTOR_BLOCKS_H

#if defined(__x86_64__)
#include <immintrin.h>

#define VECTOR __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

/// The first n of 8 lanes.
VECTOR INLINE __m256i first_lanes(long n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

VECTOR INLINE __m256 load_block(const float *p, int partial, __m256i mask) {
    return partial ? _mm256_maskload_ps(p, mask) : _mm256_loadu_ps(p);
}

VECTOR INLINE void store_block(float *p, __m256 v, int partial, __m256i mask) {
    if (partial) _mm256_maskstore_ps(p, mask, v);
    else _mm256_storeu_ps(p, v);
}

#endif  // __x86_64__

#endif
