// SPDX-License-Identifier: MIT
// Conv2d: gradients against float64 finite differences (fp32 policy); under fp16 operands each
// output and each input gradient is ONE dot() in the documented order; threads never change a
// bit; bad shapes are refused.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/conv2d.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/dot.hpp"
#include "nn_reference.hpp"

using namespace mpsim;
using namespace mpsim::nn;
using namespace nn_reference;

namespace {

float rounded(const Format& to, const Format& from, std::uint64_t bits) { return to_float(to, convert(to, from, bits).bits); }
std::uint64_t bits_in(const Format& f, float v) { return from_float(f, v).bits; }

}  // namespace

TEST_CASE("nn: conv2d gradients match float64 finite differences under the fp32 policy", "[nn][conv2d]") {
  const int batch = 2, cin = 2, h = 5, w = 4, cout = 3, k = 3;
  const int pad = GENERATE(0, 1, 2);
  CAPTURE(pad);
  const int oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  Conv2d layer("conv", cin, cout, k, pad, binary32, {3, 0});
  const Tensor x = random_tensor(binary32, {batch, cin, h, w}, 1);
  const Tensor r = random_tensor(binary32, {batch, cout, oh, ow}, 2);
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx, {.threads = 2}};
  const Tensor y = layer.forward(x, pass);
  const Tensor gx = layer.backward(r, pass);
  const Vec xv = to_doubles(x), wv = to_doubles(layer.weight().value), bv = to_doubles(layer.bias().value),
            rv = to_doubles(r);
  auto loss = [&](const Vec& xs, const Vec& ws, const Vec& bs) {
    const Vec ys = conv2d(xs, ws, bs, batch, cin, h, w, cout, k, pad);
    double s = 0;
    for (std::size_t i = 0; i < ys.size(); ++i) s += ys[i] * rv[i];
    return s;
  };
  CHECK(worst_error(to_doubles(y), conv2d(xv, wv, bv, batch, cin, h, w, cout, k, pad), 1e-6, 1e-6) <= 1);
  CHECK(worst_error(to_doubles(gx), finite_differences([&](const Vec& v) { return loss(v, wv, bv); }, xv), 1e-5, 1e-5) <= 1);
  CHECK(worst_error(to_doubles(layer.weight().grad), finite_differences([&](const Vec& v) { return loss(xv, v, bv); }, wv),
                    1e-5, 1e-5) <= 1);
  CHECK(worst_error(to_doubles(layer.bias().grad), finite_differences([&](const Vec& v) { return loss(xv, wv, v); }, bv),
                    1e-5, 1e-5) <= 1);
}

TEST_CASE("nn: conv2d under fp16 operands: each output and each input gradient is one dot", "[nn][conv2d]") {
  const std::string products = GENERATE(as<std::string>{}, "fp32-sequential", "sm90");
  CAPTURE(products);
  LayerPrecision precision;
  precision.activations = precision.gradients = precision.forward_operands = precision.backward_operands = &binary16;
  precision.products = accumulation_preset(products);
  const AccumulationModel& model = precision.products;
  const Format& acc = *model.accumulator;
  const int batch = 2, cin = 3, h = 6, w = 5, cout = 4, k = 3, pad = 1, oh = 6, ow = 5;
  Conv2d layer("conv", cin, cout, k, pad, binary32, {4, 0});
  const Tensor x = random_tensor(binary32, {batch, cin, h, w}, 3, 8.0);
  const Tensor g = random_tensor(binary16, {batch, cout, oh, ow}, 4, 1e-2);
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor y = layer.forward(x, pass);
  const Tensor gx = layer.backward(g, pass);
  const Tensor& wt = layer.weight().value;
  auto X = [&](int n, int c, int yy, int xx) -> std::uint64_t {  // padded input, fp16 bits
    if (yy < 0 || yy >= h || xx < 0 || xx >= w) return 0;
    return bits_in(binary16, x.value(((n * cin + c) * h + yy) * w + xx));
  };
  auto G = [&](int n, int o, int u, int v) -> std::uint64_t {
    if (u < 0 || u >= oh || v < 0 || v >= ow) return 0;
    return g.bits(((n * cout + o) * oh + u) * ow + v);
  };
  auto W = [&](int o, int c, int i, int j) { return bits_in(binary16, wt.value(((o * cin + c) * k + i) * k + j)); };
  for (int n = 0; n < batch; ++n)
    for (int o = 0; o < cout; ++o)
      for (int u = 0; u < oh; ++u)
        for (int v = 0; v < ow; ++v) {  // y: dot over (c, i, j) of (W, x), c = bias
          std::vector<std::uint64_t> a, b;
          for (int c = 0; c < cin; ++c)
            for (int i = 0; i < k; ++i)
              for (int j = 0; j < k; ++j) a.push_back(W(o, c, i, j)), b.push_back(X(n, c, u + i - pad, v + j - pad));
          const std::uint64_t c0 = bits_in(acc, layer.bias().value.value(o));
          REQUIRE(y.value(((n * cout + o) * oh + u) * ow + v) == rounded(binary16, acc, dot(model, binary16, a, b, c0).bits));
        }
  for (int n = 0; n < batch; ++n)
    for (int c = 0; c < cin; ++c)
      for (int yy = 0; yy < h; ++yy)
        for (int xx = 0; xx < w; ++xx) {  // grad_x: dot over (o, i, j) of (W, grad_y at yy + p - i)
          std::vector<std::uint64_t> a, b;
          for (int o = 0; o < cout; ++o)
            for (int i = 0; i < k; ++i)
              for (int j = 0; j < k; ++j) a.push_back(W(o, c, i, j)), b.push_back(G(n, o, yy + pad - i, xx + pad - j));
          REQUIRE(gx.value(((n * cin + c) * h + yy) * w + xx) == rounded(binary16, acc, dot(model, binary16, a, b, 0).bits));
        }
  for (int o = 0; o < cout; ++o)
    for (int c = 0; c < cin; ++c)
      for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) {  // grad_W: dot over (n, u, v) of (x, grad_y)
          std::vector<std::uint64_t> a, b;
          for (int n = 0; n < batch; ++n)
            for (int u = 0; u < oh; ++u)
              for (int v = 0; v < ow; ++v) a.push_back(X(n, c, u + i - pad, v + j - pad)), b.push_back(G(n, o, u, v));
          REQUIRE(layer.weight().grad.value(((o * cin + c) * k + i) * k + j) ==
                  rounded(binary32, acc, dot(model, binary16, a, b, 0).bits));
        }
}

TEST_CASE("nn: conv2d gives the same bits with 1 and 3 threads", "[nn][conv2d]") {
  LayerPrecision precision;
  precision.activations = precision.gradients = precision.forward_operands = precision.backward_operands = &binary16;
  auto run = [&](int threads, EventCounts& counts) {
    Conv2d layer("conv", 3, 8, 3, 1, binary32, {1, 0});
    Context ctx{.counters = &counts};
    Pass pass{precision, ctx, {.threads = threads}};
    std::vector<Tensor> out{layer.forward(random_tensor(binary32, {5, 3, 9, 7}, 5), pass)};
    out.push_back(layer.backward(random_tensor(binary16, {5, 8, 9, 7}, 6, 1e-5), pass));
    out.push_back(layer.weight().grad);
    out.push_back(layer.bias().grad);
    return out;
  };
  EventCounts c1, c3;
  const auto one = run(1, c1), three = run(3, c3);
  CHECK(same_bits(one, three));
  CHECK(c1 == c3);
}

TEST_CASE("nn: conv2d outputs and input gradients of a batch equal those of each image alone", "[nn][conv2d]") {
  // 9 images of 3 x 64 x 64: the patch matrices are built and multiplied in chunks of a few
  // images; every element is still one dot, so chunking and batching change no bit.
  LayerPrecision precision;
  precision.activations = precision.gradients = precision.forward_operands = precision.backward_operands = &binary16;
  Conv2d layer("conv", 3, 4, 3, 1, binary32, {6, 0});
  const int batch = 9, image = 3 * 64 * 64, out_image = 4 * 64 * 64;
  const Tensor x = random_tensor(binary32, {batch, 3, 64, 64}, 7);
  const Tensor g = random_tensor(binary16, {batch, 4, 64, 64}, 8);
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor y = layer.forward(x, pass);
  const Tensor gx = layer.backward(g, pass);
  for (int n = 0; n < batch; n += 4) {  // images 0, 4, 8: first, middle and last chunks
    Tensor xn(binary32, {1, 3, 64, 64}), gn(binary16, {1, 4, 64, 64});
    std::copy_n(x.values().begin() + n * image, image, xn.values().begin());
    std::copy_n(g.values().begin() + n * out_image, out_image, gn.values().begin());
    const Tensor yn = layer.forward(xn, pass);
    const Tensor gxn = layer.backward(gn, pass);
    for (int i = 0; i < out_image; ++i) REQUIRE(yn.bits(i) == y.bits(n * out_image + i));
    for (int i = 0; i < image; ++i) REQUIRE(gxn.bits(i) == gx.bits(n * image + i));
  }
}

TEST_CASE("nn: conv2d refuses bad shapes and arguments", "[nn][conv2d]") {
  Conv2d layer("conv1", 2, 3, 3, 0, binary32, {});
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  CHECK_THROWS_AS(layer.backward(Tensor(binary32, {1, 3, 2, 2}), pass), std::logic_error);
  CHECK_THROWS_WITH(layer.forward(Tensor(binary32, {1, 1, 4, 4}), pass), Catch::Contains("conv1"));
  CHECK_THROWS_AS(layer.forward(Tensor(binary32, {1, 2, 2, 4}), pass), ShapeError);  // smaller than the kernel
  CHECK_THROWS_AS(layer.forward(Tensor(binary32, {2, 4}), pass), ShapeError);
  layer.forward(Tensor(binary32, {1, 2, 4, 4}), pass);
  CHECK_THROWS_AS(layer.backward(Tensor(binary32, {1, 3, 3, 3}), pass), ShapeError);
  CHECK_THROWS_AS(Conv2d("bad", 1, 1, 3, -1, binary32, {}), std::invalid_argument);
}
