// SPDX-License-Identifier: MIT
// Counting observes and never changes a result: a sweep of Float<F> operations gives the same
// bits, flags and stochastic draws with counters on and off, and the counts add up.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mpsim/instrument/counters.hpp"
#include "mpsim/scalar/context.hpp"
#include "mpsim/scalar/float.hpp"

using namespace mpsim;

namespace {

// Second operands: zeros, 1, a subnormal, the smallest normal, the largest finite, inf, NaNs.
constexpr std::uint16_t partners[] = {0x0000, 0x8000, 0x3C00, 0xB555, 0x0001, 0x83FF,
                                      0x0400, 0x7BFF, 0xFC00, 0x7E00, 0x7C01, 0x1234};
constexpr int ops_per_pair = 7;

// Every result bit pattern of a sweep of fp16 operations, computed in the current context.
std::vector<std::uint16_t> sweep() {
  std::vector<std::uint16_t> out;
  out.reserve(65536 / 3 * std::size(partners) * ops_per_pair);
  for (std::uint32_t a = 0; a < 65536; a += 3) {
    const half_t x = half_t::from_bits(a);
    for (std::uint16_t b : partners) {
      const half_t y = half_t::from_bits(b);
      out.push_back(static_cast<std::uint16_t>((x + y).bits()));
      out.push_back(static_cast<std::uint16_t>((x - y).bits()));
      out.push_back(static_cast<std::uint16_t>((x * y).bits()));
      out.push_back(static_cast<std::uint16_t>((x / y).bits()));
      out.push_back(static_cast<std::uint16_t>(fma(x, y, y).bits()));
      out.push_back(static_cast<std::uint16_t>(sqrt(x).bits()));
      out.push_back(x < y);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("counting does not change bits, flags or stochastic draws", "[instrument][transparency]") {
  const Env envs[] = {
      ieee_env,
      nvidia_env,
      Env{.rounding = Rounding::stochastic, .flush_to_zero = true, .denormals_are_zero = true},
      Env{.rounding = Rounding::toward_zero, .tininess = Tininess::before_rounding, .overflow = Overflow::saturate},
  };
  for (const Env& env : envs) {
    Context off;
    off.env = env;
    off.stochastic.seed = 11;
    off.stochastic.stream = 4;
    Context on = off;
    std::vector<std::uint16_t> plain, counted;
    {
      ScopedContext use(off);
      plain = sweep();
    }
    CounterRegistry reg;
    {
      ScopedContext use(on);
      CounterScope scope(reg, "sweep", 0);
      counted = sweep();
    }
    REQUIRE(counted.size() == plain.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < plain.size(); ++i) differ += counted[i] != plain[i];
    CHECK(differ == 0);
    CHECK(on.flags == off.flags);
    CHECK(on.stochastic.next_index == off.stochastic.next_index);
    const EventCounts& c = reg.at({"sweep", 0});
    CHECK(c.operations == plain.size());  // every operation, comparisons included, is counted once
    CHECK(c.inexact > 0);
    CHECK(c.invalid > 0);
    CHECK(c.overflowed > 0);
    CHECK(c.divide_by_zero > 0);
  }
}
