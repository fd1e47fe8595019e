// SPDX-License-Identifier: MIT
// Stochastic rounding of the array fast path against the scalar core on a large sample:
// 2^28 binary32 patterns spread over the whole space (every NaN, infinity, subnormal and
// normal class), each drawing stochastic_bits_for(seed, stream, i) on both sides, on every
// SIMD instruction set, for binary16, bfloat16, E4M3 and E5M2. (The deterministic modes are
// checked on all 2^32 inputs inside from_binary32_test.cpp's sweeps.)
#include <bit>

#include "array_sweep.hpp"
#include "formats.hpp"
#include "mpsim/round/stochastic.hpp"

using namespace exhaustive;

namespace {

// `chunk` inputs per call, element k of the sweep drawing index k (first_index follows).
void check_stochastic_sample(const mpsim::Format& f, std::uint64_t count) {
  const mpsim::Env env{.rounding = mpsim::Rounding::stochastic};
  constexpr std::uint64_t seed = 0x5EED, stream = 3;
  constexpr std::size_t chunk = std::size_t{1} << 20;
  Tally tally;
  std::vector<float> in(chunk), out(chunk);
  std::vector<std::uint32_t> want(chunk);
  for (std::uint64_t base = 0; base < count; base += chunk) {
    mpsim::EventCounts want_counts;
    for (std::size_t i = 0; i < chunk; ++i) {
      const std::uint32_t x = spread(base + i);
      in[i] = std::bit_cast<float>(x);
      const mpsim::Result r =
          mpsim::convert(f, mpsim::binary32, x, env, mpsim::stochastic_bits_for(seed, stream, base + i));
      want[i] = std::bit_cast<std::uint32_t>(mpsim::to_float(f, r.bits));
      want_counts.record(r);
    }
    for (mpsim::Isa isa : mpsim::available_isas()) {
      if (isa == mpsim::Isa::portable) continue;
      const mpsim::ArrayOutcome o =
          mpsim::round_array(f, env, in, out, {.seed = seed, .stream = stream, .first_index = base}, true, isa);
      for (std::size_t i = 0; i < chunk; ++i) {
        if (std::bit_cast<std::uint32_t>(out[i]) != want[i]) {
          tally.mismatch("binary32 %08X (index %llu) to %s stochastic: core %08X, round_array (%s) %08X",
                         std::bit_cast<std::uint32_t>(in[i]), static_cast<unsigned long long>(base + i),
                         f.name.data(), want[i], mpsim::isa_name(isa).data(), std::bit_cast<std::uint32_t>(out[i]));
        }
      }
      if (!(o.counts == want_counts)) {
        tally.mismatch("indices %llu ..: counts of round_array (%s) differ from the core's",
                       static_cast<unsigned long long>(base), mpsim::isa_name(isa).data());
      }
    }
    tally.add_cases(chunk);
  }
  require_clean(tally, count);
}

}  // namespace

// clang-format off
TEST_CASE("round_array rounds 2^28 spread binary32 stochastically to binary16 like the core", "[.][exhaustive][array][binary16]") { check_stochastic_sample(mpsim::binary16, std::uint64_t{1} << 28); }
TEST_CASE("round_array rounds 2^28 spread binary32 stochastically to bfloat16 like the core", "[.][exhaustive][array][bfloat16]") { check_stochastic_sample(mpsim::bfloat16, std::uint64_t{1} << 28); }
TEST_CASE("round_array rounds 2^28 spread binary32 stochastically to e4m3 like the core", "[.][exhaustive][array][e4m3]") { check_stochastic_sample(mpsim::fp8_e4m3, std::uint64_t{1} << 28); }
TEST_CASE("round_array rounds 2^28 spread binary32 stochastically to e5m2 like the core", "[.][exhaustive][array][e5m2]") { check_stochastic_sample(mpsim::fp8_e5m2, std::uint64_t{1} << 28); }
// clang-format on

TEST_CASE("round_array rounds 2^22 spread binary32 stochastically like the core", "[array]") {
  for (const mpsim::Format* f : {&mpsim::binary16, &mpsim::bfloat16, &mpsim::fp8_e4m3, &mpsim::fp8_e5m2}) {
    check_stochastic_sample(*f, std::uint64_t{1} << 22);
  }
}
