// SPDX-License-Identifier: MIT
// fma against the exact oracle: sampled triples of boundary values, seeded random operands
// with massive cancellation and with the addend far below or above the product, and traps.
#include "mpsim/ops/fma.hpp"

#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

constexpr std::uint8_t expected_flags = flag::inexact | flag::underflow | flag::overflow | flag::invalid;
constexpr std::uint8_t expected_events =
    event::underflow_to_zero | event::subnormal_result | event::overflowed | event::nan_created | event::flushed_inputs;

void check_fma(testing::Mismatches& log, const Format& f, const Env& env, std::uint32_t random, std::uint64_t a,
               std::uint64_t b, std::uint64_t c) {
  testing::compare_results(log, "fma", f, f, {a, b, c}, env, random, oracle::fma(f, a, b, c, env, random),
                           mpsim::fma(f, a, b, c, env, random));
}

// c cancelling a*b (the rounded product, negated, a few ulps off), near it, far below or far
// above it, or anything.
std::uint64_t addend_for(cases::Operands& src, std::uint64_t a, std::uint64_t b) {
  const Format& f = src.format();
  const std::uint64_t product = oracle::mul(f, a, b, {.rounding = Rounding::toward_zero}).bits;
  switch (src.pick(6)) {
    case 0:
      return src.any();
    case 1:
      return product ^ f.sign_mask();
    case 2:
      return src.near_value(product);
    case 3:
      return src.near_exponent(product, f.precision() + 2);
    case 4:
      return src.below(product);
    default: {  // far above the product
      if (oracle::decode(f, product).kind != oracle::Kind::finite) return src.any();
      const int e = src.unbiased_exponent(product);
      return src.finite(e + f.precision() + 1, e + 3 * f.precision() + 8);
    }
  }
}

void random_sweep(int per_config, std::uint64_t seed) {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_random(f, per_config, seed, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
      const std::uint64_t a = src.any();
      const std::uint64_t b = src.pick(3) == 0 ? src.any() : src.near_exponent(a, 2 + src.pick(8));
      check_fma(log, f, env, random, a, b, addend_for(src, a, b));
    });
    INFO(format_name(f));
    log.report(testing::rounding_flags, testing::possible_events(f, testing::rounding_events));
  }
}

Result both(const Format& f, std::uint64_t a, std::uint64_t b, std::uint64_t c, const Env& env,
            std::uint32_t random = 0) {
  const Result got = mpsim::fma(f, a, b, c, env, random);
  CHECK(got == oracle::fma(f, a, b, c, env, random));
  return got;
}

}  // namespace

TEST_CASE("fma agrees with the oracle on all triples of boundary values", "[ops][fma]") {
  const auto configs = cases::rounding_configs();
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    std::mt19937_64 rng(51);
    const auto patterns = cases::interesting_patterns(f);
    for (std::uint64_t a : patterns)
      for (std::uint64_t b : patterns)
        for (std::uint64_t c : patterns) {
          const cases::RoundingConfig& rc = configs[rng() % configs.size()];
          check_fma(log, f, cases::make_env(rc, static_cast<int>(rng() % cases::env_combos)), rc.random, a, b, c);
        }
    INFO(format_name(f));
    log.report(testing::possible_flags(f, expected_flags), testing::possible_events(f, expected_events));
  }
}

TEST_CASE("fma agrees with the oracle on seeded random operands", "[ops][fma]") { random_sweep(30000, 52); }

TEST_CASE("fma agrees with the oracle on 200k random operands per mode", "[ops][fma][exhaustive]") {
  random_sweep(200000, 53);
}

TEST_CASE("fp64 fma recovers the exact rounding error of a product", "[ops][fma][fp64]") {
  const std::uint64_t x = 0x3FF0000000000001;        // 1 + 2^-52; x * x = 1 + 2^-51 + 2^-104
  const std::uint64_t rounded = 0xBFF0000000000002;  // -(1 + 2^-51)
  CHECK(both(binary64, x, x, rounded, {}) == Result{0x3970000000000000, 0, 0});  // 2^-104, exact
  CHECK(both(binary64, x, x, rounded, {.rounding = Rounding::downward}).bits == 0x3970000000000000);
  // x * x - 1: the product's low bits decide; 2^-51 + 2^-104 needs 54 bits.
  CHECK(both(binary64, x, x, 0xBFF0000000000000, {}) == Result{0x3CC0000000000000, flag::inexact, 0});
  CHECK(both(binary64, x, x, 0xBFF0000000000000, {.rounding = Rounding::upward}).bits == 0x3CC0000000000001);
}

TEST_CASE("fp64 fma with the addend far below the product rounds from the sticky bit", "[ops][fma][fp64]") {
  const std::uint64_t one = 0x3FF0000000000000, tiny = 0x3370000000000000;  // 1, 2^-200
  CHECK(both(binary64, one, one, tiny, {}) == Result{one, flag::inexact, 0});
  CHECK(both(binary64, one, one, tiny, {.rounding = Rounding::upward}).bits == 0x3FF0000000000001);
  CHECK(both(binary64, one, one, tiny | (1ull << 63), {.rounding = Rounding::downward}).bits == 0x3FEFFFFFFFFFFFFF);
  CHECK(both(binary64, one, one, 0x8000000000000001, {.rounding = Rounding::toward_zero}).bits == 0x3FEFFFFFFFFFFFFF);
  // The product far below the addend: 2^-600 * 2^-600 + 1.
  CHECK(both(binary64, 0x1A70000000000000, 0x1A70000000000000, one, {.rounding = Rounding::upward}).bits ==
        0x3FF0000000000001);
  CHECK(both(binary64, 0x1A70000000000000, 0x9A70000000000000, one, {.rounding = Rounding::to_odd}).bits ==
        0x3FEFFFFFFFFFFFFF);
}

TEST_CASE("fp16 fma rounds once where mul then add would round twice", "[ops][fma][fp16]") {
  // x * x - 1.5 ulp = 1 + 0.5 ulp + 2^-20 for x = 1 + ulp (ulp = 2^-10): just above the tie, so
  // 1 + ulp; mul then add would round x * x to 1 + 2 ulp and then tie to even, 1.
  const std::uint64_t x = 0x3C01, c = 0x9600;  // 1 + 2^-10, -1.5 * 2^-10
  CHECK(both(binary16, x, x, c, {}) == Result{0x3C01, flag::inexact, 0});
}

TEST_CASE("fma: 0 * inf is invalid even when c is a quiet NaN", "[ops][fma]") {
  CHECK(both(binary16, 0x0000, 0x7C00, 0x7E05, {}) == Result{0xFE00, flag::invalid, event::nan_created});
  CHECK(both(binary16, 0x7C00, 0x8000, 0x7C01, {}) == Result{0xFE00, flag::invalid, event::nan_created});
  CHECK(both(binary16, 0x7C00, 0x0000, 0x7E05, nvidia_env) == Result{0x7FFF, flag::invalid, event::nan_created});
  // NaN a or b first, then c.
  CHECK(both(binary16, 0x3C00, 0x7E07, 0x7E05, {}) == Result{0x7E07, 0, 0});
  CHECK(both(binary16, 0x3C00, 0x3C00, 0x7C05, {}) == Result{0x7E05, flag::invalid, 0});
  // inf * x + (-inf) is invalid; inf * x + inf is inf.
  CHECK(both(binary16, 0x7C00, 0x3C00, 0xFC00, {}) == Result{0xFE00, flag::invalid, event::nan_created});
  CHECK(both(binary16, 0x7C00, 0x3C00, 0x7C00, {}) == Result{0x7C00, 0, 0});
}

TEST_CASE("fma: exact zero results take the IEEE sign", "[ops][fma]") {
  const std::uint64_t one = 0x3C00, minus_one = 0xBC00;
  CHECK(both(binary16, one, one, minus_one, {}) == Result{0x0000, 0, 0});
  CHECK(both(binary16, one, one, minus_one, {.rounding = Rounding::downward}) == Result{0x8000, 0, 0});
  CHECK(both(binary16, 0x8000, one, 0x8000, {}).bits == 0x8000);  // -0 * 1 + -0 = -0
  CHECK(both(binary16, 0x8000, one, 0x0000, {}).bits == 0x0000);  // -0 + +0 = +0
  CHECK(both(binary16, 0x8000, one, 0x0000, {.rounding = Rounding::downward}).bits == 0x8000);
  // A tiny nonzero product is not zero: 2^-24 * 2^-24 + 0 rounds to +0 with underflow.
  CHECK(both(binary16, 0x0001, 0x0001, 0x8000, {}) ==
        Result{0x0000, flag::underflow | flag::inexact, event::underflow_to_zero});
}
