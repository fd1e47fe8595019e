// SPDX-License-Identifier: MIT
// ReLU, GELU, MaxPool2d and Flatten: exact values and routing, NaN and ties, GELU against the
// float64 erf formula and its finite-difference derivative, gradient formats.
#include <catch2/catch.hpp>

#include <limits>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/flatten.hpp"
#include "mpsim/nn/gelu.hpp"
#include "mpsim/nn/maxpool2d.hpp"
#include "mpsim/nn/relu.hpp"
#include "mpsim/ops/convert.hpp"
#include "nn_reference.hpp"

using namespace mpsim;
using namespace mpsim::nn;
using namespace nn_reference;

namespace {

Tensor tensor_of(const Format& f, Shape shape, std::vector<float> v) {
  Context ctx;
  return tensor_from_floats(f, std::move(shape), v, ctx);
}

const float qnan = std::numeric_limits<float>::quiet_NaN();

}  // namespace

TEST_CASE("nn: relu keeps positives and NaN, zeroes the rest, and masks the gradient", "[nn][relu]") {
  ReLU relu("relu");
  LayerPrecision precision;
  precision.gradients = &binary16;
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor y = relu.forward(tensor_of(binary32, {1, 5}, {1.5f, -2.0f, -0.0f, qnan, 3.0f}), pass);
  CHECK(y.value(0) == 1.5f);
  CHECK(y.bits(1) == 0);  // +0
  CHECK(y.bits(2) == 0);  // -0 -> +0
  CHECK(std::isnan(y.value(3)));
  const Tensor g = relu.backward(tensor_of(binary32, {1, 5}, {1.0f / 3, 7.0f, 7.0f, 2.0f, 5.0f}), pass);
  REQUIRE(g.format() == binary16);  // rounded into the gradient format
  CHECK(g.value(0) == to_float(binary16, from_float(binary16, 1.0f / 3).bits));
  CHECK(g.value(1) == 0.0f);
  CHECK(g.value(2) == 0.0f);
  CHECK(g.value(3) == 2.0f);
  CHECK(g.value(4) == 5.0f);
  CHECK_THROWS_AS(relu.backward(Tensor(binary32, {1, 4}), pass), ShapeError);
}

TEST_CASE("nn: gelu is x Phi(x) in float64 rounded once, its gradient matches finite differences", "[nn][gelu]") {
  GELU gelu("gelu");
  LayerPrecision precision;
  precision.activations = &binary16;
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor x = random_tensor(binary32, {4, 6}, 9, 4.0);
  const Tensor y = gelu.forward(x, pass);
  auto reference = [](double v) { return 0.5 * v * std::erfc(-v / std::sqrt(2.0)); };
  REQUIRE(y.format() == binary16);
  for (std::size_t i = 0; i < x.size(); ++i)
    CHECK(y.value(i) == to_float(binary16, from_double(binary16, reference(x.value(i))).bits));
  const Tensor ones = tensor_of(binary32, {4, 6}, std::vector<float>(24, 1.0f));
  const Tensor g = gelu.backward(ones, pass);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x.value(i), h = 1e-6;
    CHECK(g.value(i) == Approx((reference(v + h) - reference(v - h)) / (2 * h)).epsilon(1e-6).margin(1e-7));
  }
}

TEST_CASE("nn: maxpool2d takes the first maximum, propagates NaN and routes gradients exactly", "[nn][maxpool2d]") {
  MaxPool2d pool("pool");
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  // One 4x5 plane (the last column is dropped, floor mode): windows
  // [1 3 | 2 2]   [-1 nan]   ...
  const Tensor x = tensor_of(binary32, {1, 1, 4, 5},
                             {1, 3, 2, 2, 9,  //
                              0, 3, 2, 1, 9,  //
                              -1, qnan, 5, 0, 9,
                              qnan, -4, 0, 5, 9});
  const Tensor y = pool.forward(x, pass);
  REQUIRE(y.shape() == Shape{1, 1, 2, 2});
  CHECK(y.value(0) == 3.0f);
  CHECK(y.value(1) == 2.0f);
  CHECK(std::isnan(y.value(2)));
  CHECK(y.value(3) == 5.0f);
  const Tensor g = pool.backward(tensor_of(binary32, {1, 1, 2, 2}, {10, 20, 30, 40}), pass);
  const std::vector<float> expected{0, 10, 20, 0, 0,  //  first 3 (row 0) and first 2 (row 0) win ties
                                    0, 0, 0, 0, 0,    //
                                    0, 0, 40, 0, 0,   //  first 5 wins
                                    30, 0, 0, 0, 0};  //  the last NaN of the window (PyTorch's rule)
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(g.value(i) == expected[i]);
  CHECK_THROWS_AS(MaxPool2d("bad", 3, 2), std::invalid_argument);
  CHECK_THROWS_AS(pool.forward(Tensor(binary32, {1, 1, 1, 4}), pass), ShapeError);
  CHECK_THROWS_AS(pool.backward(Tensor(binary32, {1, 1, 2, 3}), pass), ShapeError);
}

TEST_CASE("nn: flatten and reshape keep every value and restore the shape backward", "[nn][flatten]") {
  Flatten flatten("flatten");
  Reshape reshape("input", {1, 2, 3});
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor x = random_tensor(binary32, {2, 3, 2}, 4);
  const Tensor f = flatten.forward(x, pass);
  CHECK(f.shape() == Shape{2, 6});
  const Tensor r = reshape.forward(f, pass);
  CHECK(r.shape() == Shape{2, 1, 2, 3});
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(r.bits(i) == x.bits(i));
  CHECK(flatten.backward(reshape.backward(r, pass), pass).shape() == x.shape());
  CHECK_THROWS_AS(reshape.forward(Tensor(binary32, {2, 5}), pass), ShapeError);
}
