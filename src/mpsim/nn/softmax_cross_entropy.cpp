// SPDX-License-Identifier: MIT
// Fused softmax cross-entropy in binary32 (softmax_cross_entropy.hpp).
#include "mpsim/nn/softmax_cross_entropy.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "mpsim/nn/layer_math.hpp"

namespace mpsim::nn {
namespace {

float exp32(float x) { return static_cast<float>(std::exp(static_cast<double>(x))); }
float log32(float x) { return static_cast<float>(std::log(static_cast<double>(x))); }

void require_labels(std::span<const int> labels, int batch, int classes) {
  if (labels.size() != static_cast<std::size_t>(batch))
    throw ShapeError("softmax_cross_entropy: " + std::to_string(labels.size()) + " labels for a batch of " +
                     std::to_string(batch));
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= classes)
      throw std::invalid_argument("softmax_cross_entropy: label " + std::to_string(labels[i]) + " at index " +
                                  std::to_string(i) + " is outside [0, " + std::to_string(classes) + ")");
}

}  // namespace

float SoftmaxCrossEntropy::forward(const Tensor& logits, std::span<const int> labels, Pass& pass) {
  if (logits.rank() != 2 || logits.shape()[1] < 1)
    throw ShapeError("softmax_cross_entropy: expected logits [B, C] with C >= 1, got " + shape_string(logits.shape()));
  const int batch = static_cast<int>(logits.shape()[0]), classes = static_cast<int>(logits.shape()[1]);
  require_labels(labels, batch, classes);
  const std::span<const float> z = logits.values();
  std::vector<float> log_probs(z.size());
  std::vector<int> argmax(static_cast<std::size_t>(batch));
  float total = 0.0f;
  for (int r = 0; r < batch; ++r) {
    const float* row = z.data() + std::size_t(r) * classes;
    float m = row[0];
    int best = 0;
    for (int j = 1; j < classes; ++j) {
      if (std::isnan(m)) break;
      if (row[j] > m || std::isnan(row[j])) m = row[j], best = j;
    }
    argmax[r] = best;
    float s = 0.0f;
    for (int j = 0; j < classes; ++j) s += exp32(row[j] - m);
    const float log_s = log32(s);
    float* lp = log_probs.data() + std::size_t(r) * classes;
    for (int j = 0; j < classes; ++j) lp[j] = (row[j] - m) - log_s;
    total += -lp[labels[r]];
  }
  batch_ = batch;
  classes_ = classes;
  argmax_ = std::move(argmax);
  has_forward_ = true;
  if (pass.keep_for_backward) {
    log_probs_ = std::move(log_probs);
    labels_.assign(labels.begin(), labels.end());
  } else {
    log_probs_.clear();
    labels_.clear();
  }
  return batch > 0 ? total / static_cast<float>(batch) : std::numeric_limits<float>::quiet_NaN();
}

Tensor SoftmaxCrossEntropy::backward(float loss_scale, Pass& pass) {
  if (!has_forward_ || labels_.size() != static_cast<std::size_t>(batch_))
    throw std::logic_error("softmax_cross_entropy: backward without a forward that kept its inputs");
  const float g = -(loss_scale / static_cast<float>(batch_));
  std::vector<float> grad(log_probs_.size());
  for (int r = 0; r < batch_; ++r) {
    for (int j = 0; j < classes_; ++j) {
      const std::size_t at = std::size_t(r) * classes_ + j;
      const float g_j = j == labels_[r] ? g : 0.0f;
      grad[at] = g_j - exp32(log_probs_[at]) * g;  // two roundings: no FMA contraction
    }
  }
  return round_floats_into(grad, {batch_, classes_}, *pass.precision.gradients, pass);
}

std::size_t SoftmaxCrossEntropy::correct(std::span<const int> labels) const {
  if (!has_forward_) throw std::logic_error("softmax_cross_entropy: correct() before any forward");
  if (labels.size() != argmax_.size())
    throw ShapeError("softmax_cross_entropy: " + std::to_string(labels.size()) + " labels for a batch of " +
                     std::to_string(argmax_.size()));
  std::size_t hits = 0;
  for (std::size_t r = 0; r < labels.size(); ++r) hits += argmax_[r] == labels[r];
  return hits;
}

}  // namespace mpsim::nn
