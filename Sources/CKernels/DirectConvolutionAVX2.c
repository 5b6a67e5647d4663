// Direct stride-1 convolution with AVX2 + FMA: the forward sum (also fused with a ReLU and 2x2
// max pooling) and the pullback, whose input gradient is a forward sum over the output
// gradient with the flipped kernel and whose kernel gradient is computed from the same
// image's gradient while it is in cache. All work on one zero-padded copy of each image, so
// no tap needs a bounds test, and keep a tile of 8-channel sums in the 16 vector registers
// while the inner loop streams the taps (forward) or the output pixels (kernel gradient).
#include "CKernels.h"
#include "RegisterTiles.h"
#include "Winograd.h"

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

/// The forward tile at output pixel ox of the current row and channel tile.
#define FORWARD_TILE(ox, R, NB, PARTIAL)                                                              \
    forward_tile(x + (ox) * c, rowStride, c, taps, kh, w + tile.first, f, bias ? bias + tile.first : NULL, relu, \
                 out + (ox) * f + tile.first, (R), (NB), (PARTIAL), tile.mask)

/// The forward sums of one zero-padded image (`pad_image`) into its output rows, for an image
/// of `c` = g->inChannels channels. `forward_image` inlines it with `c` a constant for the usual
/// channel counts, so a tile's R pixels (c floats apart) are read at fixed offsets from one
/// pointer instead of through a chain of additions: a third fewer instructions per tap.
VECTOR INLINE void forward_rows(const float *padded, const LikelyConvolutionGeometry *g, const long c,
                                const float *w, const float *bias, int relu, float *output) {
    const PaddedShape p = padded_shape(g);
    const long f = g->outChannels, kh = g->kernelHeight, ow = g->outWidth;
    const long taps = g->kernelWidth * c, rowStride = p.width * c;
    for (long oy = 0; oy < g->outHeight; oy++) {
        const float *x = padded + oy * rowStride;
        float *out = output + oy * ow * f;
        IN_TILES(ox, ow, f, FORWARD_TILE);
    }
}

/// The forward sums of one zero-padded image: `winograd_image` when `winograd` holds the
/// kernel's transform (`prepare_winograd`), else `forward_rows`, specialised for 1 (gray),
/// 3 (RGB), 8 and 16 input channels (seed-cnn's first and second layer and the second's input
/// gradient).
VECTOR static void forward_image(const float *padded, const LikelyConvolutionGeometry *g, const float *w,
                                 const float *bias, int relu, float *output, const float *winograd) {
    if (winograd) {
        winograd_image(padded, g, winograd, bias, relu, output);
        return;
    }
    switch (g->inChannels) {
    case 1: forward_rows(padded, g, 1, w, bias, relu, output); break;
    case 3: forward_rows(padded, g, 3, w, bias, relu, output); break;
    case 8: forward_rows(padded, g, 8, w, bias, relu, output); break;
    case 16: forward_rows(padded, g, 16, w, bias, relu, output); break;
    default: forward_rows(padded, g, g->inChannels, w, bias, relu, output); break;
    }
}

/// The Winograd scratch at `scratch` with the transform of kernel w when g suits it, else NULL
/// (the direct loops then run).
static const float *prepare_winograd(const float *w, const LikelyConvolutionGeometry *g, float *scratch) {
    if (!winograd_suits(g)) return NULL;
    winograd_kernel(w, g, scratch);
    return scratch;
}

VECTOR void likely_convolution_forward(const float *input, const LikelyConvolutionGeometry *g, long images,
                                       const float *weights, const float *bias, int relu, float *output, float *padded) {
    const PaddedShape p = padded_shape(g);
    const long inputSize = g->height * g->width * g->inChannels, outputSize = g->outHeight * g->outWidth * g->outChannels;
    const float *winograd = prepare_winograd(weights, g, padded + p.height * p.width * p.channels);
    clear_padding(p, padded);
    for (long b = 0; b < images; b++) {
        pad_image(input + b * inputSize, g, p, padded);
        forward_image(padded, g, weights, bias, relu, output + b * outputSize, winograd);
    }
}

VECTOR void likely_convolution_relu_pool_forward(const float *input, const LikelyConvolutionGeometry *g, long images,
                                                 const float *weights, const float *bias, float *pooled,
                                                 int32_t *winners, float *scratch) {
    const PaddedShape p = padded_shape(g);
    const long inputSize = g->height * g->width * g->inChannels, pooledSize = (g->outHeight / 2) * (g->outWidth / 2) * g->outChannels;
    // One image's activations stay in cache between the convolution and the pooling.
    float *padded = scratch, *activations = scratch + p.height * p.width * p.channels;
    const float *winograd = prepare_winograd(weights, g, activations + g->outHeight * g->outWidth * g->outChannels);
    clear_padding(p, padded);
    for (long b = 0; b < images; b++) {
        pad_image(input + b * inputSize, g, p, padded);
        forward_image(padded, g, weights, bias, 1, activations, winograd);
        likely_max_pool_2x2(activations, g->outHeight, g->outWidth, g->outChannels, 1, pooled + b * pooledSize,
                            winners ? winners + b * pooledSize : NULL);
    }
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
    float *backScratch = gradientImage + g->outHeight * g->outWidth * f;
    const float *winograd = dx ? prepare_winograd(flipped, back, backScratch) : NULL;
    float *winogradGradient = dw && winograd_suits(g) ? backScratch + likely_winograd_scratch(back) : NULL;
    if (winogradGradient) winograd_gradient_start(g, winogradGradient);
    clear_padding(p, padded);
    clear_padding(pb, paddedGradient);
    for (long b = 0; b < images; b++) {
        // The image's ∂L/∂y, built once and kept in cache for both passes.
        const float *grad = output_gradient(source, g, b, gradientImage);
        if (dx) {
            pad_image(grad, back, pb, paddedGradient);
            forward_image(paddedGradient, back, flipped, NULL, 0, dx + b * inputSize, winograd);
        }
        if (!dw) continue;
        pad_image(input + b * inputSize, g, p, padded);
        if (db) add_column_sums(grad, g->outHeight * g->outWidth, f, db);
        if (winogradGradient) {
            winograd_gradient_image(padded, grad, g, winogradGradient);
            continue;
        }
        for (long ky = 0; ky < g->kernelHeight; ky++) {
            const float *x = padded + ky * rowStride;
            float *dwRow = dw + ky * taps * f;
            IN_TILES(t0, taps, f, GRADIENT_TILE);
        }
    }
    if (winogradGradient) winograd_gradient_finish(winogradGradient, g, dw);
}

#endif
