// SPDX-License-Identifier: MIT
// add and sub against the exact oracle: all pairs of boundary values, seeded random operands
// (cancellation, ties, underflow, overflow), and the classic traps with their literal results.
#include "mpsim/ops/add.hpp"

#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

void check_add_sub(testing::Mismatches& log, const Format& f, const Env& env, std::uint32_t random, std::uint64_t a,
                   std::uint64_t b) {
  testing::compare_results(log, "add", f, f, {a, b}, env, random, oracle::add(f, a, b, env, random),
                           add(f, a, b, env, random));
  testing::compare_results(log, "sub", f, f, {a, b}, env, random, oracle::sub(f, a, b, env, random),
                           sub(f, a, b, env, random));
}

constexpr std::uint8_t expected_flags = flag::inexact | flag::underflow | flag::overflow | flag::invalid;
constexpr std::uint8_t expected_events = event::underflow_to_zero | event::subnormal_result | event::overflowed |
                                         event::nan_created | event::flushed_input_a | event::flushed_input_b;

// b near a in exponent or value (cancellation, ties) or far below it (sticky bits).
std::uint64_t addend_for(cases::Operands& src, std::uint64_t a) {
  const int p = src.format().precision();
  switch (src.pick(5)) {
    case 0:
      return src.any();
    case 1:
      return src.near_exponent(a, 2);
    case 2:
      return src.near_exponent(a, p + 3);
    case 3:
      return src.near_value(a);
    default:
      return src.below(a);
  }
}

void random_sweep(int per_config, std::uint64_t seed) {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_random(f, per_config, seed, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
      const std::uint64_t a = src.any();
      check_add_sub(log, f, env, random, a, addend_for(src, a));
    });
    INFO(format_name(f));
    log.report(testing::rounding_flags, testing::possible_events(f, testing::rounding_events));
  }
}

Result add_both(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random = 0) {
  const Result got = add(f, a, b, env, random);
  CHECK(got == oracle::add(f, a, b, env, random));
  return got;
}
Result sub_both(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env) {
  const Result got = sub(f, a, b, env);
  CHECK(got == oracle::sub(f, a, b, env));
  return got;
}

constexpr std::uint8_t of = flag::overflow | flag::inexact;

}  // namespace

TEST_CASE("add and sub agree with the oracle on all pairs of boundary values", "[ops][add]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_pairs(f, 4, 11, [&](const Env& env, std::uint32_t random, std::uint64_t a, std::uint64_t b) {
      check_add_sub(log, f, env, random, a, b);
    });
    INFO(format_name(f));
    log.report(testing::possible_flags(f, expected_flags), testing::possible_events(f, expected_events));
  }
}

TEST_CASE("add and sub agree with the oracle on seeded random operands", "[ops][add]") { random_sweep(40000, 12); }

TEST_CASE("add and sub agree with the oracle on 200k random operands per mode", "[ops][add][exhaustive]") {
  random_sweep(200000, 13);
}

TEST_CASE("fp16 add: the largest value plus half an ulp ties to even, which is inf", "[ops][add][fp16]") {
  const std::uint64_t largest = 0x7BFF, half_ulp = 0x4C00, below_half = 0x4BFF;  // 65504, 16, 15.99
  CHECK(add_both(binary16, largest, half_ulp, {}) == Result{0x7C00, of, event::overflowed});
  CHECK(add_both(binary16, largest, half_ulp, {.rounding = Rounding::nearest_away}).bits == 0x7C00);
  // Truncation with an unbounded exponent gives 65504 itself: inexact, not an overflow.
  CHECK(add_both(binary16, largest, half_ulp, {.rounding = Rounding::toward_zero}) == Result{0x7BFF, flag::inexact, 0});
  CHECK(add_both(binary16, largest, half_ulp, {.rounding = Rounding::upward}) == Result{0x7C00, of, event::overflowed});
  CHECK(add_both(binary16, largest, below_half, {}) == Result{0x7BFF, flag::inexact, 0});
  // 65504 + 32 = 65536 exactly: an overflow even when truncating, to the largest finite value.
  CHECK(add_both(binary16, largest, 0x5000, {.rounding = Rounding::toward_zero}) ==
        Result{0x7BFF, of, event::overflowed});
}

TEST_CASE("bf16 add loses an update below half an ulp and ties to even at half", "[ops][add][bf16]") {
  const std::uint64_t one = 0x3F80, half_ulp = 0x3B80;  // 1, 2^-8
  CHECK(add_both(bfloat16, one, half_ulp, {}) == Result{0x3F80, flag::inexact, 0});
  CHECK(add_both(bfloat16, 0x3F81, half_ulp, {}) == Result{0x3F82, flag::inexact, 0});  // odd: up
  CHECK(add_both(bfloat16, one, 0x3B81, {}) == Result{0x3F81, flag::inexact, 0});       // above half
  CHECK(add_both(bfloat16, one, 0x3B7F, {}) == Result{0x3F80, flag::inexact, 0});       // below half
}

TEST_CASE("exact zero sums are +0, or -0 rounding downward; like-signed zeros keep their sign", "[ops][add]") {
  CHECK(add_both(binary16, 0x3C00, 0xBC00, {}) == Result{0x0000, 0, 0});
  CHECK(add_both(binary16, 0x3C00, 0xBC00, {.rounding = Rounding::downward}) == Result{0x8000, 0, 0});
  CHECK(sub_both(binary64, 0x3FF0000000000000, 0x3FF0000000000000, {.rounding = Rounding::downward}).bits ==
        0x8000000000000000);
  for (const cases::RoundingConfig& rc : cases::rounding_configs()) {
    const Env env = cases::make_env(rc, 0);
    const bool down = rc.rounding == Rounding::downward;
    CHECK(add_both(binary16, 0x8000, 0x8000, env).bits == 0x8000);  // (-0) + (-0) = -0
    CHECK(add_both(binary16, 0x0000, 0x8000, env).bits == (down ? 0x8000 : 0x0000));
    CHECK(sub_both(binary16, 0x8000, 0x0000, env).bits == 0x8000);  // (-0) - (+0) = -0
    CHECK(add_both(binary16, 0x0001, 0x8001, env).bits == (down ? 0x8000 : 0x0000));
  }
}

TEST_CASE("fp16 sums of subnormals are exact; FTZ flushes them and DAZ reads them as zero", "[ops][add][fp16]") {
  CHECK(add_both(binary16, 0x0001, 0x0001, {}) == Result{0x0002, 0, event::subnormal_result});
  CHECK(sub_both(binary16, 0x0400, 0x0001, {}) == Result{0x03FF, 0, event::subnormal_result});  // exact: no underflow
  CHECK(add_both(binary16, 0x0001, 0x0001, {.flush_to_zero = true}) ==
        Result{0x0000, flag::underflow | flag::inexact, event::underflow_to_zero});
  CHECK(add_both(binary16, 0x8001, 0x8001, {.flush_to_zero = true}).bits == 0x8000);
  CHECK(add_both(binary16, 0x0001, 0x8001, {.denormals_are_zero = true}) ==
        Result{0x0000, 0, event::flushed_input_a | event::flushed_input_b});
  CHECK(add_both(binary16, 0x03FF, 0x0001, {.denormals_are_zero = true}) ==
        Result{0x0000, 0, event::flushed_input_a | event::flushed_input_b});
  CHECK(add_both(binary16, 0x03FF, 0x0001, {}) == Result{0x0400, 0, 0});  // largest subnormal + 1 ulp = 2^-14
}

TEST_CASE("add propagates the first NaN quieted, or the canonical NaN", "[ops][add]") {
  const std::uint64_t snan1 = 0x7C01, qnan5 = 0x7E05, one = 0x3C00;
  CHECK(add_both(binary16, snan1, qnan5, {}) == Result{0x7E01, flag::invalid, 0});
  CHECK(add_both(binary16, qnan5, snan1, {}) == Result{0x7E05, flag::invalid, 0});
  CHECK(add_both(binary16, one, 0xFE03, {}) == Result{0xFE03, 0, 0});
  CHECK(sub_both(binary16, one, 0x7E00, {}) == Result{0x7E00, 0, 0});  // sub leaves a NaN's sign alone
  CHECK(add_both(binary16, snan1, one, nvidia_env) == Result{0x7FFF, flag::invalid, 0});
  CHECK(add_both(binary32, 0x7F800001, 0, {}) == Result{0x7FC00001, flag::invalid, 0});
}

TEST_CASE("inf - inf is invalid and gives the default NaN", "[ops][add]") {
  CHECK(add_both(binary16, 0x7C00, 0xFC00, {}) == Result{0xFE00, flag::invalid, event::nan_created});
  CHECK(sub_both(binary16, 0x7C00, 0x7C00, nvidia_env) == Result{0x7FFF, flag::invalid, event::nan_created});
  CHECK(add_both(binary32, 0xFF800000, 0x7F800000, {}).bits == 0xFFC00000);
  CHECK(add_both(binary64, 0xFFF0000000000000, 0x7FF0000000000000, {}).bits == 0xFFF8000000000000);
  CHECK(add_both(tf32, 0x3FC00, 0x7FC00, {}).bits == 0x7FE00);  // tf32: S 8 exponent bits 10 fraction bits
  CHECK(add_both(binary16, 0x7C00, 0x7C00, {}) == Result{0x7C00, 0, 0});
}

TEST_CASE("e4m3 add: 448 + 16 ties to 448, anything above overflows to NaN", "[ops][add][e4m3]") {
  CHECK(add_both(fp8_e4m3, 0x7E, 0x58, {}) == Result{0x7E, flag::inexact, 0});                            // 448 + 16
  CHECK(add_both(fp8_e4m3, 0x7E, 0x5C, {}) == Result{0x7F, of, event::overflowed | event::nan_created});  // + 24
  CHECK(add_both(fp8_e4m3, 0xFE, 0xDC, nvidia_env).bits == 0x7F);  // canonical NaN has the sign clear
  CHECK(add_both(fp8_e4m3, 0x7E, 0x7E, {.overflow = Overflow::saturate}) == Result{0x7E, of, event::overflowed});
}

TEST_CASE("fp64 add rounds with sticky bits from far below", "[ops][add][fp64]") {
  const std::uint64_t one = 0x3FF0000000000000;
  CHECK(add_both(binary64, one, 0x3CA0000000000000, {}).bits == one);                 // + 2^-53: tie to even
  CHECK(add_both(binary64, one, 0x3CA0000000000001, {}).bits == 0x3FF0000000000001);  // + 2^-53 (1 + 2^-52)
  CHECK(add_both(binary64, one, 0x3370000000000000, {.rounding = Rounding::upward}).bits == 0x3FF0000000000001);
  CHECK(add_both(binary64, one, 0x3370000000000000, {.rounding = Rounding::downward}) == Result{one, flag::inexact, 0});
  CHECK(add_both(binary64, one, 0xB370000000000000, {.rounding = Rounding::toward_zero}).bits == 0x3FEFFFFFFFFFFFFF);
  CHECK(add_both(binary64, one, 0x0000000000000001, {.rounding = Rounding::to_odd}).bits == 0x3FF0000000000001);
}
