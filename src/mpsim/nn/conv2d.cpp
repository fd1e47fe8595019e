// SPDX-License-Identifier: MIT
// Conv2d as matmuls over patch matrices (conv2d.hpp draws every dot).
#include "mpsim/nn/conv2d.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>

#include "mpsim/nn/im2col.hpp"
#include "mpsim/nn/layer_math.hpp"

namespace mpsim::nn {
namespace {

// Patch matrices are built and multiplied a chunk of images at a time, each chunk's patches at
// most this many floats (2 MiB: they are read back from L2 by matmul). Chunks split the columns
// of a product, never its sums: every element is still one dot.
constexpr std::int64_t patch_budget = std::int64_t{1} << 19;

int images_per_chunk(std::int64_t floats_per_image, int batch) {
  return static_cast<int>(std::clamp<std::int64_t>(patch_budget / floats_per_image, 1, std::max(batch, 1)));
}

// dst[b][o][s] = src[o][b S + s] for src (O x B S): a plain copy.
void channel_major_to_nchw(const float* src, int batch, int channels, int spatial, float* dst) {
  for (int o = 0; o < channels; ++o)
    for (int b = 0; b < batch; ++b)
      std::copy_n(src + (std::int64_t{o} * batch + b) * spatial, spatial, dst + (std::int64_t{b} * channels + o) * spatial);
}

// dst[b S + s][o] = src[b][o][s]: the (B S) x O matrix of an NCHW tensor (a plain copy).
void nchw_to_position_major(const float* src, int batch, int channels, int spatial, float* dst) {
  const std::int64_t image = std::int64_t{channels} * spatial;
  for (int b = 0; b < batch; ++b) transpose_into(src + b * image, channels, spatial, dst + b * image);
}

}  // namespace

Conv2d::Conv2d(std::string name, int in_channels, int out_channels, int kernel_size, int padding,
               const Format& parameter_format, const ParameterInit& init)
    : Layer(std::move(name)),
      in_(in_channels),
      out_(out_channels),
      kernel_(kernel_size),
      padding_(padding),
      weight_{this->name() + ".weight", Tensor(parameter_format, {1}), Tensor(binary32, {1})},
      bias_{this->name() + ".bias", Tensor(parameter_format, {1}), Tensor(binary32, {1})} {
  if (in_channels < 1 || out_channels < 1 || kernel_size < 1 || padding < 0)
    throw std::invalid_argument(this->name() + ": channels and kernel size must be positive and padding >= 0 (in " +
                                std::to_string(in_channels) + ", out " + std::to_string(out_channels) + ", kernel " +
                                std::to_string(kernel_size) + ", padding " + std::to_string(padding) + ")");
  const std::int64_t fan_in = std::int64_t{in_} * kernel_ * kernel_;
  const double bound = default_init_bound(fan_in);
  weight_.value = uniform_init(parameter_format, {out_, in_, kernel_, kernel_}, bound, init.seed, init.stream);
  bias_.value = uniform_init(parameter_format, {out_}, bound, init.seed, init.stream + 1);
  weight_.grad = Tensor(binary32, weight_.value.shape());
  bias_.grad = Tensor(binary32, {out_});
}

Tensor Conv2d::forward(const Tensor& x, Pass& pass) {
  if (x.rank() != 4 || x.shape()[1] != in_)
    throw ShapeError(name() + ": expected an input of shape [B, " + std::to_string(in_) + ", H, W], got " +
                     shape_string(x.shape()));
  const int batch = static_cast<int>(x.shape()[0]), h = static_cast<int>(x.shape()[2]), w = static_cast<int>(x.shape()[3]);
  const int oh = h + 2 * padding_ - kernel_ + 1, ow = w + 2 * padding_ - kernel_ + 1;
  if (oh < 1 || ow < 1)
    throw ShapeError(name() + ": input " + shape_string(x.shape()) + " is smaller than the " + std::to_string(kernel_) +
                     "x" + std::to_string(kernel_) + " kernel with padding " + std::to_string(padding_));
  const LayerPrecision& p = pass.precision;
  const int threads = pass.matmul.threads;
  Operand xo = pass.operand(name() + "/input", x, *p.forward_operands);
  Operand wo = pass.operand(name() + "/weight", weight_.value, *p.forward_operands);
  const Format& in = common_operand_format(xo.values.format(), wo.values.format());
  const bool unscaled = xo.scale_inverse == 1.0f && wo.scale_inverse == 1.0f;

  const int spatial = oh * ow;
  const std::int64_t positions = std::int64_t{batch} * spatial, depth = std::int64_t{in_} * kernel_ * kernel_;
  std::vector<float> patches = saved_ ? std::move(saved_->patches) : std::move(work_.patches);
  saved_.reset();
  patches.resize(static_cast<std::size_t>(depth * positions));

  // C (O x B OH OW): row o is the bias rounded into the accumulator (+0 when scaled); then
  // C += W (O x in k k) patches (in k k x B OH OW), the columns of a few images at a time.
  const Format& acc = accumulator_of(p.products);
  std::vector<float>& by_channel = work_.by_channel;
  by_channel.resize(static_cast<std::size_t>(out_ * positions));
  const Tensor b = round_into(bias_.value, acc, pass);
  for (int o = 0; o < out_; ++o) std::fill_n(by_channel.begin() + o * positions, positions, unscaled ? b.value(o) : 0.0f);
  const int chunk = images_per_chunk(depth * spatial, batch);
  for (int b0 = 0; b0 < batch; b0 += chunk) {
    const int nb = std::min(chunk, batch - b0);
    const std::int64_t first = std::int64_t{b0} * spatial;
    forward_patches(xo.values.values().data() + std::int64_t{b0} * in_ * h * w, nb, in_, h, w, kernel_, padding_, oh, ow,
                    patches.data() + first, positions, threads);
    accumulate_product(p.products, in, out_, nb * spatial, static_cast<int>(depth), wo.values.values().data(),
                       static_cast<int>(depth), patches.data() + first, static_cast<int>(positions),
                       by_channel.data() + first, static_cast<int>(positions), pass);
  }

  Tensor y(unscaled ? acc : binary32, {batch, out_, oh, ow});
  channel_major_to_nchw(by_channel.data(), batch, out_, spatial, y.values().data());
  if (!unscaled) {  // factors, then the bias, in binary32 (linear.hpp)
    apply_scale_inverses(y.values(), wo.scale_inverse, xo.scale_inverse);
    std::span<float> v = y.values();
    for (int bi = 0; bi < batch; ++bi)
      for (int o = 0; o < out_; ++o)
        for (int s = 0; s < spatial; ++s) v[(std::size_t(bi) * out_ + o) * spatial + s] += bias_.value.value(o);
  }
  if (pass.keep_for_backward) {
    saved_ = Saved{x.shape(), std::move(patches), xo.values.format(), xo.scale_inverse, std::move(wo)};
  } else {
    work_.patches = std::move(patches);
  }
  return round_into(std::move(y), *p.activations, pass);
}

Tensor Conv2d::backward(const Tensor& grad_y, Pass& pass) {
  if (!saved_) throw std::logic_error(name() + ": backward without a forward that kept its inputs");
  const Saved& s = *saved_;
  const int batch = static_cast<int>(s.input_shape[0]), h = static_cast<int>(s.input_shape[2]),
            w = static_cast<int>(s.input_shape[3]);
  const int oh = h + 2 * padding_ - kernel_ + 1, ow = w + 2 * padding_ - kernel_ + 1;
  const Shape expected{batch, out_, oh, ow};
  if (grad_y.shape() != expected)
    throw ShapeError(name() + ": expected a gradient of shape " + shape_string(expected) + ", got " +
                     shape_string(grad_y.shape()));
  const LayerPrecision& p = pass.precision;
  const int threads = pass.matmul.threads;
  const Operand go = pass.operand(name() + "/grad_output", grad_y, *p.backward_operands);
  const Format& acc = accumulator_of(p.products);
  const int spatial = oh * ow, depth = in_ * kernel_ * kernel_;
  const int positions = batch * spatial;
  std::vector<float>& by_position = work_.by_position;
  by_position.resize(static_cast<std::size_t>(positions) * out_);

  // grad_W^T (in k k x O) = patches (in k k x B OH OW) * go as a (B OH OW) x O matrix.
  nchw_to_position_major(go.values.values().data(), batch, out_, spatial, by_position.data());
  std::vector<float>& gw_t = work_.by_channel;
  gw_t.assign(static_cast<std::size_t>(depth) * out_, 0.0f);
  accumulate_product(p.products, common_operand_format(s.input_format, go.values.format()), depth, out_, positions,
                     s.patches.data(), positions, by_position.data(), out_, gw_t.data(), out_, pass);
  Tensor gw(go.scale_inverse == 1.0f && s.input_scale_inverse == 1.0f ? acc : binary32, weight_.value.shape());
  transpose_into(gw_t.data(), depth, out_, gw.values().data());
  apply_scale_inverses(gw.values(), s.input_scale_inverse, go.scale_inverse);
  weight_.grad = round_into(std::move(gw), *p.weight_gradients, pass);

  // grad_b: column sums of grad_y as a (B OH OW) x O matrix under the reductions model (the
  // matrix of go when go holds the same values, as it does without scaling or a narrower cast).
  const std::span<const float> gy = grad_y.values(), gov = go.values.values();
  if (!std::equal(gy.begin(), gy.end(), gov.begin(), [](float a, float b) { return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b); }))
    nchw_to_position_major(gy.data(), batch, out_, spatial, by_position.data());
  Tensor gb(accumulator_of(p.reductions), {out_});
  accumulate_column_sums(p.reductions, grad_y.format(), positions, out_, by_position.data(), gb.values().data(), pass);
  bias_.grad = round_into(std::move(gb), *p.weight_gradients, pass);

  if (!input_gradient()) return Tensor(*p.gradients, s.input_shape);
  // grad_x: A = W as in x (O k k) (A[c][(o,i,j)] = wo[o][c][i][j]) times the input-gradient
  // patches of go, a chunk of images at a time (each element is still one dot).
  const int taps = kernel_ * kernel_, gdepth = out_ * taps;
  std::vector<float>& w_by_input = work_.w_by_input;
  w_by_input.resize(static_cast<std::size_t>(in_) * gdepth);
  const std::span<const float> wv = s.weight.values.values();
  for (int o = 0; o < out_; ++o)
    for (int c = 0; c < in_; ++c)
      std::copy_n(wv.begin() + (std::int64_t{o} * in_ + c) * taps, taps, w_by_input.begin() + std::int64_t{c} * gdepth + o * taps);
  const Format& in_x = common_operand_format(s.weight.values.format(), go.values.format());
  const bool unscaled = go.scale_inverse == 1.0f && s.weight.scale_inverse == 1.0f;
  Tensor gx(unscaled ? acc : binary32, s.input_shape);
  const std::int64_t per_image = std::int64_t{gdepth} * h * w;
  const int chunk = images_per_chunk(per_image, batch);
  std::vector<float>& gpatches = work_.gpatches;
  gpatches.resize(static_cast<std::size_t>(per_image * chunk));
  std::vector<float>& by_channel = work_.by_channel;
  by_channel.resize(static_cast<std::size_t>(in_) * chunk * h * w);
  for (int b0 = 0; b0 < batch; b0 += chunk) {
    const int nb = std::min(chunk, batch - b0), cols = nb * h * w;
    input_gradient_patches(go.values.values().data() + std::int64_t{b0} * out_ * spatial, nb, out_, oh, ow, kernel_,
                           padding_, h, w, gpatches.data(), cols, threads);
    std::fill_n(by_channel.begin(), std::int64_t{in_} * cols, 0.0f);
    accumulate_product(p.products, in_x, in_, cols, gdepth, w_by_input.data(), gdepth, gpatches.data(), cols,
                       by_channel.data(), cols, pass);
    channel_major_to_nchw(by_channel.data(), nb, in_, h * w, gx.values().data() + std::int64_t{b0} * in_ * h * w);
  }
  apply_scale_inverses(gx.values(), s.weight.scale_inverse, go.scale_inverse);
  return round_into(std::move(gx), *p.gradients, pass);
}

}  // namespace mpsim::nn
