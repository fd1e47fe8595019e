// SPDX-License-Identifier: MIT
// Reshape and Flatten (flatten.hpp).
#include "mpsim/nn/flatten.hpp"

#include <stdexcept>

#include "mpsim/nn/layer_math.hpp"

namespace mpsim::nn {

Reshape::Reshape(std::string name, Shape sample_shape) : Layer(std::move(name)), sample_shape_(std::move(sample_shape)) {
  for (std::int64_t d : sample_shape_)
    if (d < 1) throw std::invalid_argument(this->name() + ": sample shape " + shape_string(sample_shape_) + " has an extent < 1");
}

Tensor Reshape::forward(const Tensor& x, Pass& pass) {
  if (x.rank() < 1) throw ShapeError(name() + ": expected a tensor with a batch axis, got " + shape_string(x.shape()));
  const std::int64_t batch = x.shape()[0];
  const std::size_t per_sample = batch > 0 ? x.size() / static_cast<std::size_t>(batch) : 0;
  Shape out{batch};
  if (sample_shape_.empty()) {
    out.push_back(static_cast<std::int64_t>(per_sample));
  } else {
    if (element_count(sample_shape_) != per_sample)
      throw ShapeError(name() + ": cannot reshape " + shape_string(x.shape()) + " into [B] + " + shape_string(sample_shape_));
    out.insert(out.end(), sample_shape_.begin(), sample_shape_.end());
  }
  if (pass.keep_for_backward) input_shape_ = x.shape();
  else input_shape_.reset();
  return x.reshaped(std::move(out));
}

Tensor Reshape::backward(const Tensor& grad_y, Pass& pass) {
  if (!input_shape_) throw std::logic_error(name() + ": backward without a forward that kept its inputs");
  if (grad_y.size() != element_count(*input_shape_) || grad_y.rank() < 1 || grad_y.shape()[0] != (*input_shape_)[0])
    throw ShapeError(name() + ": gradient " + shape_string(grad_y.shape()) + " does not match the input " +
                     shape_string(*input_shape_));
  return as_gradient(grad_y.reshaped(*input_shape_), pass);
}

}  // namespace mpsim::nn
