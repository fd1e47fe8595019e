// SPDX-License-Identifier: MIT
// Shifted copies of image planes into patch matrices (im2col.hpp).
#include "mpsim/nn/im2col.hpp"

#include <algorithm>
#include <cstdint>

#include "mpsim/tensor/parallel_for.hpp"

namespace mpsim::nn {
namespace {

// out[(c k + i) k + j][(b hd + y) wd + x] = src[b][c][y + sign i + shift][x + sign j + shift], 0 outside.
void shifted_patches(const float* src, int batch, int channels, int hs, int ws, int kernel, int sign, int shift,
                     int hd, int wd, float* out, std::int64_t ld, int threads) {
  const std::int64_t rows = std::int64_t{channels} * kernel * kernel;
  parallel_for(rows, threads, [&](int, std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const int c = static_cast<int>(r / (kernel * kernel));
      const int i = static_cast<int>(r / kernel % kernel), j = static_cast<int>(r % kernel);
      const int dy = sign * i + shift, dx = sign * j + shift;
      // x in [x0, x1) reads inside the source row: 0 <= x + dx < ws.
      const int x0 = std::clamp(-dx, 0, wd), x1 = std::clamp(ws - dx, x0, wd);
      float* dst = out + r * ld;
      for (int b = 0; b < batch; ++b) {
        const float* plane = src + (std::int64_t{b} * channels + c) * hs * ws;
        for (int y = 0; y < hd; ++y, dst += wd) {
          const int sy = y + dy;
          if (sy < 0 || sy >= hs) {
            std::fill(dst, dst + wd, 0.0f);
            continue;
          }
          const float* first = plane + std::int64_t{sy} * ws + (x0 + dx);  // source of dst[x0]
          std::fill(dst, dst + x0, 0.0f);
          std::copy(first, first + (x1 - x0), dst + x0);
          std::fill(dst + x1, dst + wd, 0.0f);
        }
      }
    }
  });
}

}  // namespace

void forward_patches(const float* src, int batch, int channels, int hs, int ws, int kernel, int pad, int hd, int wd,
                     float* out, std::int64_t ld, int threads) {
  shifted_patches(src, batch, channels, hs, ws, kernel, 1, -pad, hd, wd, out, ld, threads);
}

void input_gradient_patches(const float* g, int batch, int channels, int hs, int ws, int kernel, int pad, int hd,
                            int wd, float* out, std::int64_t ld, int threads) {
  shifted_patches(g, batch, channels, hs, ws, kernel, -1, pad, hd, wd, out, ld, threads);
}

}  // namespace mpsim::nn
