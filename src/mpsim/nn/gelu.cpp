// SPDX-License-Identifier: MIT
// GELU forward and backward in float64 (gelu.hpp).
#include "mpsim/nn/gelu.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "mpsim/nn/layer_math.hpp"

namespace mpsim::nn {
namespace {

double normal_cdf(double x) { return 0.5 * (1.0 + std::erf(x / std::numbers::sqrt2)); }
double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }

}  // namespace

Tensor GELU::forward(const Tensor& x, Pass& pass) {
  const std::span<const float> in = x.values();
  std::vector<double> y(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) y[i] = double{in[i]} * normal_cdf(in[i]);
  if (pass.keep_for_backward) {
    input_.assign(in.begin(), in.end());
    shape_ = x.shape();
  } else {
    input_.clear();
    shape_.reset();
  }
  return round_doubles_into(y, x.shape(), *pass.precision.activations, pass);
}

Tensor GELU::backward(const Tensor& grad_y, Pass& pass) {
  if (!shape_) throw std::logic_error(name() + ": backward without a forward that kept its inputs");
  if (grad_y.shape() != *shape_)
    throw ShapeError(name() + ": expected a gradient of shape " + shape_string(*shape_) + ", got " +
                     shape_string(grad_y.shape()));
  const std::span<const float> g = grad_y.values();
  std::vector<double> gx(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double x = input_[i];
    gx[i] = double{g[i]} * (normal_cdf(x) + x * normal_pdf(x));
  }
  return round_doubles_into(gx, *shape_, *pass.precision.gradients, pass);
}

}  // namespace mpsim::nn
