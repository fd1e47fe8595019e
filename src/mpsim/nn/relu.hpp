// SPDX-License-Identifier: MIT
// ReLU: y = max(x, 0) element-wise, exact (no rounding: y keeps x's format).
//   forward   y = x where x > 0 or x is NaN (NaN propagates, payload kept), else +0
//   backward  grad_x = grad_y where y > 0 or y is NaN, else +0 (PyTorch's threshold_backward
//             on the result), in precision.gradients (rounded, counted, only if grad_y has
//             another format)
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class ReLU : public Layer {
 public:
  using Layer::Layer;
  std::string_view kind() const override { return "relu"; }
  Tensor forward(const Tensor& x, Pass& pass) override;       // any shape
  Tensor backward(const Tensor& grad_y, Pass& pass) override;  // the shape of the last forward

 private:
  std::vector<std::uint8_t> passed_;  // y > 0 or NaN, per element of the last forward
  std::optional<Shape> shape_;  // set by a forward that kept its inputs
};

}  // namespace mpsim::nn
