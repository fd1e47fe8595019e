// SPDX-License-Identifier: MIT
// Patch matrices of stride-1 convolutions: plain float copies (exact), zeros where a patch
// reaches outside the source. Rows (c, i, j) and columns (b, y, x) each in increasing
// row-major order, so that a matmul over the rows is a dot in a named order.
#pragma once

#include <cstdint>

namespace mpsim::nn {

// Forward patches of src {batch, channels, hs, ws}, kernel k x k, zero padding `pad`, output
// extent hd x wd (hd = hs + 2 pad - k + 1), rows `ld` floats apart (ld >= batch hd wd: the
// columns of a few images can be written into a wider matrix):
//   out[((c k + i) k + j) ld + (b hd + y) wd + x] = src[b][c][y + i - pad][x + j - pad]
void forward_patches(const float* src, int batch, int channels, int hs, int ws, int kernel, int pad, int hd, int wd,
                     float* out, std::int64_t ld, int threads);

// Input-gradient patches of g {batch, channels, hs, ws} (the output gradient of a convolution,
// hs = hd - 2 pad + k - 1 for the input extent hd x wd):
//   out[((c k + i) k + j) ld + (b hd + y) wd + x] = g[b][c][y + pad - i][x + pad - j]
// A row (o, i, j) times W[o][.][i][j] summed over (o, i, j) is the full convolution of the
// zero-padded gradient with the flipped kernel: the gradient of the input.
void input_gradient_patches(const float* g, int batch, int channels, int hs, int ws, int kernel, int pad, int hd,
                            int wd, float* out, std::int64_t ld, int threads);

}  // namespace mpsim::nn
