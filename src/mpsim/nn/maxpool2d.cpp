// SPDX-License-Identifier: MIT
// MaxPool2d forward and exact gradient routing (maxpool2d.hpp).
#include "mpsim/nn/maxpool2d.hpp"

#include <bit>
#include <stdexcept>

#include "mpsim/nn/layer_math.hpp"

namespace mpsim::nn {

MaxPool2d::MaxPool2d(std::string name, int kernel_size, int stride)
    : Layer(std::move(name)), kernel_(kernel_size), stride_(stride) {
  if (kernel_size < 1 || stride < kernel_size || kernel_size > 255)
    throw std::invalid_argument(this->name() + ": kernel size " + std::to_string(kernel_size) + " and stride " +
                                std::to_string(stride) + " must satisfy 1 <= kernel <= stride (non-overlapping windows)");
}

namespace {

// y and the chosen window offsets of one plane. K > 0: the kernel size as a constant (the
// common 2x2 case unrolls); K = 0: `kernel` at run time.
template <int K>
void pool_plane(const float* in, std::int64_t w, int kernel, int stride, std::int64_t oh, std::int64_t ow,
                float* out, std::uint16_t* chosen) {
  const int k = K > 0 ? K : kernel;
  for (std::int64_t u = 0; u < oh; ++u) {
    for (std::int64_t v = 0; v < ow; ++v) {
      const float* window = in + u * stride * w + v * stride;
      float max = window[0];
      std::uint32_t max_bits = std::bit_cast<std::uint32_t>(max), best = 0;
      for (int i = 0; i < k; ++i) {
        for (int j = 0; j < k; ++j) {
          const float value = window[i * w + j];
          // Masks instead of branches (which of four values is largest is unpredictable).
          const std::uint32_t take = 0u - static_cast<std::uint32_t>((value > max) | (value != value));
          max_bits = (std::bit_cast<std::uint32_t>(value) & take) | (max_bits & ~take);
          best = (static_cast<std::uint32_t>(i * k + j) & take) | (best & ~take);
          max = std::bit_cast<float>(max_bits);
        }
      }
      out[u * ow + v] = max;
      chosen[u * ow + v] = static_cast<std::uint16_t>(best);
    }
  }
}

}  // namespace

Tensor MaxPool2d::forward(const Tensor& x, Pass& pass) {
  if (x.rank() != 4 || x.shape()[2] < kernel_ || x.shape()[3] < kernel_)
    throw ShapeError(name() + ": expected an input [B, C, H, W] with H, W >= " + std::to_string(kernel_) + ", got " +
                     shape_string(x.shape()));
  const std::int64_t planes = x.shape()[0] * x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  const std::int64_t oh = (h - kernel_) / stride_ + 1, ow = (w - kernel_) / stride_ + 1;
  Tensor y(x.format(), {x.shape()[0], x.shape()[1], oh, ow});
  std::vector<std::uint16_t> chosen(y.size());
  for (std::int64_t pl = 0; pl < planes; ++pl) {
    const float* in = x.values().data() + pl * h * w;
    float* out = y.values().data() + pl * oh * ow;
    std::uint16_t* at = chosen.data() + pl * oh * ow;
    if (kernel_ == 2) pool_plane<2>(in, w, kernel_, stride_, oh, ow, out, at);
    else pool_plane<0>(in, w, kernel_, stride_, oh, ow, out, at);
  }
  if (pass.keep_for_backward) {
    input_shape_ = x.shape();
    argmax_ = std::move(chosen);
  } else {
    input_shape_.reset();
    argmax_.clear();
  }
  return y;
}

Tensor MaxPool2d::backward(const Tensor& grad_y, Pass& pass) {
  if (!input_shape_) throw std::logic_error(name() + ": backward without a forward that kept its inputs");
  const Shape& xs = *input_shape_;
  const std::int64_t h = xs[2], w = xs[3], oh = (h - kernel_) / stride_ + 1, ow = (w - kernel_) / stride_ + 1;
  const Shape expected{xs[0], xs[1], oh, ow};
  if (grad_y.shape() != expected)
    throw ShapeError(name() + ": expected a gradient of shape " + shape_string(expected) + ", got " +
                     shape_string(grad_y.shape()));
  Tensor g(grad_y.format(), xs);
  const std::span<const float> in = grad_y.values();
  const std::span<float> out = g.values();
  for (std::int64_t pl = 0; pl < xs[0] * xs[1]; ++pl)
    for (std::int64_t u = 0; u < oh; ++u)
      for (std::int64_t v = 0; v < ow; ++v) {
        const std::int64_t o = (pl * oh + u) * ow + v, at = argmax_[o];
        out[pl * h * w + (u * stride_ + at / kernel_) * w + v * stride_ + at % kernel_] = in[o];
      }
  return as_gradient(std::move(g), pass);
}

}  // namespace mpsim::nn
