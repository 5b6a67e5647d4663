// Direct convolution kernels in C with AVX2 + FMA intrinsics, for the stride-1, dilation-1
// convolutions of small CNNs (LikelyNN's `DirectConvolution.swift` calls them when the CPU
// has AVX2 and FMA, and its portable Swift kernels otherwise). See docs/performance.md.
#ifndef LIKELY_CCONVOLUTION_H
#define LIKELY_CCONVOLUTION_H

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

/// 1 when this CPU runs the kernels below (AVX2 and FMA), else 0.
int likely_convolution_kernels_available(void);

/// out[b, i, j, f] = bias[f] + sum_{ky, kx, c} in[b, i - padTop + ky, j - padLeft + kx, c] * w[ky, kx, c, f],
/// then max(., 0) when relu != 0, for `images` consecutive images; bias may be NULL.
/// Writes every output scalar. `scratch` holds one zero-padded image:
/// (outHeight + kernelHeight - 1) * (outWidth + kernelWidth - 1) * inChannels floats.
void likely_convolution_forward(const float *input, const LikelyConvolutionGeometry *geometry, long images,
                                const float *weights, const float *bias, int relu, float *output, float *scratch);

/// dw[ky, kx, c, f] += sum_{b, i, j} in[b, i - padTop + ky, j - padLeft + kx, c] * g[b, i, j, f]
/// and, when db is not NULL, db[f] += sum_{b, i, j} g[b, i, j, f] (the bias gradient),
/// over `images` consecutive images; `scratch` as for the forward kernel.
void likely_convolution_kernel_gradient(const float *input, const float *gradient,
                                        const LikelyConvolutionGeometry *geometry, long images, float *dw,
                                        float *db, float *scratch);

#endif
