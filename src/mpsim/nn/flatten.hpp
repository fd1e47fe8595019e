// SPDX-License-Identifier: MIT
// Flatten: {B, d1, d2, ...} -> {B, d1 d2 ...} (PyTorch's nn.Flatten), and Reshape:
// {B, ...} -> {B, per-sample shape}; both exact (the same values in the same order).
// Backward restores the input's shape, rounding into precision.gradients only if grad_y has
// another format.
#pragma once

#include <optional>

#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class Reshape : public Layer {
 public:
  // sample_shape: the shape of one sample after the layer; empty = all of it in one axis.
  Reshape(std::string name, Shape sample_shape);
  std::string_view kind() const override { return "reshape"; }
  Tensor forward(const Tensor& x, Pass& pass) override;  // rank >= 1, leading axis the batch
  Tensor backward(const Tensor& grad_y, Pass& pass) override;

 private:
  Shape sample_shape_;
  std::optional<Shape> input_shape_;
};

class Flatten : public Reshape {
 public:
  explicit Flatten(std::string name) : Reshape(std::move(name), {}) {}
  std::string_view kind() const override { return "flatten"; }
};

}  // namespace mpsim::nn
