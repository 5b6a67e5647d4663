// Winograd F(2×2, 3×3) with AVX2 + FMA (Lavin and Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016): each 2×2 block of outputs comes from its 4×4 input patch d as
// Y = Aᵀ [U ⊙ V] A with V = Bᵀ d B per input channel, U = G w Gᵀ per channel pair, and the
// products summed over the input channels, so the 16 positions of the 4×4 domain are 16 small
// matrix products [tiles, C] × [C, F]; they run in the direct kernels' register tiles.
//   Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
//   G  = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]
//   Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]
// Work on one row of tiles at a time: the row's V ([16][tiles][C]) and products M
// ([16][tiles][F]) stay in cache.
#include "Winograd.h"
#include "RegisterTiles.h"

#if defined(__x86_64__)

/// G of the kernel transform U = G w Gᵀ.
static const float WINOGRAD_G[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};

/// Scalars of the scratch: U, then one row of tiles' V and M.
static long scratch_parts(const LikelyConvolutionGeometry *g, long *v, long *m) {
    const long tiles = g->outWidth / 2, u = 16 * g->inChannels * g->outChannels;
    *v = u;
    *m = u + 16 * tiles * g->inChannels;
    return *m + 16 * tiles * g->outChannels;
}

HIDDEN int winograd_suits(const LikelyConvolutionGeometry *g) {
    return g->kernelHeight == 3 && g->kernelWidth == 3 && g->outHeight % 2 == 0 && g->outWidth % 2 == 0 &&
           g->outHeight > 0 && g->outWidth > 0 && g->inChannels % 8 == 0 && g->outChannels % 8 == 0;
}

long likely_winograd_scratch(const LikelyConvolutionGeometry *g) {
    long v, m;
    return winograd_suits(g) ? scratch_parts(g, &v, &m) : 0;
}

HIDDEN void winograd_kernel(const float *w, const LikelyConvolutionGeometry *g, float *u) {
    const long c = g->inChannels, f = g->outChannels, pair = c * f;
    for (long k = 0; k < pair; k++) {
        float gw[4][3];  // G w, [a][kx]
        for (int a = 0; a < 4; a++)
            for (int kx = 0; kx < 3; kx++) {
                float s = 0;
                for (int ky = 0; ky < 3; ky++) s += WINOGRAD_G[a][ky] * w[(ky * 3 + kx) * pair + k];
                gw[a][kx] = s;
            }
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                u[(a * 4 + b) * pair + k] = gw[a][0] * WINOGRAD_G[b][0] + gw[a][1] * WINOGRAD_G[b][1] + gw[a][2] * WINOGRAD_G[b][2];
    }
}

/// V = Bᵀ d B of one 8-channel block of the 4×4 patch at x (rows rowStride apart, pixels
/// `channels` apart), stored at v + ξ * xiStride for ξ = a * 4 + b.
VECTOR INLINE void input_transform(const float *x, long rowStride, long channels, float *v, long xiStride) {
    __m256 d[4][4], r[4][4];
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) d[a][b] = _mm256_loadu_ps(x + a * rowStride + b * channels);
    for (int b = 0; b < 4; b++) {  // Bᵀ d
        r[0][b] = _mm256_sub_ps(d[0][b], d[2][b]);
        r[1][b] = _mm256_add_ps(d[1][b], d[2][b]);
        r[2][b] = _mm256_sub_ps(d[2][b], d[1][b]);
        r[3][b] = _mm256_sub_ps(d[1][b], d[3][b]);
    }
    for (int a = 0; a < 4; a++) {  // (Bᵀ d) B
        _mm256_storeu_ps(v + (a * 4 + 0) * xiStride, _mm256_sub_ps(r[a][0], r[a][2]));
        _mm256_storeu_ps(v + (a * 4 + 1) * xiStride, _mm256_add_ps(r[a][1], r[a][2]));
        _mm256_storeu_ps(v + (a * 4 + 2) * xiStride, _mm256_sub_ps(r[a][2], r[a][1]));
        _mm256_storeu_ps(v + (a * 4 + 3) * xiStride, _mm256_sub_ps(r[a][1], r[a][3]));
    }
}

/// V of a row of `tiles` tiles whose patches start at x: v[ξ][t][c], [16][tiles][channels].
VECTOR INLINE void transform_input_row(const float *x, long rowStride, long channels, long tiles, float *v) {
    for (long t = 0; t < tiles; t++)
        for (long cb = 0; cb < channels; cb += 8)
            input_transform(x + 2 * t * channels + cb, rowStride, channels, v + t * channels + cb, tiles * channels);
}

/// Y = Aᵀ M A + bias (then max(0, .) when relu) of one 8-channel block, M[ξ] at m + ξ * xiStride,
/// into the 2×2 outputs at out (rows rowStride apart, pixels `channels` apart).
VECTOR INLINE void output_transform(const float *m, long xiStride, __m256 bias, int relu, float *out, long rowStride,
                                    long channels) {
    __m256 s[2][4];
    for (int b = 0; b < 4; b++) {  // Aᵀ M
        __m256 m0 = _mm256_loadu_ps(m + b * xiStride), m1 = _mm256_loadu_ps(m + (4 + b) * xiStride);
        __m256 m2 = _mm256_loadu_ps(m + (8 + b) * xiStride), m3 = _mm256_loadu_ps(m + (12 + b) * xiStride);
        s[0][b] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
        s[1][b] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
    }
    const __m256 zero = _mm256_setzero_ps();
    for (int a = 0; a < 2; a++) {  // (Aᵀ M) A
        __m256 y0 = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s[a][0], s[a][1]), s[a][2]), bias);
        __m256 y1 = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s[a][1], s[a][2]), s[a][3]), bias);
        // max(0, y) keeps a NaN sum NaN, as the direct kernels do.
        if (relu) { y0 = _mm256_max_ps(zero, y0); y1 = _mm256_max_ps(zero, y1); }
        _mm256_storeu_ps(out + a * rowStride, y0);
        _mm256_storeu_ps(out + a * rowStride + channels, y1);
    }
}

/// The product tile at tile t of position ξ's [tiles, C] × [C, F] product and the current channel tile.
#define PRODUCT_TILE(t, R, NB, PARTIAL)                                                               \
    forward_tile(vx + (t) * c, 0, c, c, 1, ux + tile.first, f, NULL, 0, mx + (t) * f + tile.first, (R), (NB), \
                 (PARTIAL), tile.mask)

/// winograd_image for `c` = g->inChannels (a constant where winograd_image specialises it).
VECTOR INLINE void winograd_rows(const float *padded, const LikelyConvolutionGeometry *g, const long c,
                                 const float *scratch, const float *bias, int relu, float *output) {
    const long f = g->outChannels, ow = g->outWidth, tiles = ow / 2, rowStride = (ow + 2) * c;
    long vOffset, mOffset;
    scratch_parts(g, &vOffset, &mOffset);
    const float *u = scratch;
    float *v = (float *)scratch + vOffset, *m = (float *)scratch + mOffset;
    for (long ty = 0; ty < g->outHeight / 2; ty++) {
        const float *x = padded + 2 * ty * rowStride;
        transform_input_row(x, rowStride, c, tiles, v);
        for (long xi = 0; xi < 16; xi++) {
            const float *vx = v + xi * tiles * c, *ux = u + xi * c * f;
            float *mx = m + xi * tiles * f;
            IN_TILES(t, tiles, f, PRODUCT_TILE);
        }
        float *out = output + 2 * ty * ow * f;
        for (long t = 0; t < tiles; t++)
            for (long fb = 0; fb < f; fb += 8) {
                const __m256 start = bias ? _mm256_loadu_ps(bias + fb) : _mm256_setzero_ps();
                output_transform(m + t * f + fb, tiles * f, start, relu, out + 2 * t * f + fb, ow * f, f);
            }
    }
}

HIDDEN VECTOR void winograd_image(const float *padded, const LikelyConvolutionGeometry *g, const float *scratch,
                                  const float *bias, int relu, float *output) {
    switch (g->inChannels) {
    case 8: winograd_rows(padded, g, 8, scratch, bias, relu, output); break;
    case 16: winograd_rows(padded, g, 16, scratch, bias, relu, output); break;
    default: winograd_rows(padded, g, g->inChannels, scratch, bias, relu, output); break;
    }
}

/// Ĝ = A dY Aᵀ of one 8-channel block of a tile's 2×2 output gradient at dy (rows rowStride
/// apart, pixels `channels` apart), stored at gh + ξ * xiStride; A = (Aᵀ)ᵀ has columns
/// [1, 1, 1, 0] and [0, 1, -1, -1].
VECTOR INLINE void gradient_transform(const float *dy, long rowStride, long channels, float *gh, long xiStride) {
    const __m256 zero = _mm256_setzero_ps();
    __m256 h[4][2];
    for (int j = 0; j < 2; j++) {  // A dY
        __m256 y0 = _mm256_loadu_ps(dy + j * channels), y1 = _mm256_loadu_ps(dy + rowStride + j * channels);
        h[0][j] = y0;
        h[1][j] = _mm256_add_ps(y0, y1);
        h[2][j] = _mm256_sub_ps(y0, y1);
        h[3][j] = _mm256_sub_ps(zero, y1);
    }
    for (int a = 0; a < 4; a++) {  // (A dY) Aᵀ
        _mm256_storeu_ps(gh + (a * 4 + 0) * xiStride, h[a][0]);
        _mm256_storeu_ps(gh + (a * 4 + 1) * xiStride, _mm256_add_ps(h[a][0], h[a][1]));
        _mm256_storeu_ps(gh + (a * 4 + 2) * xiStride, _mm256_sub_ps(h[a][0], h[a][1]));
        _mm256_storeu_ps(gh + (a * 4 + 3) * xiStride, _mm256_sub_ps(zero, h[a][1]));
    }
}

HIDDEN void winograd_gradient_start(const LikelyConvolutionGeometry *g, float *scratch) {
    const long size = 16 * g->inChannels * g->outChannels;
    for (long i = 0; i < size; i++) scratch[i] = 0;
}

/// The dU tile at input channel c0 of position ξ's [C, tiles] × [tiles, F] product and the current channel tile.
#define PRODUCT_GRADIENT_TILE(c0, R, NB, PARTIAL)                                                     \
    gradient_tile(vx + (c0), 0, c, gx + tile.first, 1, tiles, f, dux + (c0) * f + tile.first, (R), (NB), (PARTIAL), \
                  tile.mask)

/// winograd_gradient_image for `c` = g->inChannels (a constant where it is specialised).
VECTOR INLINE void winograd_gradient_rows(const float *padded, const float *grad, const LikelyConvolutionGeometry *g,
                                          const long c, float *scratch) {
    const long f = g->outChannels, ow = g->outWidth, tiles = ow / 2, rowStride = (ow + 2) * c;
    long vOffset, mOffset;
    scratch_parts(g, &vOffset, &mOffset);
    float *du = scratch, *v = scratch + vOffset, *gh = scratch + mOffset;
    for (long ty = 0; ty < g->outHeight / 2; ty++) {
        transform_input_row(padded + 2 * ty * rowStride, rowStride, c, tiles, v);
        const float *dy = grad + 2 * ty * ow * f;
        for (long t = 0; t < tiles; t++)
            for (long fb = 0; fb < f; fb += 8)
                gradient_transform(dy + 2 * t * f + fb, ow * f, f, gh + t * f + fb, tiles * f);
        for (long xi = 0; xi < 16; xi++) {
            const float *vx = v + xi * tiles * c, *gx = gh + xi * tiles * f;
            float *dux = du + xi * c * f;
            IN_TILES(c0, c, f, PRODUCT_GRADIENT_TILE);
        }
    }
}

HIDDEN VECTOR void winograd_gradient_image(const float *padded, const float *grad, const LikelyConvolutionGeometry *g,
                                           float *scratch) {
    switch (g->inChannels) {
    case 8: winograd_gradient_rows(padded, grad, g, 8, scratch); break;
    case 16: winograd_gradient_rows(padded, grad, g, 16, scratch); break;
    default: winograd_gradient_rows(padded, grad, g, g->inChannels, scratch); break;
    }
}

HIDDEN void winograd_gradient_finish(const float *du, const LikelyConvolutionGeometry *g, float *dw) {
    const long pair = g->inChannels * g->outChannels;
    for (long k = 0; k < pair; k++)
        for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++) {
                float s = 0;
                for (int a = 0; a < 4; a++)
                    for (int b = 0; b < 4; b++) s += WINOGRAD_G[a][ky] * du[(a * 4 + b) * pair + k] * WINOGRAD_G[b][kx];
                dw[(ky * 3 + kx) * pair + k] += s;
            }
}

#endif
