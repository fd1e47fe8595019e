// SPDX-License-Identifier: MIT
// GELU, exact erf form (PyTorch's nn.GELU(approximate='none')), evaluated in float64 and
// rounded once:
//   forward   y = round_act( x * Phi(x) ),  Phi(x) = (1 + erf(x / sqrt 2)) / 2
//   backward  grad_x = round_grad( grad_y * (Phi(x) + x * phi(x)) ),  phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
// with x and grad_y read exactly as doubles and every step in double (libm's erf and exp):
// the only roundings into a policy format are the two named ones, counted.
#pragma once

#include <optional>

#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class GELU : public Layer {
 public:
  using Layer::Layer;
  std::string_view kind() const override { return "gelu"; }
  Tensor forward(const Tensor& x, Pass& pass) override;       // any shape -> same shape, precision.activations
  Tensor backward(const Tensor& grad_y, Pass& pass) override;  // -> precision.gradients

 private:
  std::vector<float> input_;  // x of the last forward
  std::optional<Shape> shape_;  // set by a forward that kept its inputs
};

}  // namespace mpsim::nn
