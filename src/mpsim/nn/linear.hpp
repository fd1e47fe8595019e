// SPDX-License-Identifier: MIT
// Linear: y = x W^T + b (PyTorch's nn.Linear), through the products model of the Pass.
//
//   x (B x in) --operand "NAME/input"--> xo       W (out x in) --operand "NAME/weight"--> wo
//   forward   y[r][j]  = round_act( dot_k=0..in-1 (xo[r][k], wo[j][k]; c = b[j] in the accumulator) )
//   backward  go = operand "NAME/grad_output" of grad_y (B x out)
//             grad_x[r][k] = round_grad( dot_j=0..out-1 (go[r][j], wo[j][k]; c = +0) )
//             grad_W[j][k] = round_wgrad( dot_r=0..B-1 (go[r][j], xo[r][k]; c = +0) )
//             grad_b[j]    = round_wgrad( sum_r=0..B-1 grad_y[r][j] under `reductions`, from +0 )
// Each dot is one element of a matmul under precision.products (matmul.hpp: every element is
// that dot, for any thread count); `dot_k=0..n-1 (a, b)` names the order (increasing k) and the
// operand order (a first: NaN payloads come from a). The bias is rounded into the accumulator
// format first. Operands whose formats differ (fp8) are read in common_operand_format().
//
// Scaled operands (fp8 delayed scaling, Operand::scale_inverse != 1): the products accumulate
// from +0, the sum is multiplied by the two factors in binary32, the dot's first operand's
// factor first ((acc * s_x) * s_w), and the bias is added in binary32 afterwards, as an fp8
// GEMM's epilogue does (the bias is not scaled). Backward products are scaled the same way.
// Counting: every cast and rounding into a policy format, and each product element (its dot's
// flags and events), except products of operands wider than 12 bits (binary32: not counted, so
// matmul keeps its fast kernel; layer_math.hpp). Layer::input_gradient() off skips grad_x.
#pragma once

#include <optional>

#include "mpsim/nn/init.hpp"
#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class Linear : public Layer {
 public:
  // Weight {out, in} and bias {out} in parameter_format, drawn as init.hpp says.
  Linear(std::string name, int in_features, int out_features, const Format& parameter_format, const ParameterInit& init);

  std::string_view kind() const override { return "linear"; }
  // x (B x in) -> y (B x out) in precision.activations.
  Tensor forward(const Tensor& x, Pass& pass) override;
  // grad_y (B x out) -> grad_x (B x in) in precision.gradients; fills weight().grad, bias().grad.
  Tensor backward(const Tensor& grad_y, Pass& pass) override;
  std::vector<Parameter*> parameters() override { return {&weight_, &bias_}; }

  int in_features() const { return in_; }
  int out_features() const { return out_; }
  Parameter& weight() { return weight_; }
  Parameter& bias() { return bias_; }

 private:
  struct Saved {
    Operand input;   // xo (B x in)
    Operand weight;  // wo (out x in)
  };
  int in_, out_;
  Parameter weight_, bias_;
  std::optional<Saved> saved_;
};

}  // namespace mpsim::nn
