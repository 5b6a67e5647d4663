// Register tiles of the AVX2 kernels: R pixels (or taps) times NB 8-channel blocks of sums kept
// in the 16 vector registers while an inner loop streams rank-1 updates into them, and the
// macros that cover a row and a channel range with such tiles (each tile size a constant, so
// each call inlines its own code). Shared by the direct convolution and the Winograd kernels.
#ifndef LIKELY_REGISTER_TILES_H
#define LIKELY_REGISTER_TILES_H

#if defined(__x86_64__)
#include "VectorBlocks.h"

/// Where the sums of one channel range live: `blocks` 8-channel blocks starting at channel
/// `first`, the last one `partial` (only the lanes in `mask`) when the range ends mid-block.
typedef struct {
    long first;
    int blocks, partial;
    __m256i mask;
} ChannelTile;

/// Loads NB consecutive 8-channel blocks from p, the last one partial when `partial`.
VECTOR INLINE void load_blocks(__m256 v[2], const float *p, const int NB, const int partial, __m256i mask) {
    for (int nb = 0; nb < NB; nb++) v[nb] = load_block(p + 8 * nb, partial && nb == NB - 1, mask);
}

/// One rank-1 update of a register tile: acc[r][nb] += s[r * stride] * v[nb] for r < R, nb < NB.
VECTOR INLINE void tile_update(__m256 acc[12][2], const __m256 v[2], const float *s, long stride, const int R,
                               const int NB) {
    for (int r = 0; r < R; r++) {
        __m256 sv = _mm256_broadcast_ss(s + r * stride);
        for (int nb = 0; nb < NB; nb++) acc[r][nb] = _mm256_fmadd_ps(sv, v[nb], acc[r][nb]);
    }
}

/// n rank-1 updates of a register tile, the k-th with the NB blocks at v + k * vStride and the
/// R scalars at s + k * sStride + r * rStride: acc[r][nb] += sum_k s[k * sStride + r * rStride] * v[k * vStride][nb].
VECTOR INLINE void tile_updates(__m256 acc[12][2], const float *v, long vStride, const float *s, long sStride,
                                long rStride, long n, const int R, const int NB, const int partial, __m256i mask) {
    for (long k = 0; k < n; k++) {
        __m256 vk[2];
        load_blocks(vk, v + k * vStride, NB, partial, mask);
        tile_update(acc, vk, s + k * sStride, rStride, R, NB);
    }
}

/// Forward: R pixels of one output row times NB channel blocks, each sum in a register;
/// acc[r][nb] = bias + sum_{ky, t} x[ky][r * C + t] * w[ky][t][nb], t = kx * C + c over
/// the kw * C taps of a kernel row.
VECTOR INLINE void forward_tile(const float *x, long rowStride, long channels, long taps, long kh,
                                const float *w, long f, const float *bias, int relu, float *out,
                                const int R, const int NB, const int partial, __m256i mask) {
    __m256 acc[12][2];
    for (int nb = 0; nb < NB; nb++) {
        __m256 start = bias ? load_block(bias + 8 * nb, partial && nb == NB - 1, mask) : _mm256_setzero_ps();
        for (int r = 0; r < R; r++) acc[r][nb] = start;
    }
    for (long ky = 0; ky < kh; ky++)
        tile_updates(acc, w + ky * taps * f, f, x + ky * rowStride, 1, channels, taps, R, NB, partial, mask);
    const __m256 zero = _mm256_setzero_ps();
    for (int r = 0; r < R; r++) {
        for (int nb = 0; nb < NB; nb++) {
            // max(0, s) keeps a NaN sum NaN (maxps returns its second operand when either is NaN).
            __m256 v = relu ? _mm256_max_ps(zero, acc[r][nb]) : acc[r][nb];
            store_block(out + r * f + 8 * nb, v, partial && nb == NB - 1, mask);
        }
    }
}

/// Kernel gradient: T consecutive taps t0 + t (t = kx * C + c within kernel row ky) times NB
/// channel blocks, summed over every output pixel of one image into registers, then added to
/// dw: dw[ky][t0 + t][nb] += sum_{i, j} x[i + ky][j * C + t0 + t] * g[i][j][nb].
VECTOR INLINE void gradient_tile(const float *x, long rowStride, long channels, const float *grad, long oh,
                                 long ow, long f, float *dw, const int T, const int NB, const int partial,
                                 __m256i mask) {
    __m256 acc[12][2];
    for (int t = 0; t < T; t++) load_blocks(acc[t], dw + t * f, NB, partial, mask);
    for (long oy = 0; oy < oh; oy++)
        tile_updates(acc, grad + oy * ow * f, f, x + oy * rowStride, channels, 1, ow, T, NB, partial, mask);
    for (int t = 0; t < T; t++)
        for (int nb = 0; nb < NB; nb++) store_block(dw + t * f + 8 * nb, acc[t][nb], partial && nb == NB - 1, mask);
}

/// Covers i = 0..<count in runs: as many of RMAX as fit, then of 4, 2 and 1, calling
/// TILE(i, run length, NB, PARTIAL) for each (the run lengths are constants, so each call
/// inlines a tile of that size).
#define IN_RUNS(i, count, RMAX, TILE, NB, PARTIAL)                                                    \
    do {                                                                                              \
        long i = 0;                                                                                   \
        for (; i + (RMAX) <= (count); i += (RMAX)) TILE(i, RMAX, NB, PARTIAL);                        \
        for (; i + 4 <= (count); i += 4) TILE(i, 4, NB, PARTIAL);                                     \
        for (; i + 2 <= (count); i += 2) TILE(i, 2, NB, PARTIAL);                                     \
        for (; i < (count); i += 1) TILE(i, 1, NB, PARTIAL);                                          \
    } while (0)

/// The channel tiles of f output channels: pairs of full blocks, a single full block, then
/// the partial remainder; `tile` is set for each and `body` run.
#define FOR_EACH_CHANNEL_TILE(f, body)                                                                \
    do {                                                                                              \
        ChannelTile tile = {0, 2, 0, first_lanes(8)};                                                 \
        for (; tile.first + 16 <= (f); tile.first += 16) { body; }                                    \
        tile.blocks = 1;                                                                              \
        for (; tile.first + 8 <= (f); tile.first += 8) { body; }                                      \
        if (tile.first < (f)) {                                                                       \
            tile.partial = 1;                                                                         \
            tile.mask = first_lanes((f) - tile.first);                                                \
            body;                                                                                     \
        }                                                                                             \
    } while (0)

/// Covers i = 0..<count times the f channels in register tiles: for each channel tile, runs
/// of 6 with two full blocks, else of 12 with one block (full or partial).
#define IN_TILES(i, count, f, TILE)                                                                   \
    FOR_EACH_CHANNEL_TILE(f, {                                                                        \
        if (tile.blocks == 2) IN_RUNS(i, count, 6, TILE, 2, 0);                                       \
        else if (!tile.partial) IN_RUNS(i, count, 12, TILE, 1, 0);                                    \
        else IN_RUNS(i, count, 12, TILE, 1, 1);                                                       \
    })

#endif  // __x86_64__

#endif
