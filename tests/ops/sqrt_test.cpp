// SPDX-License-Identifier: MIT
// sqrt against the exact oracle (an integer square root at exactly the needed scale): every
// boundary value, seeded random operands (perfect squares and their neighbours, subnormals),
// and literal traps.
#include "mpsim/ops/sqrt.hpp"

#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/mul.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

void check_sqrt(testing::Mismatches& log, const Format& f, const Env& env, std::uint32_t random, std::uint64_t a) {
  testing::compare_results(log, "sqrt", f, f, {a}, env, random, oracle::sqrt(f, a, env, random),
                           mpsim::sqrt(f, a, env, random));
}

// Perfect squares, their neighbours (roots just off a tie), subnormals, or anything.
std::uint64_t radicand(cases::Operands& src) {
  const Format& f = src.format();
  switch (src.pick(4)) {
    case 0:
      return src.any();
    case 1: {
      const std::uint64_t root = src.finite(f.emin() / 2 - 2, f.emax() / 2);
      return oracle::mul(f, root, root, {}).bits;
    }
    case 2: {
      const std::uint64_t root = src.finite(f.emin() / 2 - 2, f.emax() / 2);
      return src.near_value(oracle::mul(f, root, root, {}).bits) & (f.storage_mask() >> 1);
    }
    default:
      return src.finite(f.emin() - f.precision(), f.emin() + 1);
  }
}

void random_sweep(int per_config, std::uint64_t seed) {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_random(f, per_config, seed, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
      check_sqrt(log, f, env, random, radicand(src));
    });
    INFO(format_name(f));
    log.report(flag::inexact | flag::invalid, testing::possible_events(f, event::flushed_input_a));
  }
}

Result both(const Format& f, std::uint64_t a, const Env& env, std::uint32_t random = 0) {
  const Result got = mpsim::sqrt(f, a, env, random);
  CHECK(got == oracle::sqrt(f, a, env, random));
  return got;
}

}  // namespace

TEST_CASE("sqrt agrees with the oracle on every boundary value", "[ops][sqrt]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    for (const cases::RoundingConfig& rc : cases::rounding_configs())
      for (std::uint64_t a : cases::interesting_patterns(f))
        for (int combo = 0; combo < cases::env_combos; ++combo)
          check_sqrt(log, f, cases::make_env(rc, combo), rc.random, a);
    INFO(format_name(f));
    const std::uint8_t overflowed = f.saturating ? event::overflowed : 0;  // sqrt(inf) saturates
    log.report(testing::possible_flags(f, flag::inexact | flag::invalid),
               testing::possible_events(f, event::nan_created | event::flushed_input_a | overflowed));
  }
}

TEST_CASE("sqrt agrees with the oracle on seeded random operands", "[ops][sqrt]") { random_sweep(30000, 42); }

TEST_CASE("sqrt agrees with the oracle on 200k random operands per mode", "[ops][sqrt][exhaustive]") {
  random_sweep(200000, 43);
}

TEST_CASE("sqrt agrees with the oracle on every fp16 and bf16 input", "[ops][sqrt][exhaustive]") {
  for (const Format& f : {binary16, bfloat16}) {
    testing::Mismatches log;
    for (const cases::RoundingConfig& rc : cases::rounding_configs())
      for (std::uint64_t a = 0; a <= 0xFFFF; ++a)
        check_sqrt(log, f, cases::make_env(rc, static_cast<int>(a % 48)), rc.random, a);
    INFO(format_name(f));
    log.report();
  }
}

TEST_CASE("fp16 sqrt of the smallest subnormal is exactly 2^-12", "[ops][sqrt][fp16]") {
  CHECK(both(binary16, 0x0001, {}) == Result{0x0C00, 0, 0});  // FACTS.md: hsqrt(0x0001) = 0x0C00
  CHECK(both(binary16, 0x0001, {.denormals_are_zero = true}) == Result{0x0000, 0, event::flushed_input_a});
  CHECK(both(binary16, 0x0002, {}) == Result{0x0DA8, flag::inexact, 0});  // sqrt(2) * 2^-12
}

TEST_CASE("sqrt of -0 is -0, of a negative number invalid", "[ops][sqrt]") {
  CHECK(both(binary16, 0x8000, {}) == Result{0x8000, 0, 0});
  CHECK(both(binary16, 0xBC00, {}) == Result{0xFE00, flag::invalid, event::nan_created});
  CHECK(both(binary16, 0xBC00, nvidia_env) == Result{0x7FFF, flag::invalid, event::nan_created});  // hsqrt(-1)
  CHECK(both(binary16, 0xFC00, {}).bits == 0xFE00);                                                // sqrt(-inf)
  CHECK(both(binary16, 0x8001, {.denormals_are_zero = true}) == Result{0x8000, 0, event::flushed_input_a});
  CHECK(both(binary16, 0x7C00, {}) == Result{0x7C00, 0, 0});
  CHECK(both(binary16, 0xFC01, {}) == Result{0xFE01, flag::invalid, 0});  // sNaN: quieted, sign kept
}

TEST_CASE("fp64 sqrt rounds its 128-bit root correctly", "[ops][sqrt][fp64]") {
  CHECK(both(binary64, 0x4000000000000000, {}) == Result{0x3FF6A09E667F3BCD, flag::inexact, 0});  // sqrt(2)
  CHECK(both(binary64, 0x4000000000000000, {.rounding = Rounding::upward}).bits == 0x3FF6A09E667F3BCD);
  CHECK(both(binary64, 0x4000000000000000, {.rounding = Rounding::downward}).bits == 0x3FF6A09E667F3BCC);
  CHECK(both(binary64, 0x0000000000000001, {}) == Result{0x1E60000000000000, 0, 0});  // sqrt(2^-1074) = 2^-537
  CHECK(both(binary64, 0x7FEFFFFFFFFFFFFF, {}) == Result{0x5FEFFFFFFFFFFFFF, flag::inexact, 0});
  // (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104 rounds to 1 + 2^-51; its root lies just below 1 + 2^-52.
  CHECK(both(binary64, 0x3FF0000000000002, {}).bits == 0x3FF0000000000001);
}

TEST_CASE("sqrt of a stochastic tie rounds up only for large enough random words", "[ops][sqrt]") {
  // sqrt(2.25) = 1.5 exactly: no rounding whatever the random word.
  CHECK(both(binary16, 0x4080, {.rounding = Rounding::stochastic}, 0xFFFFFFFFu) == Result{0x3E00, 0, 0});
  // sqrt(2) = 1.0110101000001001111... * 2^0; in fp16 the dropped part is 0.0011110011... ulp
  const Env sr{.rounding = Rounding::stochastic};
  CHECK(both(binary16, 0x4000, sr, 0).bits == 0x3DA8);
  CHECK(both(binary16, 0x4000, sr, 0xFFFFFFFFu).bits == 0x3DA9);
}
