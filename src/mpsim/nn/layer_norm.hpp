// SPDX-License-Identifier: MIT
// LayerNorm over the last axis (PyTorch's nn.LayerNorm(D), eps 1e-5, biased variance, affine
// weight and bias). Autocast runs it in float32: the input is cast to binary32 (counted), every
// step below is one binary32 rounding (native float, layer_math.hpp), sums run under
// precision.reductions, and the output is binary32 whatever precision.activations says.
// For each row x (D values), w, b the parameters read as binary32:
//   forward   mean = S(x) / D;  d = x - mean;  var = S(d * d) / D;  rstd = 1 / sqrt(var + 1e-5f)
//             xhat = d * rstd;  y = (xhat * w) + b
//   backward  g = grad_y * w;  a = S(g) / D;  c = S(g * xhat) / D
//             grad_x = round_grad( rstd * ((g - a) - xhat * c) )
//             grad_w[j] = round_wgrad( S_rows(grad_y * xhat)[j] ),  grad_b[j] = round_wgrad( S_rows(grad_y)[j] )
// S(v) sums a row in increasing column order, S_rows a column in increasing row order, each
// from +0 under precision.reductions (a binary32 input: not counted, layer_math.hpp).
#pragma once

#include <optional>
#include <vector>

#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class LayerNorm : public Layer {
 public:
  // Weight (ones) and bias (zeros), {normalized_size}, in parameter_format.
  LayerNorm(std::string name, int normalized_size, const Format& parameter_format, float eps = 1e-5f);
  std::string_view kind() const override { return "layer_norm"; }
  Tensor forward(const Tensor& x, Pass& pass) override;       // [..., D] -> [..., D] binary32
  Tensor backward(const Tensor& grad_y, Pass& pass) override;  // -> precision.gradients
  std::vector<Parameter*> parameters() override { return {&weight_, &bias_}; }
  Parameter& weight() { return weight_; }
  Parameter& bias() { return bias_; }

 private:
  struct Saved {
    Shape shape;
    std::vector<float> xhat;  // rows x D
    std::vector<float> rstd;  // rows
  };
  int size_;
  float eps_;
  Parameter weight_, bias_;
  std::optional<Saved> saved_;
};

}  // namespace mpsim::nn
