// SPDX-License-Identifier: MIT
// convert between every ordered pair of formats against the exact oracle: every boundary value
// of the source, seeded random values aimed at the destination's rounding position, underflow
// and overflow thresholds, and literal traps (E4M3 464 -> 448 but 465 -> NaN).
#include "mpsim/ops/convert.hpp"

#include <bit>
#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

void check_convert(testing::Mismatches& log, const Format& to, const Format& from, const Env& env, std::uint32_t random,
                   std::uint64_t a) {
  testing::compare_results(log, "convert", from, to, {a}, env, random, oracle::convert(to, from, a, env, random),
                           convert(to, from, a, env, random));
}

// A source value whose exponent lies near the destination's thresholds and whose bits just
// below the destination's last bit form a tie, a near-tie or a carry.
std::uint64_t source_for(cases::Operands& src, const Format& to) {
  const Format& from = src.format();
  const int p = to.precision();
  std::uint64_t x;
  switch (src.pick(5)) {
    case 0:
      return src.any();
    case 1:
      x = src.finite(to.emin() - p - 2, to.emin() + 1);
      break;
    case 2:
      x = src.finite(to.emax() - 1, to.emax() + 1);
      break;
    case 3:
      x = src.finite(-4, 4);
      break;
    default:
      x = src.finite(to.emin() - p - 2, to.emax() + 2);
      break;
  }
  const int dropped = from.fraction_bits - to.fraction_bits;
  if (dropped <= 0) return x;
  const std::uint64_t mask = (std::uint64_t{1} << dropped) - 1;
  const std::uint64_t half = std::uint64_t{1} << (dropped - 1);
  const std::uint64_t low[] = {half, half - 1, half + 1, 0, mask, x & mask};
  return (x & ~mask) | low[src.pick(6)];
}

Result both(const Format& to, const Format& from, std::uint64_t a, const Env& env, std::uint32_t random = 0) {
  const Result got = convert(to, from, a, env, random);
  CHECK(got == oracle::convert(to, from, a, env, random));
  return got;
}

std::uint64_t bits_of(float x) { return std::bit_cast<std::uint32_t>(x); }

constexpr std::uint8_t of = flag::overflow | flag::inexact;
constexpr std::uint8_t uf = flag::underflow | flag::inexact;

}  // namespace

TEST_CASE("convert agrees with the oracle on every boundary value of every format pair", "[ops][convert]") {
  for (const Format& from : cases::formats_under_test())
    for (const Format& to : cases::formats_under_test()) {
      testing::Mismatches log;
      std::mt19937_64 rng(61);
      for (const cases::RoundingConfig& rc : cases::rounding_configs())
        for (std::uint64_t a : cases::interesting_patterns(from))
          for (int k = 0; k < 4; ++k)
            check_convert(log, to, from, cases::make_env(rc, static_cast<int>(rng() % cases::env_combos)), rc.random,
                          a);
      INFO(format_name(from) << " -> " << format_name(to));
      log.report();
    }
}

TEST_CASE("convert agrees with the oracle on seeded random values of every format pair", "[ops][convert]") {
  for (const Format& from : cases::formats_under_test())
    for (const Format& to : cases::formats_under_test()) {
      testing::Mismatches log;
      testing::sweep_random(from, 3000, 62, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
        check_convert(log, to, from, env, random, source_for(src, to));
      });
      INFO(format_name(from) << " -> " << format_name(to));
      const bool narrowing = from.fraction_bits > to.fraction_bits || from.emin() < to.emin();
      log.report(narrowing ? flag::inexact : 0, 0);
    }
}

TEST_CASE("convert agrees with the oracle on 100k random values per pair and mode", "[ops][convert][exhaustive]") {
  for (const Format& from : cases::formats_under_test())
    for (const Format& to : cases::formats_under_test()) {
      testing::Mismatches log;
      testing::sweep_random(from, 100000, 63, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
        check_convert(log, to, from, env, random, source_for(src, to));
      });
      INFO(format_name(from) << " -> " << format_name(to));
      log.report();
    }
}

TEST_CASE("fp32 to e4m3: 464 ties down to 448, 465 overflows to NaN unless saturating", "[ops][convert][e4m3]") {
  CHECK(both(fp8_e4m3, binary32, bits_of(464.0f), {}) == Result{0x7E, flag::inexact, 0});
  CHECK(both(fp8_e4m3, binary32, bits_of(465.0f), {}) == Result{0x7F, of, event::overflowed | event::nan_created});
  CHECK(both(fp8_e4m3, binary32, bits_of(-465.0f), {}).bits == 0xFF);
  CHECK(both(fp8_e4m3, binary32, bits_of(465.0f), {.overflow = Overflow::saturate}) ==
        Result{0x7E, of, event::overflowed});
  CHECK(both(fp8_e4m3, binary32, bits_of(500.0f), {.rounding = Rounding::toward_zero}) ==
        Result{0x7E, of, event::overflowed});  // 500 truncates to 480 > 448: an overflow
  CHECK(both(fp8_e4m3, binary32, bits_of(470.0f), {.rounding = Rounding::toward_zero}) ==
        Result{0x7E, flag::inexact, 0});  // truncates to 448 itself
  // inf has no E4M3 encoding: NaN (invalid), or 448 when saturating.
  CHECK(both(fp8_e4m3, binary32, 0x7F800000, {}) == Result{0x7F, flag::invalid, event::nan_created});
  CHECK(both(fp8_e4m3, binary32, 0xFF800000, {.overflow = Overflow::saturate}) == Result{0xFE, of, event::overflowed});
  CHECK(both(fp8_e4m3, binary32, 0x7FC00000, {}) == Result{0x7F, 0, 0});
  CHECK(both(fp8_e4m3, binary32, bits_of(0x1p-10f), {}) == Result{0x00, uf, event::underflow_to_zero});  // tie
  CHECK(both(fp8_e4m3, binary32, bits_of(0x1.8p-10f), {}) == Result{0x01, uf, event::subnormal_result});
}

TEST_CASE("fp32 to fp16 at the underflow and overflow thresholds", "[ops][convert][fp16]") {
  CHECK(both(binary16, binary32, 0x33000000, {}) == Result{0x0000, uf, event::underflow_to_zero});  // 2^-25 ties to 0
  CHECK(both(binary16, binary32, 0x33000001, {}) == Result{0x0001, uf, event::subnormal_result});   // just above
  CHECK(both(binary16, binary32, 0x477FF000, {}) == Result{0x7C00, of, event::overflowed});         // 65520 -> inf
  CHECK(both(binary16, binary32, 0x477FEFFF, {}) == Result{0x7BFF, flag::inexact, 0});
  CHECK(both(binary16, binary32, 0x477FF000, {.rounding = Rounding::toward_zero}) == Result{0x7BFF, flag::inexact, 0});
  // 2^-14 * (1 - 2^-12): rounds to 2^-14, tiny only before rounding.
  CHECK(both(binary16, binary32, 0x387FF000, {}) == Result{0x0400, flag::inexact, 0});
  CHECK(both(binary16, binary32, 0x387FF000, {.tininess = Tininess::before_rounding}) == Result{0x0400, uf, 0});
  CHECK(both(binary16, binary32, 0x387FF000, {.flush_to_zero = true, .tininess = Tininess::before_rounding}) ==
        Result{0x0000, uf, event::underflow_to_zero});
}

TEST_CASE("convert carries NaN payloads as far as the destination holds them", "[ops][convert]") {
  CHECK(both(binary16, binary32, 0x7F800001, {}) == Result{0x7E00, flag::invalid, 0});  // sNaN, payload lost
  CHECK(both(binary16, binary32, 0xFFC02000, {}) == Result{0xFE01, 0, 0});
  CHECK(both(binary32, binary16, 0x7E01, {}) == Result{0x7FC02000, 0, 0});
  CHECK(both(binary32, binary16, 0x7C01, {}) == Result{0x7FC02000, flag::invalid, 0});
  CHECK(both(binary32, bfloat16, 0x7F81, {}) == Result{0x7FC10000, flag::invalid, 0});
  CHECK(both(binary16, binary32, 0x7FC00000, nvidia_env) == Result{0x7FFF, 0, 0});
  CHECK(both(binary32, fp8_e4m3, 0xFF, {}) == Result{0xFFF00000, 0, 0});  // E4M3's NaN has fraction 111
}

TEST_CASE("fp32 to bf16 ties to even; stochastic rounding reads the dropped bits", "[ops][convert][bf16]") {
  CHECK(both(bfloat16, binary32, 0x3F808000, {}) == Result{0x3F80, flag::inexact, 0});
  CHECK(both(bfloat16, binary32, 0x3F818000, {}) == Result{0x3F82, flag::inexact, 0});
  CHECK(both(bfloat16, binary32, 0x3F808001, {}) == Result{0x3F81, flag::inexact, 0});
  const Env sr{.rounding = Rounding::stochastic};
  // dropped 16 bits 0x8000 read as 0x80000000 of 32: up iff random >= 2^31
  CHECK(both(bfloat16, binary32, 0x3F808000, sr, 0x80000000u).bits == 0x3F81);
  CHECK(both(bfloat16, binary32, 0x3F808000, sr, 0x7FFFFFFFu).bits == 0x3F80);
  CHECK(both(bfloat16, binary32, 0x3F800001, sr, 0xFFFFFFFFu).bits == 0x3F81);  // 2^-16 of an ulp
  CHECK(both(bfloat16, binary32, 0x3F800001, sr, 0xFFFEFFFFu).bits == 0x3F80);
}

TEST_CASE("convert under DAZ reads a subnormal source as zero", "[ops][convert]") {
  CHECK(both(binary32, binary16, 0x8001, {.denormals_are_zero = true}) ==
        Result{0x80000000, 0, event::flushed_input_a});
  CHECK(both(binary32, binary16, 0x8001, {}) == Result{0xB3800000, 0, 0});  // -2^-24, exact
  CHECK(both(binary16, binary64, 0x0000000000000001, {.rounding = Rounding::upward}) ==
        Result{0x0001, uf, event::subnormal_result});
}
