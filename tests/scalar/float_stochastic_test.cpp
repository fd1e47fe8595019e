// SPDX-License-Identifier: MIT
// Stochastic rounding in Float<F> draws from its context's stream: draw i of (seed, stream)
// rounds the i-th operation, so equal streams give equal bits and other streams other bits.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "mpsim/ops/ops.hpp"
#include "mpsim/scalar/context.hpp"
#include "mpsim/scalar/float.hpp"

using namespace mpsim;

namespace {

const half_t one = half_t::from_bits(0x3C00);        // 1.0
const half_t increment = half_t::from_bits(0x0C00);  // 2^-12, a quarter of an ulp of 1

Context stochastic(std::uint64_t seed, std::uint64_t stream) {
  Context c;
  c.env.rounding = Rounding::stochastic;
  c.stochastic.seed = seed;
  c.stochastic.stream = stream;
  return c;
}

// The bits of 1 + 2^-12 + 2^-12 + ... (n additions) in the context `c`, after each addition.
std::vector<std::uint64_t> accumulate(Context& c, int n) {
  ScopedContext use(c);
  std::vector<std::uint64_t> out;
  half_t sum = one;
  for (int i = 0; i < n; ++i) out.push_back((sum += increment).bits());
  return out;
}

}  // namespace

TEST_CASE("stochastic Float operation i uses draw i of the context's stream", "[scalar][stochastic]") {
  Context c = stochastic(42, 9);
  ScopedContext use(c);
  const half_t third = half_t::from_bits(0x3555);  // 0.33325
  for (std::uint64_t i = 0; i < 64; ++i) {
    const Result want = mul(binary16, 0x3555, 0x3555, c.env, stochastic_bits_for(42, 9, i));
    REQUIRE((third * third).bits() == want.bits);
    REQUIRE(c.stochastic.next_index == i + 1);
  }
}

TEST_CASE("stochastic Float results repeat with the same seed and stream and change with another",
          "[scalar][stochastic]") {
  Context a = stochastic(1, 0), b = stochastic(1, 0), other_stream = stochastic(1, 1), other_seed = stochastic(2, 0);
  const std::vector<std::uint64_t> first = accumulate(a, 256);
  CHECK(accumulate(b, 256) == first);
  CHECK(accumulate(other_stream, 256) != first);
  CHECK(accumulate(other_seed, 256) != first);
  // Continuing a stream draws new words: the second run of `a` differs from its first.
  CHECK(accumulate(a, 256) != first);
  CHECK(a.stochastic.next_index == 512);
}

TEST_CASE("Float operations under a deterministic rounding mode draw nothing", "[scalar][stochastic]") {
  Context c;
  c.stochastic.seed = 5;
  ScopedContext use(c);
  (void)(one + increment);
  (void)half_t(0.1);
  (void)sqrt(increment);
  CHECK(c.stochastic.next_index == 0);
}

TEST_CASE("stochastic rounding does not stagnate where round to nearest does", "[scalar][stochastic]") {
  // 1 + 4096 * 2^-12 = 2 exactly. Under round to nearest each 2^-12 is below half an ulp of
  // 1 and is lost. Under SR each rounding error is a zero-mean step no larger than the ulp of
  // the result (at most 2^-9 below 4), so by Azuma's inequality
  //   P(|sum - 2| >= t) <= 2 exp(-t^2 / (2 * 4096 * 2^-18)) = 2 exp(-32 t^2),
  // which is 1.9e-10 for t = 0.85.
  Context nearest;
  ScopedContext use(nearest);
  half_t sum = one;
  for (int i = 0; i < 4096; ++i) sum += increment;
  CHECK(sum.bits() == 0x3C00);  // still 1.0
  Context sr = stochastic(2024, 0);
  const double sr_sum = to_double(binary16, accumulate(sr, 4096).back());
  CHECK(std::abs(sr_sum - 2.0) < 0.85);
}
