// SPDX-License-Identifier: MIT
// Linear: gradients against float64 finite differences (fp32 policy); under fp16 operands every
// output and gradient is one dot() under the products model rounded once; threads never
// change a bit; bad shapes are refused.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/linear.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/dot.hpp"
#include "mpsim/tensor/elementwise.hpp"
#include "nn_reference.hpp"

using namespace mpsim;
using namespace mpsim::nn;
using namespace nn_reference;

namespace {

LayerPrecision fp16_precision(const std::string& products) {
  LayerPrecision p;
  p.activations = p.gradients = p.forward_operands = p.backward_operands = &binary16;
  p.products = accumulation_preset(products);
  return p;
}

std::uint64_t bits_in(const Format& f, float v) { return from_float(f, v).bits; }
float rounded(const Format& to, const Format& from, std::uint64_t bits) {
  return to_float(to, convert(to, from, bits).bits);
}

// Plain casts, with a scale factor of 1/2 claimed for one key; records the keys it sees.
class HalvingCaster : public OperandCaster {
 public:
  std::string halved;
  std::vector<std::string> keys;
  Operand to_operand(std::string_view key, const Tensor& x, const Format& to, Context& ctx) override {
    keys.emplace_back(key);
    return {cast(x, to, ctx), key == halved ? 0.5f : 1.0f};
  }
};

}  // namespace

TEST_CASE("nn: linear gradients match float64 finite differences under the fp32 policy", "[nn][linear]") {
  const int batch = 3, in = 5, out = 4;
  Linear layer("fc", in, out, binary32, {11, 0});
  const Tensor x = random_tensor(binary32, {batch, in}, 1);
  const Tensor r = random_tensor(binary32, {batch, out}, 2);  // loss = sum(y * r): grad_y = r
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor y = layer.forward(x, pass);
  const Tensor gx = layer.backward(r, pass);

  const Vec xv = to_doubles(x), wv = to_doubles(layer.weight().value), bv = to_doubles(layer.bias().value),
            rv = to_doubles(r);
  auto loss = [&](const Vec& xs, const Vec& ws, const Vec& bs) {
    const Vec ys = linear(xs, ws, bs, batch, in, out);
    double s = 0;
    for (std::size_t i = 0; i < ys.size(); ++i) s += ys[i] * rv[i];
    return s;
  };
  CHECK(worst_error(to_doubles(y), linear(xv, wv, bv, batch, in, out), 1e-6, 1e-6) <= 1);
  // fp32 outputs of sums of a few products: errors ~1e-7; the differences are exact to ~1e-9.
  CHECK(worst_error(to_doubles(gx), finite_differences([&](const Vec& v) { return loss(v, wv, bv); }, xv), 1e-5, 1e-5) <= 1);
  CHECK(worst_error(to_doubles(layer.weight().grad), finite_differences([&](const Vec& v) { return loss(xv, v, bv); }, wv),
                    1e-5, 1e-5) <= 1);
  CHECK(worst_error(to_doubles(layer.bias().grad), finite_differences([&](const Vec& v) { return loss(xv, wv, v); }, bv),
                    1e-5, 1e-5) <= 1);
}

TEST_CASE("nn: linear under fp16 operands: each output is one dot with the bias as c, rounded once", "[nn][linear]") {
  const std::string products = GENERATE(as<std::string>{}, "fp32-sequential", "sm90", "fp16-accumulate");
  CAPTURE(products);
  const LayerPrecision precision = fp16_precision(products);
  const AccumulationModel& model = precision.products;
  const Format& acc = *model.accumulator;
  const int batch = 3, in = 37, out = 5;
  Linear layer("fc", in, out, binary32, {5, 2});
  const Tensor x = random_tensor(binary32, {batch, in}, 3, 4.0);
  const Tensor g = random_tensor(binary16, {batch, out}, 4, 1e-3);
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor y = layer.forward(x, pass);
  const Tensor gx = layer.backward(g, pass);
  REQUIRE(y.format() == binary16);
  REQUIRE(gx.format() == binary16);
  const Tensor& w = layer.weight().value;
  for (int r = 0; r < batch; ++r) {
    for (int j = 0; j < out; ++j) {
      std::vector<std::uint64_t> a, b;
      for (int k = 0; k < in; ++k) a.push_back(bits_in(binary16, x.value(r * in + k))), b.push_back(bits_in(binary16, w.value(j * in + k)));
      const std::uint64_t c = bits_in(acc, layer.bias().value.value(j));
      CHECK(y.value(r * out + j) == rounded(binary16, acc, dot(model, binary16, a, b, c).bits));
    }
    for (int k = 0; k < in; ++k) {  // grad_x: dot over output features
      std::vector<std::uint64_t> a, b;
      for (int j = 0; j < out; ++j) a.push_back(g.bits(r * out + j)), b.push_back(bits_in(binary16, w.value(j * in + k)));
      CHECK(gx.value(r * in + k) == rounded(binary16, acc, dot(model, binary16, a, b, 0).bits));
    }
  }
  for (int j = 0; j < out; ++j) {
    for (int k = 0; k < in; ++k) {  // grad_W: dot over the batch, binary32 weight gradients
      std::vector<std::uint64_t> a, b;
      for (int r = 0; r < batch; ++r) a.push_back(g.bits(r * out + j)), b.push_back(bits_in(binary16, x.value(r * in + k)));
      CHECK(layer.weight().grad.value(j * in + k) == rounded(binary32, acc, dot(model, binary16, a, b, 0).bits));
    }
    std::vector<std::uint64_t> a, ones(batch, 0x3C00);  // 0x3C00: 1.0 in binary16
    for (int r = 0; r < batch; ++r) a.push_back(g.bits(r * out + j));
    CHECK(layer.bias().grad.value(j) ==
          rounded(binary32, *precision.reductions.accumulator, dot(precision.reductions, binary16, a, ones, 0).bits));
  }
}

TEST_CASE("nn: linear gives the same bits with 1 and 3 threads, counting on", "[nn][linear]") {
  const LayerPrecision precision = fp16_precision("fp32-sequential");
  auto run = [&](int threads, EventCounts& counts) {
    Linear layer("fc", 70, 40, binary32, {9, 4});
    Context ctx{.counters = &counts};
    Pass pass{precision, ctx, {.threads = threads}};
    std::vector<Tensor> out{layer.forward(random_tensor(binary32, {33, 70}, 5, 1e3), pass)};
    out.push_back(layer.backward(random_tensor(binary16, {33, 40}, 6, 1e-6), pass));
    out.push_back(layer.weight().grad);
    out.push_back(layer.bias().grad);
    return out;
  };
  EventCounts c1, c3;
  const auto one = run(1, c1), three = run(3, c3);
  CHECK(same_bits(one, three));
  CHECK(c1 == c3);
  CHECK(c1.underflow > 0);  // gradients of 1e-6 scale meet fp16's subnormals
}

TEST_CASE("nn: linear under fp16 operands counts every cast, product and rounding", "[nn][linear]") {
  const LayerPrecision precision = fp16_precision("fp32-sequential");
  Linear layer("fc", 6, 5, binary32, {9, 4});
  EventCounts counts;
  Context ctx{.counters = &counts};
  Pass pass{precision, ctx};
  layer.forward(random_tensor(binary32, {3, 6}, 5), pass);
  // casts of x (18) and W (30), the bias into the accumulator (5), 15 dots, 15 output roundings
  CHECK(counts.operations == 18 + 30 + 5 + 15 + 15);
  counts = {};
  layer.backward(random_tensor(binary16, {3, 5}, 6), pass);
  // cast of grad_y (15); grad_x 18 dots + 18 roundings; grad_W 30 + 30; grad_b 5 sums + 5 roundings
  CHECK(counts.operations == 15 + 36 + 60 + 10);
}

TEST_CASE("nn: linear refuses bad shapes and a backward without forward", "[nn][linear]") {
  Linear layer("fc1", 4, 3, binary32, {});
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  CHECK_THROWS_AS(layer.backward(Tensor(binary32, {2, 3}), pass), std::logic_error);
  CHECK_THROWS_WITH(layer.forward(Tensor(binary32, {2, 5}), pass), Catch::Contains("fc1") && Catch::Contains("[2, 5]"));
  CHECK_THROWS_AS(layer.forward(Tensor(binary32, {4}), pass), ShapeError);
  layer.forward(Tensor(binary32, {2, 4}), pass);
  CHECK_THROWS_AS(layer.backward(Tensor(binary32, {3, 3}), pass), ShapeError);
  CHECK_THROWS_AS(Linear("bad", 0, 3, binary32, {}), std::invalid_argument);
}

TEST_CASE("nn: linear without an input gradient fills only the parameter gradients", "[nn][linear]") {
  Linear layer("fc", 3, 2, binary32, {});
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  layer.forward(random_tensor(binary32, {2, 3}, 7), pass);
  layer.set_input_gradient(false);
  const Tensor gx = layer.backward(random_tensor(binary32, {2, 2}, 8), pass);
  for (float v : gx.values()) CHECK(v == 0.0f);
  CHECK(layer.weight().grad.value(0) != 0.0f);
}

TEST_CASE("nn: linear with fp8 operands scales the product, then adds the bias in binary32", "[nn][linear]") {
  LayerPrecision precision;
  precision.activations = precision.gradients = &binary16;
  precision.forward_operands = &fp8_e4m3;
  precision.backward_operands = &fp8_e5m2;
  const AccumulationModel& model = precision.products;
  const int batch = 2, in = 9, out = 3;
  Linear layer("fc", in, out, binary32, {2, 2});
  const Tensor x = random_tensor(binary32, {batch, in}, 11, 4.0);
  const Tensor g = random_tensor(binary16, {batch, out}, 12);
  HalvingCaster caster;
  caster.halved = "fc/input";
  Context ctx;
  Pass pass{precision, ctx, {}, &caster};
  const Tensor y = layer.forward(x, pass);
  const Tensor gx = layer.backward(g, pass);
  CHECK(caster.keys == std::vector<std::string>{"fc/input", "fc/weight", "fc/grad_output"});
  const Tensor& w = layer.weight().value;
  for (int r = 0; r < batch; ++r)
    for (int j = 0; j < out; ++j) {
      std::vector<std::uint64_t> a, b;  // E4M3 values, passed to dot() as binary16 (exact)
      for (int k = 0; k < in; ++k)
        a.push_back(bits_in(binary16, rounded(fp8_e4m3, binary32, bits_in(binary32, x.value(r * in + k))))),
            b.push_back(bits_in(binary16, rounded(fp8_e4m3, binary32, bits_in(binary32, w.value(j * in + k)))));
      const float acc = to_float(binary32, dot(model, binary16, a, b, 0).bits);
      const float expected = (acc * 0.5f) * 1.0f + layer.bias().value.value(j);
      CHECK(y.value(r * out + j) == to_float(binary16, from_float(binary16, expected).bits));
    }
  for (int r = 0; r < batch; ++r)
    for (int k = 0; k < in; ++k) {  // E5M2 gradients x E4M3 weights, unscaled
      std::vector<std::uint64_t> a, b;
      for (int j = 0; j < out; ++j)
        a.push_back(bits_in(binary16, rounded(fp8_e5m2, binary16, g.bits(r * out + j)))),
            b.push_back(bits_in(binary16, rounded(fp8_e4m3, binary32, bits_in(binary32, w.value(j * in + k)))));
      CHECK(gx.value(r * in + k) == rounded(binary16, binary32, dot(model, binary16, a, b, 0).bits));
    }
}
