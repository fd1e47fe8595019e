// SPDX-License-Identifier: MIT
// Parameter init: deterministic per (seed, stream, index), within PyTorch's bound, roughly
// uniform, rounded into the parameter format.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/conv2d.hpp"
#include "mpsim/nn/init.hpp"
#include "mpsim/nn/linear.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/round/stochastic.hpp"

using namespace mpsim;
using namespace mpsim::nn;

TEST_CASE("nn: uniform init draws two Philox words per value and stays within the bound", "[nn][init]") {
  const Tensor t = uniform_init(binary32, {1000}, 0.25, 42, 7);
  double sum = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    CHECK(std::abs(t.value(i)) <= 0.25f);
    sum += t.value(i);
  }
  CHECK(std::abs(sum / 1000) < 0.02);  // mean of U(-0.25, 0.25): sd of the mean ~0.0046
  // Element 3, by the documented formula.
  const std::uint64_t hi = stochastic_bits_for(42, 7, 6), lo = stochastic_bits_for(42, 7, 7);
  const double u = std::ldexp(static_cast<double>((hi << 21) | (lo >> 11)), -53);
  CHECK(t.value(3) == static_cast<float>(0.25 * (2 * u - 1)));
  const Tensor h = uniform_init(binary16, {1000}, 0.25, 42, 7);
  CHECK(h.value(3) == to_float(binary16, from_double(binary16, 0.25 * (2 * u - 1)).bits));
  CHECK_THROWS_AS(uniform_init(binary32, {2}, 0.0, 1, 1), std::invalid_argument);
}

TEST_CASE("nn: layers draw weight and bias from their own streams with bound 1/sqrt(fan_in)", "[nn][init]") {
  Linear a("a", 16, 8, binary32, {1, 4}), b("b", 16, 8, binary32, {1, 4}), c("c", 16, 8, binary32, {1, 6});
  for (std::size_t i = 0; i < a.weight().value.size(); ++i) {
    CHECK(a.weight().value.bits(i) == b.weight().value.bits(i));
    CHECK(std::abs(a.weight().value.value(i)) <= 0.25f);
  }
  CHECK(a.weight().value.value(0) != c.weight().value.value(0));
  CHECK(a.bias().value.value(0) == uniform_init(binary32, {8}, 0.25, 1, 5).value(0));
  Conv2d conv("conv", 2, 3, 3, 1, binary16, {2, 0});
  CHECK(conv.weight().value.format() == binary16);
  for (float v : conv.weight().value.values()) CHECK(std::abs(v) <= 1.0f / std::sqrt(18.0f));
}
