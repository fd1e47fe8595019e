// SPDX-License-Identifier: MIT
// LayerNorm in binary32 with statistics under the reductions model (layer_norm.hpp).
#include "mpsim/nn/layer_norm.hpp"

#include <cmath>
#include <stdexcept>

#include "mpsim/nn/layer_math.hpp"

namespace mpsim::nn {
namespace {

// Row sums of a (rows x cols) binary32 matrix under the reductions model, as binary32 values.
std::vector<float> row_sums_of(const std::vector<float>& a, int rows, int cols, Pass& pass) {
  std::vector<float> s(static_cast<std::size_t>(rows), 0.0f);
  accumulate_row_sums(pass.precision.reductions, binary32, rows, cols, a.data(), s.data(), pass);
  return s;  // values of the accumulator format, all floats
}

}  // namespace

LayerNorm::LayerNorm(std::string name, int normalized_size, const Format& parameter_format, float eps)
    : Layer(std::move(name)),
      size_(normalized_size),
      eps_(eps),
      weight_{this->name() + ".weight", Tensor(parameter_format, {1}), Tensor(binary32, {1})},
      bias_{this->name() + ".bias", Tensor(parameter_format, {1}), Tensor(binary32, {1})} {
  if (normalized_size < 1) throw std::invalid_argument(this->name() + ": normalized size must be positive");
  if (!(eps > 0.0f)) throw std::invalid_argument(this->name() + ": eps must be positive");
  weight_.value = Tensor(parameter_format, {size_});
  for (float& v : weight_.value.values()) v = 1.0f;
  bias_.value = Tensor(parameter_format, {size_});
  weight_.grad = Tensor(binary32, {size_});
  bias_.grad = Tensor(binary32, {size_});
}

Tensor LayerNorm::forward(const Tensor& x, Pass& pass) {
  if (x.rank() < 1 || x.shape().back() != size_)
    throw ShapeError(name() + ": expected an input [..., " + std::to_string(size_) + "], got " + shape_string(x.shape()));
  const int d = size_, rows = static_cast<int>(x.size() / static_cast<std::size_t>(d));
  const float df = static_cast<float>(d);
  const Tensor x32 = round_into(x, binary32, pass);
  const std::span<const float> xv = x32.values();
  std::vector<float> xs(xv.begin(), xv.end());
  const std::vector<float> sum = row_sums_of(xs, rows, d, pass);
  std::vector<float> centred(xs.size()), squares(xs.size());
  for (int r = 0; r < rows; ++r) {
    const float mean = sum[r] / df;
    for (int j = 0; j < d; ++j) {
      const std::size_t at = std::size_t(r) * d + j;
      centred[at] = xs[at] - mean;
      squares[at] = centred[at] * centred[at];
    }
  }
  const std::vector<float> square_sum = row_sums_of(squares, rows, d, pass);
  Tensor y(binary32, x.shape());
  const std::span<float> yv = y.values();
  std::vector<float> rstd(static_cast<std::size_t>(rows));
  const std::span<const float> w = weight_.value.values(), b = bias_.value.values();
  for (int r = 0; r < rows; ++r) {
    const float var = square_sum[r] / df;
    rstd[r] = 1.0f / std::sqrt(var + eps_);
    for (int j = 0; j < d; ++j) {
      const std::size_t at = std::size_t(r) * d + j;
      centred[at] = centred[at] * rstd[r];  // xhat
      yv[at] = centred[at] * w[j] + b[j];  // two roundings: no FMA contraction (-ffp-contract=off)
    }
  }
  if (pass.keep_for_backward) saved_ = Saved{x.shape(), std::move(centred), std::move(rstd)};
  else saved_.reset();
  return y;
}

Tensor LayerNorm::backward(const Tensor& grad_y, Pass& pass) {
  if (!saved_) throw std::logic_error(name() + ": backward without a forward that kept its inputs");
  const Saved& s = *saved_;
  if (grad_y.shape() != s.shape)
    throw ShapeError(name() + ": expected a gradient of shape " + shape_string(s.shape) + ", got " +
                     shape_string(grad_y.shape()));
  const int d = size_, rows = static_cast<int>(grad_y.size() / static_cast<std::size_t>(d));
  const float df = static_cast<float>(d);
  const std::span<const float> gy = grad_y.values(), w = weight_.value.values();
  std::vector<float> g(gy.size()), g_xhat(gy.size()), gy_xhat(gy.size());
  for (std::size_t at = 0; at < gy.size(); ++at) {
    const std::size_t j = at % static_cast<std::size_t>(d);
    g[at] = gy[at] * w[j];
    g_xhat[at] = g[at] * s.xhat[at];
    gy_xhat[at] = gy[at] * s.xhat[at];
  }
  const std::vector<float> sum_g = row_sums_of(g, rows, d, pass), sum_g_xhat = row_sums_of(g_xhat, rows, d, pass);
  std::vector<float> gx(gy.size());
  for (int r = 0; r < rows; ++r) {
    const float a = sum_g[r] / df, c = sum_g_xhat[r] / df;
    for (int j = 0; j < d; ++j) {
      const std::size_t at = std::size_t(r) * d + j;
      gx[at] = s.rstd[r] * ((g[at] - a) - s.xhat[at] * c);
    }
  }
  const Format& acc = accumulator_of(pass.precision.reductions);
  Tensor gw(acc, {size_}), gb(acc, {size_});
  accumulate_column_sums(pass.precision.reductions, binary32, rows, d, gy_xhat.data(), gw.values().data(), pass);
  accumulate_column_sums(pass.precision.reductions, grad_y.format(), rows, d, gy.data(), gb.values().data(), pass);
  weight_.grad = round_into(std::move(gw), *pass.precision.weight_gradients, pass);
  bias_.grad = round_into(std::move(gb), *pass.precision.weight_gradients, pass);
  return round_floats_into(gx, s.shape, *pass.precision.gradients, pass);
}

}  // namespace mpsim::nn
