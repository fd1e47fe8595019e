// SPDX-License-Identifier: MIT
// Conversions to int32/int64 and from int64 against the exact oracle: boundary values, values
// around the +-2^31 and +-2^63 limits and around half-integers, seeded random values, traps.
#include "mpsim/ops/integer.hpp"

#include <catch2/catch.hpp>
#include <climits>
#include <cstdio>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "oracle.hpp"

using namespace mpsim;

template <>
struct Catch::StringMaker<IntResult> {
  static std::string convert(const IntResult& r) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "{%lld flags 0x%02X events 0x%02X}", static_cast<long long>(r.value), r.flags,
                  r.events);
    return buf;
  }
};

namespace {

std::string int_text(std::int64_t v, std::uint8_t flags, std::uint8_t events) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%lld (0x%016llX) flags 0x%02X events 0x%02X", static_cast<long long>(v),
                static_cast<unsigned long long>(v), flags, events);
  return buf;
}

void check_to_int(testing::Mismatches& log, const Format& f, const Env& env, std::uint32_t random, std::uint64_t a,
                  int width, bool exact) {
  const IntResult got = to_int(f, a, width, env, exact, random);
  const oracle::IntOutcome want = oracle::to_int(f, a, width, env, exact, random);
  log.saw(want.flags, want.events);
  log.record(got.value == want.value && got.flags == want.flags && got.events == want.events, [&] {
    return "to_int" + std::to_string(width) + (exact ? " exact " : " ") + format_name(f) +
           testing::operands_text(f, {a}) + "\n  env: " + oracle::describe(env, random) +
           "\n  expected: " + int_text(want.value, want.flags, want.events) +
           "\n  actual:   " + int_text(got.value, got.flags, got.events);
  });
}

void check_all_widths(testing::Mismatches& log, const Format& f, const Env& env, std::uint32_t random,
                      std::uint64_t a) {
  for (int width : {32, 64})
    for (bool exact : {false, true}) check_to_int(log, f, env, random, a, width, exact);
}

void check_from_int(testing::Mismatches& log, const Format& f, const Env& env, std::uint32_t random, std::int64_t x) {
  const Result got = from_int(f, x, env, random);
  const Result want = oracle::from_int(f, x, env, random);
  log.saw(want.flags, want.events);
  log.record(got == want, [&] {
    return "from_int " + format_name(f) + " x=" + std::to_string(x) + "\n  env: " + oracle::describe(env, random) +
           "\n  expected: " + oracle::describe(f, want) + "\n  actual:   " + oracle::describe(f, got);
  });
}

// Values near integers and half-integers, near +-2^31 and +-2^63, or anything.
std::uint64_t integral_source(cases::Operands& src) {
  const Format& f = src.format();
  std::uint64_t x;
  switch (src.pick(6)) {
    case 0:
      return src.any();
    case 1:
      x = src.finite(-2, 4);
      break;
    case 2:
      x = src.finite(30, 32);
      break;
    case 3:
      x = src.finite(62, 64);
      break;
    case 4:
      x = src.finite(-2, 66);
      break;
    default:
      x = src.finite(f.precision() - 3, f.precision() + 1);
      break;  // around the last fraction bit
  }
  return x;
}

// int64 values of every length whose bits below the format's precision tie, carry or not.
std::int64_t integer_source(cases::Operands& src) {
  const int p = src.format().precision();
  const int length = 1 + src.pick(64);
  std::uint64_t m = src.rng()() >> (64 - length) | (std::uint64_t{1} << (length - 1));
  const int dropped = length - p;
  if (dropped > 0 && src.pick(2)) {
    const std::uint64_t mask = (std::uint64_t{1} << dropped) - 1, half = std::uint64_t{1} << (dropped - 1);
    const std::uint64_t low[] = {half, half - 1, half + 1, 0, mask};
    m = (m & ~mask) | low[src.pick(5)];
  }
  if (src.pick(2)) m = 0 - m;
  return static_cast<std::int64_t>(m);
}

}  // namespace

TEST_CASE("to_int agrees with the oracle on boundary values and the integer limits", "[ops][integer]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    std::vector<std::uint64_t> values = cases::interesting_patterns(f);
    // +-2^e and their neighbours for e around 31 and 63 (where the format reaches them)
    cases::Operands src(f, 71);
    for (int e : {30, 31, 32, 62, 63, 64})
      for (int k = 0; k < 40; ++k) values.push_back(src.near_value(src.finite(e, e)));
    for (int k = 0; k < 400; ++k) values.push_back(src.finite(-2, 3));  // half-integers
    for (const cases::RoundingConfig& rc : cases::rounding_configs())
      for (std::uint64_t a : values)
        for (int combo : {0, 4, 9, 21}) check_all_widths(log, f, cases::make_env(rc, combo), rc.random, a);
    INFO(format_name(f));
    log.report(testing::possible_flags(f, flag::inexact | flag::invalid),
               testing::possible_events(f, event::flushed_input_a));
  }
}

TEST_CASE("to_int agrees with the oracle on seeded random values", "[ops][integer]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_random(f, 10000, 72, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
      check_all_widths(log, f, env, random, integral_source(src));
    });
    INFO(format_name(f));
    log.report(flag::inexact | flag::invalid, 0);
  }
}

TEST_CASE("from_int agrees with the oracle on every length of int64", "[ops][integer]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    for (const cases::RoundingConfig& rc : cases::rounding_configs())
      for (std::int64_t x :
           {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{INT64_MIN}, std::int64_t{INT64_MAX},
            std::int64_t{INT32_MIN}, std::int64_t{INT32_MAX}, std::int64_t{65504}, std::int64_t{65519},
            std::int64_t{65520}, std::int64_t{448}, std::int64_t{464}, std::int64_t{465}, std::int64_t{-465}})
        for (int combo = 0; combo < cases::env_combos; ++combo)
          check_from_int(log, f, cases::make_env(rc, combo), rc.random, x);
    testing::sweep_random(f, 10000, 73, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
      check_from_int(log, f, env, random, integer_source(src));
    });
    INFO(format_name(f));
    const std::uint8_t overflow = f.emax() < 63 ? flag::overflow : 0;
    log.report(flag::inexact | overflow, 0);
  }
}

TEST_CASE("to_int and from_int agree with the oracle on 200k random values per mode", "[ops][integer][exhaustive]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    testing::sweep_random(f, 200000, 74, [&](const Env& env, std::uint32_t random, cases::Operands& src) {
      check_all_widths(log, f, env, random, integral_source(src));
      check_from_int(log, f, env, random, integer_source(src));
    });
    INFO(format_name(f));
    log.report();
  }
}

TEST_CASE("fp64 to int32 at +-2^31: the rounded value decides, out of range is indefinite", "[ops][integer][fp64]") {
  const std::uint64_t below_limit = 0x41DFFFFFFFE00000;                                    // 2^31 - 0.5
  const std::uint64_t below_negative = 0xC1E0000000100000;                                 // -2^31 - 0.5
  CHECK(to_int(binary64, below_limit, 32, {}) == IntResult{INT32_MIN, flag::invalid, 0});  // ties to 2^31
  CHECK(to_int(binary64, below_limit, 32, {.rounding = Rounding::toward_zero}) == IntResult{INT32_MAX, 0, 0});
  CHECK(to_int(binary64, below_limit, 32, {.rounding = Rounding::toward_zero}, true) ==
        IntResult{INT32_MAX, flag::inexact, 0});
  CHECK(to_int(binary64, below_negative, 32, {}) == IntResult{INT32_MIN, 0, 0});  // ties to -2^31 (even)
  CHECK(to_int(binary64, below_negative, 32, {.rounding = Rounding::downward}) ==
        IntResult{INT32_MIN, flag::invalid, 0});
  CHECK(to_int(binary64, 0xC1E0000000200000, 32, {}) == IntResult{INT32_MIN, flag::invalid, 0});  // -2^31 - 1
  CHECK(to_int(binary64, 0x41E0000000000000, 64, {}) == IntResult{std::int64_t{1} << 31, 0, 0});
  for (std::uint64_t a : {below_limit, below_negative})
    for (const cases::RoundingConfig& rc : cases::rounding_configs()) {
      const oracle::IntOutcome want = oracle::to_int(binary64, a, 32, cases::make_env(rc, 0), true, rc.random);
      CHECK(to_int(binary64, a, 32, cases::make_env(rc, 0), true, rc.random) ==
            IntResult{want.value, want.flags, want.events});
    }
}

TEST_CASE("fp64 to int64 at +-2^63", "[ops][integer][fp64]") {
  CHECK(to_int(binary64, 0x43E0000000000000, 64, {}) == IntResult{INT64_MIN, flag::invalid, 0});  // 2^63
  CHECK(to_int(binary64, 0xC3E0000000000000, 64, {}) == IntResult{INT64_MIN, 0, 0});              // -2^63
  CHECK(to_int(binary64, 0x43DFFFFFFFFFFFFF, 64, {}) == IntResult{0x7FFFFFFFFFFFFC00, 0, 0});     // 2^63 - 1024
  CHECK(to_int(binary64, 0xC3E0000000000001, 64, {}) == IntResult{INT64_MIN, flag::invalid, 0});
  CHECK(to_int(binary32, 0xDF000000, 64, {}) == IntResult{INT64_MIN, 0, 0});  // -2^63 as float
  CHECK(to_int(binary32, 0x5F000000, 64, {}) == IntResult{INT64_MIN, flag::invalid, 0});
}

TEST_CASE("to_int of NaN and inf is invalid; inexact only when asked", "[ops][integer]") {
  CHECK(to_int(binary16, 0x7E00, 32, {}) == IntResult{INT32_MIN, flag::invalid, 0});
  CHECK(to_int(binary16, 0xFC00, 64, {}) == IntResult{INT64_MIN, flag::invalid, 0});
  CHECK(to_int(fp8_e4m3, 0x7F, 32, {}) == IntResult{INT32_MIN, flag::invalid, 0});
  CHECK(to_int(binary16, 0x3E00, 32, {}) == IntResult{2, 0, 0});  // 1.5 ties to 2
  CHECK(to_int(binary16, 0x4100, 32, {}) == IntResult{2, 0, 0});  // 2.5 ties to 2
  CHECK(to_int(binary16, 0x4100, 32, {}, true) == IntResult{2, flag::inexact, 0});
  CHECK(to_int(binary16, 0xB800, 32, {.rounding = Rounding::downward}) == IntResult{-1, 0, 0});  // -0.5
  CHECK(to_int(binary16, 0xB800, 32, {}) == IntResult{0, 0, 0});
  CHECK(to_int(binary16, 0x3800, 32, {.rounding = Rounding::to_odd}) == IntResult{1, 0, 0});
  CHECK(to_int(binary16, 0x8001, 32, {.rounding = Rounding::downward, .denormals_are_zero = true}) ==
        IntResult{0, 0, event::flushed_input_a});
}

TEST_CASE("from_int rounds into narrow formats and overflows them", "[ops][integer]") {
  CHECK(from_int(binary32, INT64_MIN, {}) == Result{0xDF000000, 0, 0});
  CHECK(from_int(binary32, INT64_MAX, {}) == Result{0x5F000000, flag::inexact, 0});
  CHECK(from_int(binary32, INT64_MAX, {.rounding = Rounding::toward_zero}) == Result{0x5EFFFFFF, flag::inexact, 0});
  CHECK(from_int(binary16, 65520, {}) == Result{0x7C00, flag::overflow | flag::inexact, event::overflowed});
  CHECK(from_int(binary16, 2049, {}) == Result{0x6800, flag::inexact, 0});  // ties to 2048
  CHECK(from_int(fp8_e4m3, 465, {}) ==
        Result{0x7F, flag::overflow | flag::inexact, event::overflowed | event::nan_created});
  CHECK(from_int(binary16, 0, {.rounding = Rounding::downward}) == Result{0x0000, 0, 0});  // +0
  CHECK(from_int(binary16, 0, {}) == oracle::from_int(binary16, 0, {}));
}
