// SPDX-License-Identifier: MIT
// Linear forward and backward as matmuls under the products model (linear.hpp draws the dots).
#include "mpsim/nn/linear.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/layer_math.hpp"

namespace mpsim::nn {
namespace {

void require_matrix(const std::string& layer, const char* what, const Tensor& t, int cols) {
  if (t.rank() != 2 || t.shape()[1] != cols)
    throw ShapeError(layer + ": expected " + what + " of shape [B, " + std::to_string(cols) + "], got " +
                     shape_string(t.shape()));
}

// The accumulated products (format of the accumulator) as a binary32 tensor scaled by the two
// operands' factors, or unchanged when both are 1.
Tensor scaled(Tensor acc, float a, float b) {
  if (a == 1.0f && b == 1.0f) return acc;
  Tensor out(binary32, acc.shape());
  std::copy(acc.values().begin(), acc.values().end(), out.values().begin());  // exact: floats
  apply_scale_inverses(out.values(), a, b);
  return out;
}

}  // namespace

Linear::Linear(std::string name, int in_features, int out_features, const Format& parameter_format,
               const ParameterInit& init)
    : Layer(std::move(name)),
      in_(in_features),
      out_(out_features),
      weight_{this->name() + ".weight", Tensor(parameter_format, {1}), Tensor(binary32, {1})},
      bias_{this->name() + ".bias", Tensor(parameter_format, {1}), Tensor(binary32, {1})} {
  if (in_features < 1 || out_features < 1)
    throw std::invalid_argument(this->name() + ": features must be positive (in " + std::to_string(in_features) +
                                ", out " + std::to_string(out_features) + ")");
  const double bound = default_init_bound(in_features);
  weight_.value = uniform_init(parameter_format, {out_, in_}, bound, init.seed, init.stream);
  bias_.value = uniform_init(parameter_format, {out_}, bound, init.seed, init.stream + 1);
  weight_.grad = Tensor(binary32, {out_, in_});
  bias_.grad = Tensor(binary32, {out_});
}

Tensor Linear::forward(const Tensor& x, Pass& pass) {
  require_matrix(name(), "an input", x, in_);
  const LayerPrecision& p = pass.precision;
  const int batch = static_cast<int>(x.shape()[0]);
  Operand xo = pass.operand(name() + "/input", x, *p.forward_operands);
  Operand wo = pass.operand(name() + "/weight", weight_.value, *p.forward_operands);
  const Format& in = common_operand_format(xo.values.format(), wo.values.format());
  const bool unscaled = xo.scale_inverse == 1.0f && wo.scale_inverse == 1.0f;

  // C (B x out): every row the bias rounded into the accumulator (or +0 when scaled).
  Tensor acc(accumulator_of(p.products), {batch, out_});
  if (unscaled) {
    const Tensor b = round_into(bias_.value, acc.format(), pass);
    for (int r = 0; r < batch; ++r) std::copy(b.values().begin(), b.values().end(), acc.values().begin() + std::size_t(r) * out_);
  }
  std::vector<float> wt(static_cast<std::size_t>(in_) * out_);  // W^T (in x out)
  transpose_into(wo.values.values().data(), out_, in_, wt.data());
  accumulate_product(p.products, in, batch, out_, in_, xo.values.values().data(), in_, wt.data(), out_,
                     acc.values().data(), out_, pass);
  Tensor y = scaled(std::move(acc), xo.scale_inverse, wo.scale_inverse);
  if (!unscaled) {  // the bias in binary32 after scaling (linear.hpp)
    std::span<float> v = y.values();
    for (int r = 0; r < batch; ++r)
      for (int j = 0; j < out_; ++j) v[std::size_t(r) * out_ + j] += bias_.value.value(j);  // native binary32
  }
  if (pass.keep_for_backward) saved_ = Saved{std::move(xo), std::move(wo)};
  else saved_.reset();
  return round_into(std::move(y), *p.activations, pass);
}

Tensor Linear::backward(const Tensor& grad_y, Pass& pass) {
  if (!saved_) throw std::logic_error(name() + ": backward without a forward that kept its inputs");
  require_matrix(name(), "a gradient", grad_y, out_);
  const Saved& s = *saved_;
  const int batch = static_cast<int>(s.input.values.shape()[0]);
  if (grad_y.shape()[0] != batch)
    throw ShapeError(name() + ": gradient " + shape_string(grad_y.shape()) + " for a forward batch of " +
                     std::to_string(batch));
  const LayerPrecision& p = pass.precision;
  const Operand go = pass.operand(name() + "/grad_output", grad_y, *p.backward_operands);
  const Format& acc_format = accumulator_of(p.products);

  // grad_x (B x in) = go (B x out) W (out x in); +0s when not wanted (Layer::input_gradient).
  Tensor grad_x(*p.gradients, {batch, in_});
  if (input_gradient()) {
    Tensor gx(acc_format, {batch, in_});
    accumulate_product(p.products, common_operand_format(go.values.format(), s.weight.values.format()), batch, in_,
                       out_, go.values.values().data(), out_, s.weight.values.values().data(), in_, gx.values().data(),
                       in_, pass);
    grad_x = round_into(scaled(std::move(gx), go.scale_inverse, s.weight.scale_inverse), *p.gradients, pass);
  }

  // grad_W (out x in) = go^T (out x B) xo (B x in).
  std::vector<float> go_t(static_cast<std::size_t>(batch) * out_);
  transpose_into(go.values.values().data(), batch, out_, go_t.data());
  Tensor gw(acc_format, {out_, in_});
  accumulate_product(p.products, common_operand_format(go.values.format(), s.input.values.format()), out_, in_, batch,
                     go_t.data(), batch, s.input.values.values().data(), in_, gw.values().data(), in_, pass);
  weight_.grad = round_into(scaled(std::move(gw), go.scale_inverse, s.input.scale_inverse), *p.weight_gradients, pass);

  // grad_b (out): column sums of grad_y under the reductions model.
  Tensor gb(accumulator_of(p.reductions), {out_});
  accumulate_column_sums(p.reductions, grad_y.format(), batch, out_, grad_y.values().data(), gb.values().data(), pass);
  bias_.grad = round_into(std::move(gb), *p.weight_gradients, pass);
  return grad_x;
}

}  // namespace mpsim::nn
