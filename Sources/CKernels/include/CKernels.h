// Hot loops in C with AVX2 + FMA intrinsics: the direct convolution of small CNNs (stride 1,
// dilation 1), 2x2 max pooling, and the two fused. LikelyNN calls them when the CPU has AVX2 and FMA
// (`Kernels.best`), and its portable Swift loops otherwise. See docs/performance.md.
#ifndef LIKELY_CKERNELS_H
#define LIKELY_CKERNELS_H

#include <stdint.h>

/// 1 when this CPU runs the kernels below (AVX2 and FMA), else 0.
int likely_vector_kernels_available(void);

#if defined(__x86_64__)
// The kernels exist on x86-64 only (elsewhere the availability check above returns 0).

/// The geometry of a stride-1, dilation-1 convolution of one image: input
/// [height, width, inChannels], output [outHeight, outWidth, outChannels], kernel
/// [kernelHeight, kernelWidth, inChannels, outChannels]; output (i, j) reads input
/// (i - padTop + ky, j - padLeft + kx), zero outside the image.
typedef struct {
    long height, width, inChannels;
    long outHeight, outWidth, outChannels;
    long kernelHeight, kernelWidth;
    long padTop, padLeft;
} LikelyConvolutionGeometry;

/// Floats of scratch the forward sums of g need for Winograd F(2x2, 3x3), which replaces the
/// direct loops (16 multiplications per 2x2 output tile and channel pair instead of 36) when
/// g has a 3x3 kernel, an even output height and width, and input and output channels in
/// whole 8-channel blocks; 0 otherwise.
long likely_winograd_scratch(const LikelyConvolutionGeometry *geometry);

/// out[b, i, j, f] = bias[f] + sum_{ky, kx, c} in[b, i - padTop + ky, j - padLeft + kx, c] * w[ky, kx, c, f],
/// then max(., 0) when relu != 0, for `images` consecutive images; bias may be NULL.
/// Writes every output scalar. `scratch` holds one zero-padded image:
/// (outHeight + kernelHeight - 1) * (outWidth + kernelWidth - 1) * inChannels floats, followed
/// by likely_winograd_scratch(geometry) floats.
void likely_convolution_forward(const float *input, const LikelyConvolutionGeometry *geometry, long images,
                                const float *weights, const float *bias, int relu, float *output, float *scratch);

/// likely_max_pool_2x2(max(likely_convolution_forward(...), 0)) one image at a time, so the
/// convolution's output never leaves the cache: pooled [images, outHeight / 2, outWidth / 2,
/// outChannels] and, when winners is not NULL, the winning cells as likely_max_pool_2x2 keeps
/// them. outHeight and outWidth must be even. `scratch` holds the forward kernel's padded
/// image, one output image (outHeight * outWidth * outChannels floats), then
/// likely_winograd_scratch(geometry) floats.
void likely_convolution_relu_pool_forward(const float *input, const LikelyConvolutionGeometry *geometry, long images,
                                          const float *weights, const float *bias, float *pooled, int32_t *winners,
                                          float *scratch);

/// Where the backward kernel finds G = dL/dy of each image [outHeight, outWidth, outChannels]:
/// - winners NULL, mask NULL: G = gradient;
/// - winners NULL, mask not NULL (the output of a fused ReLU): G = gradient where mask > 0,
///   gradient * 0 elsewhere (a ReLU's pullback);
/// - winners not NULL (a fused ReLU then 2x2 max pooling): gradient, mask and winners are the
///   pooled gradient, the pooled output and its winners ([outHeight / 2, outWidth / 2,
///   outChannels] per image), and G is likely_max_pool_2x2_gradient's with that mask.
typedef struct {
    const float *gradient;
    const float *mask;
    const int32_t *winners;
} LikelyOutputGradient;

/// The pullback of a convolution of `images` consecutive images, one image at a time so its G
/// is built once and stays in cache:
/// dx[b, i, j, c] = sum_{ky, kx, f} Gpad[b, i + ky, j + kx, f] * flipped[ky, kx, f, c] (the forward
/// kernel on G with the input-gradient geometry `back` and the flipped, channel-swapped kernel),
/// written for every scalar when dx is not NULL;
/// dw[ky, kx, c, f] += sum_{b, i, j} in[b, i - padTop + ky, j - padLeft + kx, c] * G[b, i, j, f] and
/// db[f] += sum_{b, i, j} G[b, i, j, f] when dw (and db) are not NULL, adding image after image.
/// flipped is read only for dx. `scratch` holds the padded input image (as for the forward kernel), the padded G
/// ((height + kh - 1) * (width + kw - 1) * outChannels floats), one G image, then
/// likely_winograd_scratch(back) + likely_winograd_scratch(geometry) floats. Where the
/// geometry suits Winograd, dw is summed in its domain (the pullback of its products) and
/// brought back once at the end of the call.
void likely_convolution_backward(const float *input, const LikelyOutputGradient *source,
                                 const LikelyConvolutionGeometry *geometry, const LikelyConvolutionGeometry *back,
                                 long images, const float *flipped, float *dx, float *dw, float *db, float *scratch);

/// 2x2 max pooling at stride 2 of `images` consecutive [height, width, channels] images into
/// [height / 2, width / 2, channels] (an odd last row or column is left out):
/// out[b, i, j, c] = max of in[b, 2i + u, 2j + v, c] over (u, v) = (0, 0), (0, 1), (1, 0), (1, 1),
/// the first of equal maxima winning; winners (NULL to skip) gets its cell, 0-3, in that order.
void likely_max_pool_2x2(const float *input, long height, long width, long channels, long images,
                         float *output, int32_t *winners);

/// The pullback of likely_max_pool_2x2: dx[cell] = g where the cell won its window, else 0,
/// written for every cell of every window (an odd last row or column is not touched). When
/// relu_mask is not NULL (the pooled output, shaped like g), g is first replaced by g * 0 where
/// relu_mask is not positive: the pullback of max pooling after a ReLU.
void likely_max_pool_2x2_gradient(const float *gradient, const int32_t *winners, const float *relu_mask,
                                  long height, long width, long channels, long images, float *dx);

#endif

#endif
