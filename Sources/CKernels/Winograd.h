// The Winograd F(2×2, 3×3) forward sums, used by DirectConvolutionAVX2.c in place of the direct
// loops when a convolution suits them (see likely_winograd_scratch in CKernels.h).
#ifndef LIKELY_WINOGRAD_H
#define LIKELY_WINOGRAD_H

#if defined(__x86_64__)
#include "CKernels.h"

#define HIDDEN __attribute__((visibility("hidden")))

/// 1 when winograd_image computes the forward sums of g: a 3×3 kernel, an even output height
/// and width, and input and output channels in whole 8-channel blocks.
HIDDEN int winograd_suits(const LikelyConvolutionGeometry *g);

/// The kernel in the Winograd domain, u[a * 4 + b][c][f] = sum_{ky, kx} G[a][ky] w[ky][kx][c][f] G[b][kx]
/// with G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]: 16 * inChannels * outChannels
/// floats at the start of `scratch`, for winograd_image to use with the rest of it.
HIDDEN void winograd_kernel(const float *w, const LikelyConvolutionGeometry *g, float *scratch);

/// The forward sums of one zero-padded image (as `pad_image` lays it out), output tile by 2×2
/// output tile: out = Aᵀ [u ⊙ (Bᵀ d B)] A summed over the channels, + bias, then max(., 0) when
/// relu, where d is the tile's 4×4 input patch; 16 multiplications per tile and channel pair
/// instead of the direct sum's 36. `scratch` as winograd_kernel left it.
HIDDEN void winograd_image(const float *padded, const LikelyConvolutionGeometry *g, const float *scratch,
                           const float *bias, int relu, float *output);

/// The kernel gradient in the Winograd domain: zeroes dU, the first 16 * inChannels *
/// outChannels floats of `scratch` (laid out as winograd_kernel's).
HIDDEN void winograd_gradient_start(const LikelyConvolutionGeometry *g, float *scratch);

/// Adds one image's dU[ξ][c][f] += sum over its 2×2 output tiles of V[ξ][c] · Ĝ[ξ][f], where
/// V = Bᵀ d B of the zero-padded input (as `pad_image` lays it out) and Ĝ = A dY Aᵀ of the
/// tile's output gradient dY (`grad`, [outHeight, outWidth, outChannels]): the pullback of
/// winograd_image's products, 16 multiplications per tile and channel pair instead of 36.
HIDDEN void winograd_gradient_image(const float *padded, const float *grad, const LikelyConvolutionGeometry *g,
                                    float *scratch);

/// dw[ky][kx][c][f] += sum_{a, b} G[a][ky] dU[a * 4 + b][c][f] G[b][kx] (the pullback of
/// winograd_kernel), once the images' dU are summed.
HIDDEN void winograd_gradient_finish(const float *scratch, const LikelyConvolutionGeometry *g, float *dw);

#endif  // __x86_64__

#endif
