// SPDX-License-Identifier: MIT
// ReLU forward and backward (relu.hpp).
#include "mpsim/nn/relu.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "mpsim/nn/layer_math.hpp"

namespace mpsim::nn {

Tensor ReLU::forward(const Tensor& x, Pass& pass) {
  Tensor y(x.format(), x.shape());
  const std::span<const float> in = x.values();
  const std::span<float> out = y.values();
  // Branch-free (the signs of activations are unpredictable): keep the bits where v > 0 or NaN.
  for (std::size_t i = 0; i < in.size(); ++i) {
    const float v = in[i];
    const std::uint32_t keep = static_cast<std::uint32_t>((v > 0.0f) | (v != v));
    out[i] = std::bit_cast<float>(std::bit_cast<std::uint32_t>(v) & (0u - keep));
  }
  if (pass.keep_for_backward) {
    passed_.resize(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) passed_[i] = out[i] != 0.0f;  // > 0 or NaN
    shape_ = x.shape();
  } else {
    passed_.clear();
    shape_.reset();
  }
  return y;
}

Tensor ReLU::backward(const Tensor& grad_y, Pass& pass) {
  if (!shape_) throw std::logic_error(name() + ": backward without a forward that kept its inputs");
  if (grad_y.shape() != *shape_)
    throw ShapeError(name() + ": expected a gradient of shape " + shape_string(*shape_) + ", got " +
                     shape_string(grad_y.shape()));
  Tensor g(grad_y.format(), grad_y.shape());
  const std::span<const float> in = grad_y.values();
  const std::span<float> out = g.values();
  for (std::size_t i = 0; i < in.size(); ++i)
    out[i] = std::bit_cast<float>(std::bit_cast<std::uint32_t>(in[i]) & (0u - std::uint32_t{passed_[i]}));
  return as_gradient(std::move(g), pass);
}

}  // namespace mpsim::nn
