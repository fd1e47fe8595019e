// SPDX-License-Identifier: MIT
// E4M3 and E5M2 fused multiply-add: all 2^24 operand triples in each deterministic mode and
// stochastic rounding, against the x87 reference (a*b + c is exact in extended), results and flags.
#include <cstdint>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/fma.hpp"
#include "formats.hpp"
#include "pairs.hpp"
#include "reference/operations.hpp"
#include "sweep.hpp"

using namespace exhaustive;

namespace {

// Checks triples triple_at(0 .. count-1), each a << 16 | b << 8 | c. Single-threaded.
template <class TripleAt>
Tally sweep_triples(const PairFormat& f, const ModeCase& mode, std::uint64_t count, TripleAt&& triple_at) {
  using namespace reference;
  const std::vector<Decoded> table = decode_all(f.ref);
  const mpsim::Env env = env_for(mode);
  Tally tally;
  X87::Scope x87(direction_for(mode.ref));
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint32_t triple = triple_at(i);
    const std::uint32_t a = triple >> 16, b = (triple >> 8) & 0xFF, c = triple & 0xFF;
    const std::uint32_t random = random_word(i);
    const mpsim::Result got = mpsim::fma(f.emu, a, b, c, env, random);
    const Rounded want = fused_multiply_add(f.ref, table[a], table[b], table[c], mode.ref, random);
    if (got.bits != want.bits || got.flags != want.flags) {
      tally.mismatch("%s fma %s a=%02X b=%02X c=%02X: x87 reference %02llX/%02X, emulator %02llX/%02X", f.ref.name,
                     mode.name, a, b, c, static_cast<unsigned long long>(want.bits), want.flags,
                     static_cast<unsigned long long>(got.bits), got.flags);
    }
  }
  tally.add_cases(count);
  return tally;
}

void check_all_triples(const PairFormat& f, const ModeCase& mode) {
  const std::uint64_t count = std::uint64_t{1} << 24;
  require_clean(sweep_triples(f, mode, count, [](std::uint64_t i) { return static_cast<std::uint32_t>(i); }), count);
}

// 2^16 spread triples (an odd-multiplier bijection of the 24-bit index) in every mode.
void check_some_triples(const PairFormat& f) {
  for (const ModeCase* mode : all_modes) {
    const ModeCase& m = *mode;
    INFO(m.name);
    const std::uint64_t count = 1 << 16;
    const Tally tally = sweep_triples(f, m, count, [](std::uint64_t k) {
      return static_cast<std::uint32_t>(k * 0x9E3779) & 0xFFFFFF;
    });
    require_clean(tally, count);
  }
}
}  // namespace

// clang-format off
TEST_CASE("every e4m3 triple fmas like the reference rounding to nearest even", "[.][exhaustive][fma][e4m3]") { check_all_triples(e4m3, nearest_even); }
TEST_CASE("every e4m3 triple fmas like the reference rounding toward zero", "[.][exhaustive][fma][e4m3]") { check_all_triples(e4m3, toward_zero); }
TEST_CASE("every e4m3 triple fmas like the reference rounding upward", "[.][exhaustive][fma][e4m3]") { check_all_triples(e4m3, upward); }
TEST_CASE("every e4m3 triple fmas like the reference rounding downward", "[.][exhaustive][fma][e4m3]") { check_all_triples(e4m3, downward); }
TEST_CASE("every e4m3 triple fmas like the reference rounding to nearest away", "[.][exhaustive][fma][e4m3]") { check_all_triples(e4m3, nearest_away); }
TEST_CASE("every e4m3 triple fmas like the reference rounding to odd", "[.][exhaustive][fma][e4m3]") { check_all_triples(e4m3, to_odd); }
TEST_CASE("every e4m3 triple fmas like the reference rounding stochastically", "[.][exhaustive][fma][e4m3]") { check_all_triples(e4m3, stochastic); }
TEST_CASE("every e5m2 triple fmas like the reference rounding to nearest even", "[.][exhaustive][fma][e5m2]") { check_all_triples(e5m2, nearest_even); }
TEST_CASE("every e5m2 triple fmas like the reference rounding toward zero", "[.][exhaustive][fma][e5m2]") { check_all_triples(e5m2, toward_zero); }
TEST_CASE("every e5m2 triple fmas like the reference rounding upward", "[.][exhaustive][fma][e5m2]") { check_all_triples(e5m2, upward); }
TEST_CASE("every e5m2 triple fmas like the reference rounding downward", "[.][exhaustive][fma][e5m2]") { check_all_triples(e5m2, downward); }
TEST_CASE("every e5m2 triple fmas like the reference rounding to nearest away", "[.][exhaustive][fma][e5m2]") { check_all_triples(e5m2, nearest_away); }
TEST_CASE("every e5m2 triple fmas like the reference rounding to odd", "[.][exhaustive][fma][e5m2]") { check_all_triples(e5m2, to_odd); }
TEST_CASE("every e5m2 triple fmas like the reference rounding stochastically", "[.][exhaustive][fma][e5m2]") { check_all_triples(e5m2, stochastic); }
// clang-format on

TEST_CASE("e4m3 fma matches the reference on spread triples in every mode", "[fma][e4m3]") { check_some_triples(e4m3); }
TEST_CASE("e5m2 fma matches the reference on spread triples in every mode", "[fma][e5m2]") { check_some_triples(e5m2); }
