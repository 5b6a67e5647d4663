// 2x2 stride-2 max pooling with AVX2: four 8-channel loads per window, compare and blend,
// the winning cell kept as a 32-bit code; the pullback writes each cell of each window once.
#include "CKernels.h"
#include "VectorBlocks.h"

#if defined(__x86_64__)

/// Compares the window cell at p + offset with the best so far, 8 channels (or the lanes of
/// `mask` when `partial`), keeping the larger and its cell code.
VECTOR INLINE void challenge(const float *p, long offset, int cell, __m256 *best, __m256i *code, int partial,
                             __m256i mask) {
    __m256 v = load_block(p + offset, partial, mask);
    __m256 better = _mm256_cmp_ps(v, *best, _CMP_GT_OQ);
    *best = _mm256_blendv_ps(*best, v, better);
    *code = _mm256_castps_si256(
        _mm256_blendv_ps(_mm256_castsi256_ps(*code), _mm256_castsi256_ps(_mm256_set1_epi32(cell)), better));
}

VECTOR void likely_max_pool_2x2(const float *input, long height, long width, long channels, long images,
                                float *output, int32_t *winners) {
    const long oh = height / 2, ow = width / 2, right = channels, down = width * channels;
    for (long b = 0; b < images; b++) {
        for (long oy = 0; oy < oh; oy++) {
            for (long ox = 0; ox < ow; ox++) {
                const float *p = input + ((b * height + 2 * oy) * width + 2 * ox) * channels;
                const long o = ((b * oh + oy) * ow + ox) * channels;
                for (long ch = 0; ch < channels; ch += 8) {
                    const int partial = channels - ch < 8;
                    const __m256i mask = first_lanes(channels - ch);
                    __m256 best = load_block(p + ch, partial, mask);
                    __m256i code = _mm256_setzero_si256();
                    challenge(p + ch, right, 1, &best, &code, partial, mask);
                    challenge(p + ch, down, 2, &best, &code, partial, mask);
                    challenge(p + ch, down + right, 3, &best, &code, partial, mask);
                    store_block(output + o + ch, best, partial, mask);
                    if (winners) store_block((float *)(winners + o + ch), _mm256_castsi256_ps(code), partial, mask);
                }
            }
        }
    }
}

/// g in the lanes whose code is `cell`, 0 in the others.
VECTOR INLINE __m256 select_cell(__m256 g, __m256i code, int cell) {
    return _mm256_and_ps(g, _mm256_castsi256_ps(_mm256_cmpeq_epi32(code, _mm256_set1_epi32(cell))));
}

VECTOR void likely_max_pool_2x2_gradient(const float *gradient, const int32_t *winners, const float *relu_mask,
                                         long height, long width, long channels, long images, float *dx) {
    const long oh = height / 2, ow = width / 2, right = channels, down = width * channels;
    for (long b = 0; b < images; b++) {
        for (long oy = 0; oy < oh; oy++) {
            for (long ox = 0; ox < ow; ox++) {
                float *p = dx + ((b * height + 2 * oy) * width + 2 * ox) * channels;
                const long o = ((b * oh + oy) * ow + ox) * channels;
                for (long ch = 0; ch < channels; ch += 8) {
                    const int partial = channels - ch < 8;
                    const __m256i mask = first_lanes(channels - ch);
                    __m256 g = load_block(gradient + o + ch, partial, mask);
                    if (relu_mask) {
                        // A ReLU's pullback before the pooling's: g where the maximum is positive, else g * 0.
                        const __m256 zero = _mm256_setzero_ps();
                        const __m256 keep = _mm256_cmp_ps(load_block(relu_mask + o + ch, partial, mask), zero, _CMP_GT_OQ);
                        g = _mm256_blendv_ps(_mm256_mul_ps(g, zero), g, keep);
                    }
                    const __m256i code = _mm256_castps_si256(load_block((const float *)(winners + o + ch), partial, mask));
                    store_block(p + ch, select_cell(g, code, 0), partial, mask);
                    store_block(p + ch + right, select_cell(g, code, 1), partial, mask);
                    store_block(p + ch + down, select_cell(g, code, 2), partial, mask);
                    store_block(p + ch + down + right, select_cell(g, code, 3), partial, mask);
                }
            }
        }
    }
}

#endif
