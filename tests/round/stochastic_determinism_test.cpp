// SPDX-License-Identifier: MIT
// Stochastic rounding is reproducible across thread counts: element i always draws
// stochastic_bits_for(seed, stream, i), whoever rounds it and in whatever order.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/round/stochastic.hpp"

using namespace mpsim;

namespace {

constexpr std::size_t count = std::size_t{1} << 20;
constexpr std::uint64_t seed = 0x5EEDull, stream = 3;

// 2^20 binary32 values of both signs in [2^-20, 2^4), most of them inexact in binary16.
std::vector<std::uint32_t> inputs() {
  std::vector<std::uint32_t> x(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t r = stochastic_bits_for(1, 99, i);
    x[i] = (r & 0x807FFFFFu) | ((127 - 20 + static_cast<std::uint32_t>(i % 24)) << 23);
  }
  return x;
}

// Rounds elements first, first + step, ... (below `count`) of `in` to binary16 with SR.
void round_elements(const std::vector<std::uint32_t>& in, std::vector<std::uint16_t>& out, std::size_t first,
                    std::size_t last, std::size_t step, std::uint64_t seed_used) {
  const Env env{.rounding = Rounding::stochastic};
  for (std::size_t i = first; i < last; i += step) {
    out[i] = static_cast<std::uint16_t>(convert(binary16, binary32, in[i], env, stochastic_bits_for(seed_used, stream, i)).bits);
  }
}

// How many elements of two results differ (comparing counts keeps failure messages short).
std::size_t differences(const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < count; ++i) n += a[i] != b[i];
  return n;
}

std::vector<std::uint16_t> one_thread(const std::vector<std::uint32_t>& in, std::uint64_t seed_used) {
  std::vector<std::uint16_t> out(count);
  round_elements(in, out, 0, count, 1, seed_used);
  return out;
}

}  // namespace

TEST_CASE("stochastic rounding of 2^20 values is bit-identical on one thread and on two",
          "[round][stochastic][determinism]") {
  const std::vector<std::uint32_t> in = inputs();
  const std::vector<std::uint16_t> reference = one_thread(in, seed);

  SECTION("interleaved: thread t rounds the elements i = t mod 2") {
    std::vector<std::uint16_t> out(count);
    std::thread even([&] { round_elements(in, out, 0, count, 2, seed); });
    std::thread odd([&] { round_elements(in, out, 1, count, 2, seed); });
    even.join();
    odd.join();
    CHECK(differences(out, reference) == 0);
  }
  SECTION("blocked: thread t rounds the t-th half") {
    std::vector<std::uint16_t> out(count);
    std::thread low([&] { round_elements(in, out, 0, count / 2, 1, seed); });
    std::thread high([&] { round_elements(in, out, count / 2, count, 1, seed); });
    low.join();
    high.join();
    CHECK(differences(out, reference) == 0);
  }
  SECTION("the rounding is stochastic: another seed changes many results") {
    // Each element differs with probability 2 D (1 - D) for its dropped fraction D: about a third here.
    CHECK(differences(one_thread(in, seed + 1), reference) > count / 10);
  }
}
