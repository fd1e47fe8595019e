// SPDX-License-Identifier: MIT
// Softmax with cross-entropy, fused and numerically stable, in binary32 (autocast runs every
// loss in float32). Logits are read exactly as binary32; each step below is one binary32
// rounding (native float, layer_math.hpp); exp and log are evaluated in double and rounded to
// binary32 (correctly rounded but for double-rounding cases of probability ~2^-29).
// For row r (C logits z, label t):
//   forward   m = max_j z_j (NaN if any z_j is NaN);  s = sum_j exp(z_j - m), j increasing from +0
//             logp_j = (z_j - m) - log(s);  loss_r = -logp_t
//             loss = (sum_r loss_r, r increasing from +0) / B
//   backward  (PyTorch: nll_loss's backward, then log_softmax's)
//             g = -(loss_scale / B);  g_j = g at j = t, +0 elsewhere;  sum(g_j) = g
//             grad_j = round_grad( g_j - exp(logp_j) * g )
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class SoftmaxCrossEntropy {
 public:
  // logits (B x C), labels B class indices in [0, C): the mean loss. Keeps log-softmax (and the
  // argmax per row) for backward() and correct(). Throws std::invalid_argument naming the index
  // of a bad label, or ShapeError for logits that are not a matrix or a label count != B.
  float forward(const Tensor& logits, std::span<const int> labels, Pass& pass);
  // d(loss_scale * mean loss) / d(logits) of the last forward (B x C), in precision.gradients.
  Tensor backward(float loss_scale, Pass& pass);
  // How many rows of the last forward have argmax(logits) == label; the first maximum wins ties
  // and a NaN counts as the maximum (first NaN wins). Throws on a label count != B.
  std::size_t correct(std::span<const int> labels) const;

 private:
  int batch_ = 0, classes_ = 0;
  std::vector<float> log_probs_;  // B x C
  std::vector<int> labels_;
  std::vector<int> argmax_;
  bool has_forward_ = false;
};

}  // namespace mpsim::nn
