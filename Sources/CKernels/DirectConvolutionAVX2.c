// Direct stride-1 convolution with AVX2 + FMA: the forward sum (also fused with a ReLU and 2x2
// max pooling) and the pullback, whose input gradient is a forward sum over the output
// gradient with the flipped kernel and whose kernel gradient is computed from the same
// image's gradient while it is in cache. All work on one zero-padded copy of each image, so
// no tap needs a bounds test, and keep a tile of 8-channel sums in the 16 vector registers
// while the inner loop streams the taps (forward) or the output pixels (kernel gradient).
#include "CKernels.h"
#include "VectorBlocks.h"

#if defined(__x86_64__)

#include <string.h>

/// The zero-padded image: (r, q) holds input (r - padTop, q - padLeft), zero outside the image;
/// outHeight + kh - 1 rows of outWidth + kw - 1 pixels, so output (i, j) tap (ky, kx) reads (i + ky, j + kx).
typedef struct {
    long height, width, channels;
} PaddedShape;

static PaddedShape padded_shape(const LikelyConvolutionGeometry *g) {
    PaddedShape p = {g->outHeight + g->kernelHeight - 1, g->outWidth + g->kernelWidth - 1, g->inChannels};
    return p;
}

/// Zeroes the whole padded buffer, once per call: `pad_image` writes only the image's own
/// pixels, so the border stays zero from one image to the next.
static void clear_padding(PaddedShape p, float *out) {
    memset(out, 0, sizeof(float) * (size_t)(p.height * p.width * p.channels));
}

/// dst[i] = src[i] where mask[i] > 0, else src[i] * 0 (a ReLU's pullback: zero, or NaN for a
/// non-finite src), for i < n.
VECTOR static void masked_copy(const float *src, const float *mask, long n, float *dst) {
    const __m256 zero = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(src + i);
        __m256 keep = _mm256_cmp_ps(_mm256_loadu_ps(mask + i), zero, _CMP_GT_OQ);
        _mm256_storeu_ps(dst + i, _mm256_blendv_ps(_mm256_mul_ps(v, zero), v, keep));
    }
    for (; i < n; i++) dst[i] = mask[i] > 0 ? src[i] : src[i] * 0.0f;
}

/// Copies the image into the inside of the padded buffer.
static void pad_image(const float *image, const LikelyConvolutionGeometry *g, PaddedShape p, float *out) {
    long q0 = g->padLeft > 0 ? g->padLeft : 0;
    long q1 = g->width + g->padLeft < p.width ? g->width + g->padLeft : p.width;
    if (q1 <= q0) return;
    for (long r = 0; r < p.height; r++) {
        long iy = r - g->padTop;
        if (iy < 0 || iy >= g->height) continue;
        const long from = (iy * g->width + q0 - g->padLeft) * p.channels, count = (q1 - q0) * p.channels;
        float *to = out + (r * p.width + q0) * p.channels;
        memcpy(to, image + from, sizeof(float) * (size_t)count);
    }
}

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
    for (long ky = 0; ky < kh; ky++) {
        const float *xr = x + ky * rowStride;
        const float *wr = w + ky * taps * f;
        for (long t = 0; t < taps; t++) {
            __m256 wv[2];
            load_blocks(wv, wr + t * f, NB, partial, mask);
            tile_update(acc, wv, xr + t, channels, R, NB);
        }
    }
    const __m256 zero = _mm256_setzero_ps();
    for (int r = 0; r < R; r++) {
        for (int nb = 0; nb < NB; nb++) {
            // max(0, s) keeps a NaN sum NaN (maxps returns its second operand when either is NaN).
            __m256 v = relu ? _mm256_max_ps(zero, acc[r][nb]) : acc[r][nb];
            store_block(out + r * f + 8 * nb, v, partial && nb == NB - 1, mask);
        }
    }
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

/// The forward tile at output pixel ox of the current row and channel tile.
#define FORWARD_TILE(ox, R, NB, PARTIAL)                                                              \
    forward_tile(x + (ox) * c, rowStride, c, taps, kh, w + tile.first, f, bias ? bias + tile.first : NULL, relu, \
                 out + (ox) * f + tile.first, (R), (NB), (PARTIAL), tile.mask)

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

/// The forward sums of one zero-padded image (`pad_image`) into its output rows.
VECTOR static void forward_image(const float *padded, const LikelyConvolutionGeometry *g, const float *w,
                                 const float *bias, int relu, float *output) {
    const PaddedShape p = padded_shape(g);
    const long c = g->inChannels, f = g->outChannels, kh = g->kernelHeight, ow = g->outWidth;
    const long taps = g->kernelWidth * c, rowStride = p.width * c;
    for (long oy = 0; oy < g->outHeight; oy++) {
        const float *x = padded + oy * rowStride;
        float *out = output + oy * ow * f;
        IN_TILES(ox, ow, f, FORWARD_TILE);
    }
}

VECTOR void likely_convolution_forward(const float *input, const LikelyConvolutionGeometry *g, long images,
                                       const float *weights, const float *bias, int relu, float *output, float *padded) {
    const PaddedShape p = padded_shape(g);
    const long inputSize = g->height * g->width * g->inChannels, outputSize = g->outHeight * g->outWidth * g->outChannels;
    clear_padding(p, padded);
    for (long b = 0; b < images; b++) {
        pad_image(input + b * inputSize, g, p, padded);
        forward_image(padded, g, weights, bias, relu, output + b * outputSize);
    }
}

VECTOR void likely_convolution_relu_pool_forward(const float *input, const LikelyConvolutionGeometry *g, long images,
                                                 const float *weights, const float *bias, float *pooled,
                                                 int32_t *winners, float *scratch) {
    const PaddedShape p = padded_shape(g);
    const long inputSize = g->height * g->width * g->inChannels, pooledSize = (g->outHeight / 2) * (g->outWidth / 2) * g->outChannels;
    // One image's activations stay in cache between the convolution and the pooling.
    float *padded = scratch, *activations = scratch + p.height * p.width * p.channels;
    clear_padding(p, padded);
    for (long b = 0; b < images; b++) {
        pad_image(input + b * inputSize, g, p, padded);
        forward_image(padded, g, weights, bias, 1, activations);
        likely_max_pool_2x2(activations, g->outHeight, g->outWidth, g->outChannels, 1, pooled + b * pooledSize,
                            winners ? winners + b * pooledSize : NULL);
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
    for (long oy = 0; oy < oh; oy++) {
        const float *xr = x + oy * rowStride;
        const float *gr = grad + oy * ow * f;
        for (long ox = 0; ox < ow; ox++) {
            __m256 gv[2];
            load_blocks(gv, gr + ox * f, NB, partial, mask);
            tile_update(acc, gv, xr + ox * channels, 1, T, NB);
        }
    }
    for (int t = 0; t < T; t++)
        for (int nb = 0; nb < NB; nb++) store_block(dw + t * f + 8 * nb, acc[t][nb], partial && nb == NB - 1, mask);
}

/// The kernel-gradient tile at tap t0 of the current kernel row and channel tile.
#define GRADIENT_TILE(t0, T, NB, PARTIAL)                                                             \
    gradient_tile(x + (t0), rowStride, c, grad + tile.first, g->outHeight, g->outWidth, f,            \
                  dwRow + (t0) * f + tile.first, (T), (NB), (PARTIAL), tile.mask)

/// db[f] += sum over the rows of a [rows, f] gradient.
VECTOR static void add_column_sums(const float *grad, long rows, long f, float *db) {
    ChannelTile tile = {0, 1, 0, first_lanes(8)};
    for (; tile.first < f; tile.first += 8) {
        tile.partial = f - tile.first < 8;
        tile.mask = first_lanes(f - tile.first);
        __m256 acc = load_block(db + tile.first, tile.partial, tile.mask);
        for (long r = 0; r < rows; r++) acc = _mm256_add_ps(acc, load_block(grad + r * f + tile.first, tile.partial, tile.mask));
        store_block(db + tile.first, acc, tile.partial, tile.mask);
    }
}

/// ∂L/∂y of image b, [outHeight, outWidth, outChannels]: the gradient itself, or built into
/// `out` (masked, or unpooled and masked).
VECTOR static const float *output_gradient(const LikelyOutputGradient *s, const LikelyConvolutionGeometry *g, long b,
                                           float *out) {
    const long size = g->outHeight * g->outWidth * g->outChannels;
    if (s->winners) {
        const long pooledSize = size / 4;
        likely_max_pool_2x2_gradient(s->gradient + b * pooledSize, s->winners + b * pooledSize, s->mask + b * pooledSize,
                                     g->outHeight, g->outWidth, g->outChannels, 1, out);
        return out;
    }
    if (s->mask) {
        masked_copy(s->gradient + b * size, s->mask + b * size, size, out);
        return out;
    }
    return s->gradient + b * size;
}

VECTOR void likely_convolution_backward(const float *input, const LikelyOutputGradient *source,
                                        const LikelyConvolutionGeometry *g, const LikelyConvolutionGeometry *back,
                                        long images, const float *flipped, float *dx, float *dw, float *db,
                                        float *scratch) {
    const PaddedShape p = padded_shape(g), pb = padded_shape(back);
    const long c = g->inChannels, f = g->outChannels;
    const long taps = g->kernelWidth * c, rowStride = p.width * c;
    const long inputSize = g->height * g->width * c;
    float *padded = scratch, *paddedGradient = padded + p.height * p.width * p.channels;
    float *gradientImage = paddedGradient + pb.height * pb.width * pb.channels;
    clear_padding(p, padded);
    clear_padding(pb, paddedGradient);
    for (long b = 0; b < images; b++) {
        // The image's ∂L/∂y, built once and kept in cache for both passes.
        const float *grad = output_gradient(source, g, b, gradientImage);
        if (dx) {
            pad_image(grad, back, pb, paddedGradient);
            forward_image(paddedGradient, back, flipped, NULL, 0, dx + b * inputSize);
        }
        if (!dw) continue;
        pad_image(input + b * inputSize, g, p, padded);
        if (db) add_column_sums(grad, g->outHeight * g->outWidth, f, db);
        for (long ky = 0; ky < g->kernelHeight; ky++) {
            const float *x = padded + ky * rowStride;
            float *dwRow = dw + ky * taps * f;
            IN_TILES(t0, taps, f, GRADIENT_TILE);
        }
    }
}

#endif
