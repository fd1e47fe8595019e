// SPDX-License-Identifier: MIT
// mul against the exact oracle: all pairs of boundary values, seeded random operands aimed at
// the underflow and overflow thresholds and at ties, and the classic traps with literal results.
#include "mpsim/ops/mul.hpp"

#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

void check_mul(testing::Mismatches& log, const Format& f, const Env& env, std::uint32_t random, std::uint64_t a,
               std::uint64_t b) {
  testing::compare_results(log, "mul", f, f, {a, b}, env, random, oracle::mul(f, a, b, env, random),
                           mul(f, a, b, env, random));
}

constexpr std::uint8_t expected_flags = flag::inexact | flag::underflow | flag::overflow | flag::invalid;
constexpr std::uint8_t expected_events = event::underflow_to_zero | event::subnormal_result | event::overflowed |
                                         event::nan_created | event::flushed_input_a | event::flushed_input_b;

// b such that a * b lands near the subnormal range, near the overflow threshold, or anywhere.
std::uint64_t factor_for(cases::Operands& src, std::uint64_t a) {
  const Format& f = src.format();
  const int p = f.precision();
  const int ea = src.unbiased_exponent(a);
  switch (src.pick(5)) {
    case 0:
      return src.any();
    case 1:
      return src.finite(-2, 2);
    case 2: {  // product near 2^emin, down to half the smallest subnormal
      const int target = f.emin() - p - 1 + src.pick(p + 4);
      return src.finite(target - ea, target - ea);
    }
    case 3: {  // product near the largest finite value
      const int target = f.emax() - 1 + src.pick(3);
      return src.finite(target - ea, target - ea);
    }
    default:
      return src.near_exponent(a, 3);
  }
}

void random_sweep(int per_config, std::uint64_t seed) {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_random(f, per_config, seed, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
      const std::uint64_t a = src.any();
      check_mul(log, f, env, random, a, factor_for(src, a));
    });
    INFO(format_name(f));
    log.report(testing::rounding_flags, testing::possible_events(f, testing::rounding_events));
  }
}

Result both(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random = 0) {
  const Result got = mul(f, a, b, env, random);
  CHECK(got == oracle::mul(f, a, b, env, random));
  return got;
}

}  // namespace

TEST_CASE("mul agrees with the oracle on all pairs of boundary values", "[ops][mul]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_pairs(f, 3, 21, [&](const Env& env, std::uint32_t random, std::uint64_t a, std::uint64_t b) {
      check_mul(log, f, env, random, a, b);
    });
    INFO(format_name(f));
    log.report(testing::possible_flags(f, expected_flags), testing::possible_events(f, expected_events));
  }
}

TEST_CASE("mul agrees with the oracle on seeded random operands", "[ops][mul]") { random_sweep(50000, 22); }

TEST_CASE("mul agrees with the oracle on 200k random operands per mode", "[ops][mul][exhaustive]") {
  random_sweep(200000, 23);
}

TEST_CASE("fp16 mul: 2^-25 is a tie between 0 and the smallest subnormal", "[ops][mul][fp16]") {
  const std::uint64_t tiny = 0x0001, half = 0x3800;  // 2^-24, 0.5
  CHECK(both(binary16, tiny, half, {}) ==
        Result{0x0000, flag::underflow | flag::inexact, event::underflow_to_zero});  // ties to even: +0
  CHECK(both(binary16, tiny, half, {.rounding = Rounding::nearest_away}) ==
        Result{0x0001, flag::underflow | flag::inexact, event::subnormal_result});
  CHECK(both(binary16, tiny, half, {.rounding = Rounding::upward}).bits == 0x0001);
  CHECK(both(binary16, tiny | 0x8000, half, {.rounding = Rounding::upward}).bits == 0x8000);  // -0
  CHECK(both(binary16, tiny, 0x3801, {}).bits == 0x0001);  // just above the tie: 2^-24
}

TEST_CASE("fp16 mul ties to even at the subnormal boundary", "[ops][mul][fp16]") {
  const std::uint64_t half = 0x3800;  // 0.5
  const std::uint8_t uf = flag::underflow | flag::inexact;
  CHECK(both(binary16, 0x0005, half, {}) == Result{0x0002, uf, event::subnormal_result});  // 2.5 ulp -> 2
  CHECK(both(binary16, 0x0007, half, {}) == Result{0x0004, uf, event::subnormal_result});  // 3.5 ulp -> 4
  // (2^11 - 1) * 2^-25 = 1023.5 subnormal ulps: ties to 1024, the smallest normal
  CHECK(both(binary16, 0x07FF, half, {}) == Result{0x0400, uf, 0});
}

TEST_CASE("fp16 mul just below 2^-14 rounds up to it: tiny only before rounding", "[ops][mul][fp16]") {
  // 63/64 * (65/64 * 2^-14) = 2^-14 * (1 - 2^-12): rounds to 2^-14 even with unbounded exponent
  const std::uint64_t a = 0x3BE0, b = 0x0410;
  CHECK(both(binary16, a, b, {.tininess = Tininess::after_rounding}) == Result{0x0400, flag::inexact, 0});
  CHECK(both(binary16, a, b, {.tininess = Tininess::before_rounding}) ==
        Result{0x0400, flag::inexact | flag::underflow, 0});
  // Under FTZ the tininess rule decides between 2^-14 and +0.
  CHECK(both(binary16, a, b, {.flush_to_zero = true, .tininess = Tininess::after_rounding}).bits == 0x0400);
  CHECK(both(binary16, a, b, {.flush_to_zero = true, .tininess = Tininess::before_rounding}) ==
        Result{0x0000, flag::underflow | flag::inexact, event::underflow_to_zero});
}

TEST_CASE("fp16 mul overflow: nearest gives inf, directed modes the largest finite value", "[ops][mul][fp16]") {
  const std::uint64_t largest = 0x7BFF, two = 0x4000;  // 65504, 2
  const std::uint8_t of = flag::overflow | flag::inexact;
  CHECK(both(binary16, largest, two, {}) == Result{0x7C00, of, event::overflowed});  // +inf
  CHECK(both(binary16, largest, two, {.rounding = Rounding::toward_zero}) == Result{0x7BFF, of, event::overflowed});
  CHECK(both(binary16, largest, two, {.rounding = Rounding::downward}).bits == 0x7BFF);
  CHECK(both(binary16, largest, two, {.rounding = Rounding::upward}).bits == 0x7C00);
  CHECK(both(binary16, largest | 0x8000, two, {.rounding = Rounding::upward}).bits == 0xFBFF);    // -65504
  CHECK(both(binary16, largest | 0x8000, two, {.rounding = Rounding::downward}).bits == 0xFC00);  // -inf
  CHECK(both(binary16, largest, two, {.rounding = Rounding::to_odd}).bits == 0x7BFF);
  CHECK(both(binary16, largest, two, {.overflow = Overflow::saturate}).bits == 0x7BFF);
}

TEST_CASE("fp16 mul rounds to odd and stochastically from the dropped bits", "[ops][mul][fp16]") {
  const std::uint64_t x = 0x3C01;  // 1 + 2^-10; x * x = 1 + 2^-9 + 2^-20
  CHECK(both(binary16, x, x, {}) == Result{0x3C02, flag::inexact, 0});
  CHECK(both(binary16, x, x, {.rounding = Rounding::to_odd}) == Result{0x3C03, flag::inexact, 0});
  // The dropped fraction is 2^-10: with 32 random bits, up iff random >= 2^32 - 2^22.
  const Env sr{.rounding = Rounding::stochastic};
  CHECK(both(binary16, x, x, sr, 0xFFC00000u).bits == 0x3C03);
  CHECK(both(binary16, x, x, sr, 0xFFBFFFFFu).bits == 0x3C02);
  // 8 random bits see only floor(2^-10 * 2^8) = 0 of the dropped fraction: never up.
  const Env sr8{.rounding = Rounding::stochastic, .stochastic_bits = 8};
  CHECK(both(binary16, x, x, sr8, 0xFFFFFFFFu) == Result{0x3C02, flag::inexact, 0});
}

TEST_CASE("e4m3 mul beyond 448 gives NaN unless saturating", "[ops][mul][e4m3]") {
  const std::uint64_t largest = 0x7E, nine_eighths = 0x39;  // 448, 1.125 -> 504
  CHECK(both(fp8_e4m3, largest, nine_eighths, {}) ==
        Result{0x7F, flag::overflow | flag::inexact, event::overflowed | event::nan_created});
  CHECK(both(fp8_e4m3, largest | 0x80, nine_eighths, {}).bits == 0xFF);  // negative NaN
  CHECK(both(fp8_e4m3, largest, nine_eighths, {.overflow = Overflow::saturate}) ==
        Result{0x7E, flag::overflow | flag::inexact, event::overflowed});
  CHECK(both(fp8_e4m3, 0x7D, 0x38, {}) == Result{0x7D, 0, 0});  // 416 * 1, the top binade is finite
}

TEST_CASE("mul of 0 and inf is invalid and gives the policy's NaN", "[ops][mul]") {
  CHECK(both(binary16, 0x0000, 0xFC00, {}) == Result{0xFE00, flag::invalid, event::nan_created});
  CHECK(both(binary16, 0x8000, 0x7C00, nvidia_env) == Result{0x7FFF, flag::invalid, event::nan_created});
  CHECK(both(binary32, 0x7F800000, 0, {}).bits == 0xFFC00000);
  CHECK(both(bfloat16, 0x7F80, 0, nvidia_env).bits == 0x7FFF);
}
