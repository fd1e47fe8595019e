// SPDX-License-Identifier: MIT
// IEEE 754-2019 minimum/maximum and minimumNumber/maximumNumber against the oracle: all pairs
// of 8-bit patterns, boundary and seeded pairs of every format, and the signed-zero/NaN traps.
#include "mpsim/ops/minmax.hpp"

#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

void check_minmax(testing::Mismatches& log, const Format& f, const Env& env, std::uint64_t a, std::uint64_t b) {
  testing::compare_results(log, "minimum", f, f, {a, b}, env, 0, oracle::minimum(f, a, b, env), minimum(f, a, b, env));
  testing::compare_results(log, "maximum", f, f, {a, b}, env, 0, oracle::maximum(f, a, b, env), maximum(f, a, b, env));
  testing::compare_results(log, "minimum_number", f, f, {a, b}, env, 0, oracle::minimum_number(f, a, b, env),
                           minimum_number(f, a, b, env));
  testing::compare_results(log, "maximum_number", f, f, {a, b}, env, 0, oracle::maximum_number(f, a, b, env),
                           maximum_number(f, a, b, env));
}

Env env_for(std::uint64_t i) {
  return {.denormals_are_zero = (i & 1) != 0, .nan = (i & 2) ? NanPolicy::canonical : NanPolicy::propagate};
}

}  // namespace

TEST_CASE("min and max agree with the oracle on all pairs of 8-bit patterns", "[ops][minmax]") {
  for (const Format& f : cases::formats_under_test()) {
    if (f.storage_bits() > 9) continue;
    testing::Mismatches log;
    for (std::uint64_t a = 0; a <= f.storage_mask(); ++a)
      for (std::uint64_t b = 0; b <= f.storage_mask(); ++b) check_minmax(log, f, env_for(a + 3 * b), a, b);
    INFO(format_name(f));
    log.report(0, testing::possible_events(f, event::flushed_input_a | event::flushed_input_b));
  }
}

TEST_CASE("min and max agree with the oracle on boundary and seeded random pairs", "[ops][minmax]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    const auto patterns = cases::interesting_patterns(f);
    for (std::uint64_t a : patterns)
      for (std::uint64_t b : patterns)
        for (std::uint64_t i = 0; i < 4; ++i) check_minmax(log, f, env_for(i), a, b);
    cases::Operands src(f, 91);
    for (int i = 0; i < 30000; ++i) {
      const std::uint64_t a = src.any();
      check_minmax(log, f, env_for(static_cast<std::uint64_t>(i)), a, src.pick(2) ? src.near_value(a) : src.any());
    }
    INFO(format_name(f));
    log.report(testing::possible_flags(f, flag::invalid),
               testing::possible_events(f, event::flushed_input_a | event::flushed_input_b));
  }
}

TEST_CASE("minimum orders -0 below +0 and propagates NaN; minimumNumber prefers the number", "[ops][minmax]") {
  CHECK(minimum(binary16, 0x0000, 0x8000) == Result{0x8000, 0, 0});
  CHECK(maximum(binary16, 0x8000, 0x0000) == Result{0x0000, 0, 0});
  CHECK(minimum(binary16, 0x7E05, 0x3C00) == Result{0x7E05, 0, 0});
  CHECK(minimum(binary16, 0x3C00, 0x7C05) == Result{0x7E05, flag::invalid, 0});
  CHECK(minimum(binary16, 0x3C00, 0x7E05, nvidia_env) == Result{0x7FFF, 0, 0});
  CHECK(minimum_number(binary16, 0x7E05, 0x3C00) == Result{0x3C00, 0, 0});
  CHECK(maximum_number(binary16, 0x3C00, 0x7C05) == Result{0x3C00, flag::invalid, 0});  // sNaN still signals
  CHECK(maximum_number(binary16, 0x7C05, 0xFE01) == Result{0x7E05, flag::invalid, 0});  // both NaN: first, quieted
  CHECK(minimum(fp8_e4m3, 0x7E, 0xFE) == Result{0xFE, 0, 0});                           // -448
  // DAZ: a subnormal operand reads (and is returned) as a zero of its sign.
  CHECK(maximum(binary16, 0x8001, 0x0001, {.denormals_are_zero = true}) ==
        Result{0x0000, 0, event::flushed_input_a | event::flushed_input_b});
  CHECK(minimum(binary16, 0x8001, 0x0000, {.denormals_are_zero = true}) == Result{0x8000, 0, event::flushed_input_a});
}
