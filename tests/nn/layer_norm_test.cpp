// SPDX-License-Identifier: MIT
// LayerNorm (PyTorch semantics) against a float64 reference and finite differences.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/layer_norm.hpp"
#include "nn_reference.hpp"

using namespace mpsim;
using namespace mpsim::nn;
using namespace nn_reference;

namespace {

Vec layer_norm(const Vec& x, const Vec& w, const Vec& b, int rows, int d) {
  Vec y(x.size());
  for (int r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (int j = 0; j < d; ++j) mean += x[r * d + j];
    mean /= d;
    for (int j = 0; j < d; ++j) var += (x[r * d + j] - mean) * (x[r * d + j] - mean);
    var /= d;  // biased
    for (int j = 0; j < d; ++j) y[r * d + j] = (x[r * d + j] - mean) / std::sqrt(var + 1e-5) * w[j] + b[j];
  }
  return y;
}

}  // namespace

TEST_CASE("nn: layer norm matches a float64 reference and its finite differences", "[nn][layer_norm]") {
  const int rows = 3, d = 7;
  LayerNorm norm("ln", d, binary32);
  // Non-trivial affine parameters.
  norm.weight().value = random_tensor(binary32, {d}, 1);
  norm.bias().value = random_tensor(binary32, {d}, 2);
  const Tensor x = random_tensor(binary32, {rows, d}, 3, 3.0);
  const Tensor r = random_tensor(binary32, {rows, d}, 4);
  LayerPrecision precision;
  precision.gradients = &binary32;
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor y = norm.forward(x, pass);
  REQUIRE(y.format() == binary32);
  const Tensor gx = norm.backward(r, pass);
  const Vec xv = to_doubles(x), wv = to_doubles(norm.weight().value), bv = to_doubles(norm.bias().value), rv = to_doubles(r);
  auto loss = [&](const Vec& xs, const Vec& ws, const Vec& bs) {
    const Vec ys = layer_norm(xs, ws, bs, rows, d);
    double s = 0;
    for (std::size_t i = 0; i < ys.size(); ++i) s += ys[i] * rv[i];
    return s;
  };
  CHECK(worst_error(to_doubles(y), layer_norm(xv, wv, bv, rows, d), 1e-6, 1e-5) <= 1);
  CHECK(worst_error(to_doubles(gx), finite_differences([&](const Vec& v) { return loss(v, wv, bv); }, xv), 1e-5, 1e-4) <= 1);
  CHECK(worst_error(to_doubles(norm.weight().grad), finite_differences([&](const Vec& v) { return loss(xv, v, bv); }, wv),
                    1e-5, 1e-4) <= 1);
  CHECK(worst_error(to_doubles(norm.bias().grad), finite_differences([&](const Vec& v) { return loss(xv, wv, v); }, bv),
                    1e-5, 1e-4) <= 1);
  CHECK_THROWS_AS(norm.forward(Tensor(binary32, {2, 6}), pass), ShapeError);
}
