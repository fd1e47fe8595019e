// SPDX-License-Identifier: MIT
// MaxPool2d over NCHW (PyTorch's nn.MaxPool2d, no padding, floor mode), exact: no rounding.
//   OH = (H - k) / s + 1 (rounded down), OW likewise; windows never overlap (s >= k), so
//   every input element receives the gradient of at most one output: routing is exact.
//   forward   y[b][c][u][v] = max over the window scanned row by row; a strictly larger value
//             replaces the maximum, so the first maximum wins ties (and -0 vs +0 keeps the
//             first); a NaN always replaces it (PyTorch's `val > max || isnan(val)`: NaN
//             propagates, the last NaN of the window wins)
//   backward  grad_x at each window's chosen element = grad_y, +0 elsewhere (rounded into
//             precision.gradients only if grad_y has another format)
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class MaxPool2d : public Layer {
 public:
  // Throws std::invalid_argument unless 1 <= kernel_size <= stride and kernel_size <= 255.
  explicit MaxPool2d(std::string name, int kernel_size = 2, int stride = 2);
  std::string_view kind() const override { return "maxpool2d"; }
  Tensor forward(const Tensor& x, Pass& pass) override;       // {B, C, H, W} -> {B, C, OH, OW}
  Tensor backward(const Tensor& grad_y, Pass& pass) override;  // -> {B, C, H, W}
  int kernel_size() const { return kernel_; }
  int stride() const { return stride_; }

 private:
  int kernel_, stride_;
  std::optional<Shape> input_shape_;   // set by a forward that kept its inputs
  std::vector<std::uint16_t> argmax_;  // per output: i k + j of the chosen window element
};

}  // namespace mpsim::nn
