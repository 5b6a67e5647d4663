// Hot loops in C with AVX2 + FMA intrinsics: the direct convolution of small CNNs (stride 1,
// dilation 1) and 2x2 max pooling. LikelyNN calls them when the CPU has AVX2 and FMA
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

/// out[b, i, j, f] = bias[f] + sum_{ky, kx, c} in[b, i - padTop + ky, j - padLeft + kx, c] * w[ky, kx, c, f],
/// then max(., 0) when relu != 0, for `images` consecutive images; bias may be NULL. When
/// input_mask is not NULL (an array shaped like the input), `in` is the input where the mask
/// is positive and input * 0 elsewhere: the input gradient of a fused convolution + ReLU.
/// Writes every output scalar. `scratch` holds one zero-padded image:
/// (outHeight + kernelHeight - 1) * (outWidth + kernelWidth - 1) * inChannels floats.
void likely_convolution_forward(const float *input, const float *input_mask, const LikelyConvolutionGeometry *geometry,
                                long images, const float *weights, const float *bias, int relu, float *output,
                                float *scratch);

/// dw[ky, kx, c, f] += sum_{b, i, j} in[b, i - padTop + ky, j - padLeft + kx, c] * g[b, i, j, f]
/// and, when db is not NULL, db[f] += sum_{b, i, j} g[b, i, j, f] (the bias gradient),
/// over `images` consecutive images. When gradient_mask is not NULL (shaped like the
/// gradient), g is the gradient where the mask is positive and gradient * 0 elsewhere.
/// `scratch` holds one zero-padded image as for the forward kernel, plus, with a mask,
/// outHeight * outWidth * outChannels floats.
void likely_convolution_kernel_gradient(const float *input, const float *gradient, const float *gradient_mask,
                                        const LikelyConvolutionGeometry *geometry, long images, float *dw,
                                        float *db, float *scratch);

/// 2x2 max pooling at stride 2 of `images` consecutive [height, width, channels] images into
/// [height / 2, width / 2, channels] (an odd last row or column is left out):
/// out[b, i, j, c] = max of in[b, 2i + u, 2j + v, c] over (u, v) = (0, 0), (0, 1), (1, 0), (1, 1),
/// the first of equal maxima winning; winners (NULL to skip) gets its cell, 0-3, in that order.
void likely_max_pool_2x2(const float *input, long height, long width, long channels, long images,
                         float *output, int32_t *winners);

/// The pullback of likely_max_pool_2x2: dx[cell] = g where the cell won its window, else 0,
/// written for every cell of every window (an odd last row or column is not touched).
void likely_max_pool_2x2_gradient(const float *gradient, const int32_t *winners, long height, long width,
                                  long channels, long images, float *dx);

#endif

#endif
