// SPDX-License-Identifier: MIT
// div against the exact oracle: all pairs of boundary values, seeded random operands (exact
// quotients, quotients near the underflow and overflow thresholds), and literal traps.
#include "mpsim/ops/div.hpp"

#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

constexpr std::uint8_t expected_flags =
    flag::inexact | flag::underflow | flag::overflow | flag::invalid | flag::divide_by_zero;
constexpr std::uint8_t expected_events = event::underflow_to_zero | event::subnormal_result | event::overflowed |
                                         event::nan_created | event::flushed_input_a | event::flushed_input_b;

void check_div(testing::Mismatches& log, const Format& f, const Env& env, std::uint32_t random, std::uint64_t a,
               std::uint64_t b) {
  testing::compare_results(log, "div", f, f, {a, b}, env, random, oracle::div(f, a, b, env, random),
                           div(f, a, b, env, random));
}

// (a, b) with a / b exact (a = b * q for a short q), near the thresholds, or anything.
std::pair<std::uint64_t, std::uint64_t> operands_for(cases::Operands& src) {
  const Format& f = src.format();
  const int p = f.precision();
  const std::uint64_t b = src.any();
  const int eb = src.unbiased_exponent(b);
  switch (src.pick(5)) {
    case 0:
      return {src.any(), b};
    case 1: {  // exact or nearly exact quotients: b times a short or near-1 factor
      const std::uint64_t q = src.pick(2) ? src.finite(-3, 3) : src.near_value(src.finite(0, 0));
      return {oracle::mul(f, b, q, {}).bits, b};
    }
    case 2: {  // quotient near 2^emin, down to half the smallest subnormal
      const int target = f.emin() - p - 1 + src.pick(p + 4);
      return {src.finite(target + eb, target + eb), b};
    }
    case 3: {  // quotient near the largest finite value
      const int target = f.emax() - 1 + src.pick(3);
      return {src.finite(target + eb, target + eb), b};
    }
    default:
      return {src.near_exponent(b, 2), b};
  }
}

void random_sweep(int per_config, std::uint64_t seed) {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_random(f, per_config, seed, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
      const auto [a, b] = operands_for(src);
      check_div(log, f, env, random, a, b);
    });
    INFO(format_name(f));
    log.report(testing::rounding_flags, testing::possible_events(f, testing::rounding_events));
  }
}

Result both(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random = 0) {
  const Result got = div(f, a, b, env, random);
  CHECK(got == oracle::div(f, a, b, env, random));
  return got;
}

}  // namespace

TEST_CASE("div agrees with the oracle on all pairs of boundary values", "[ops][div]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_pairs(f, 3, 31, [&](const Env& env, std::uint32_t random, std::uint64_t a, std::uint64_t b) {
      check_div(log, f, env, random, a, b);
    });
    INFO(format_name(f));
    log.report(testing::possible_flags(f, expected_flags), testing::possible_events(f, expected_events));
  }
}

TEST_CASE("div agrees with the oracle on seeded random operands", "[ops][div]") { random_sweep(40000, 32); }

TEST_CASE("div agrees with the oracle on 200k random operands per mode", "[ops][div][exhaustive]") {
  random_sweep(200000, 33);
}

TEST_CASE("div by zero raises divide-by-zero; 0/0 and inf/inf are invalid", "[ops][div]") {
  CHECK(both(binary16, 0x3C00, 0x8000, {}) == Result{0xFC00, flag::divide_by_zero, 0});  // 1 / -0 = -inf
  CHECK(both(binary16, 0x0000, 0x0000, {}) == Result{0xFE00, flag::invalid, event::nan_created});
  CHECK(both(binary16, 0x7C00, 0xFC00, nvidia_env) == Result{0x7FFF, flag::invalid, event::nan_created});
  CHECK(both(binary16, 0x7C00, 0x0000, {}) == Result{0x7C00, 0, 0});  // inf / 0: no flag
  CHECK(both(binary16, 0x3C00, 0x7C00, {}) == Result{0x0000, 0, 0});  // 1 / inf
  // A saturating format gives its largest value, without an overflow flag.
  CHECK(both(binary16, 0x3C00, 0x0000, {.overflow = Overflow::saturate}) == Result{0x7BFF, flag::divide_by_zero, 0});
  // e4m3 has no inf: x / 0 is its NaN.
  CHECK(both(fp8_e4m3, 0x38, 0x00, {}) == Result{0x7F, flag::divide_by_zero, event::nan_created});
  // DAZ: a subnormal divisor reads as zero.
  CHECK(both(binary16, 0x3C00, 0x0001, {.denormals_are_zero = true}) ==
        Result{0x7C00, flag::divide_by_zero, event::flushed_input_b});
}

TEST_CASE("div rounds 1/3 in every format", "[ops][div]") {
  CHECK(both(binary16, 0x3C00, 0x4200, {}) == Result{0x3555, flag::inexact, 0});
  CHECK(both(binary16, 0x3C00, 0x4200, {.rounding = Rounding::upward}).bits == 0x3556);
  CHECK(both(bfloat16, 0x3F80, 0x4040, {}).bits == 0x3EAB);
  CHECK(both(binary32, 0x3F800000, 0x40400000, {}).bits == 0x3EAAAAAB);
  CHECK(both(binary64, 0x3FF0000000000000, 0x4008000000000000, {}) == Result{0x3FD5555555555555, flag::inexact, 0});
  CHECK(both(binary64, 0x3FF0000000000000, 0x4008000000000000, {.rounding = Rounding::upward}).bits ==
        0x3FD5555555555556);
  CHECK(both(binary64, 0x3FF0000000000000, 0x4008000000000000, {.rounding = Rounding::to_odd}).bits ==
        0x3FD5555555555555);
}

TEST_CASE("fp16 div halves the smallest subnormal to a tie", "[ops][div][fp16]") {
  const std::uint8_t uf = flag::underflow | flag::inexact;
  CHECK(both(binary16, 0x0001, 0x4000, {}) == Result{0x0000, uf, event::underflow_to_zero});  // 2^-25 -> +0
  CHECK(both(binary16, 0x0003, 0x4000, {}) == Result{0x0002, uf, event::subnormal_result});   // 1.5 -> 2
  CHECK(both(binary16, 0x0001, 0x4000, {.rounding = Rounding::nearest_away}).bits == 0x0001);
  CHECK(both(binary16, 0x0001, 0x3FFF, {}).bits == 0x0001);  // slightly more than the tie
}

TEST_CASE("fp64 div near the underflow and overflow thresholds", "[ops][div][fp64]") {
  const std::uint64_t min_normal = 0x0010000000000000, largest = 0x7FEFFFFFFFFFFFFF;
  CHECK(both(binary64, min_normal, 0x4000000000000000, {}) == Result{0x0008000000000000, 0, event::subnormal_result});
  CHECK(both(binary64, largest, 0x3FE0000000000000, {}) ==
        Result{0x7FF0000000000000, flag::overflow | flag::inexact, event::overflowed});  // / 0.5
  CHECK(both(binary64, largest, 0x3FE0000000000000, {.rounding = Rounding::toward_zero}).bits == largest);
  // (2^-1022 - 2^-1074) / (1 - 2^-53): just above 2^-1022 - 2^-1074, rounds to it; tiny and inexact.
  CHECK(both(binary64, 0x000FFFFFFFFFFFFF, 0x3FEFFFFFFFFFFFFF, {}) ==
        Result{0x000FFFFFFFFFFFFF, flag::underflow | flag::inexact, event::subnormal_result});
}
