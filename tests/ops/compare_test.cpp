// SPDX-License-Identifier: MIT
// Quiet and signaling comparisons against the oracle's exact ordering: all pairs of 8-bit
// patterns, all pairs of boundary values of every format, seeded near-equal pairs, traps.
#include "mpsim/ops/compare.hpp"

#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

const char* order_name(int o) {
  static constexpr const char* names[] = {"less", "equal", "greater", "unordered"};
  return names[o];
}

void check_compare(testing::Mismatches& log, const Format& f, const Env& env, std::uint64_t a, std::uint64_t b) {
  for (const Signaling s : {Signaling::quiet, Signaling::signaling}) {
    const CompareResult got = compare(f, a, b, s, env);
    const oracle::CompareOutcome want = oracle::compare(f, a, b, s == Signaling::signaling, env);
    log.saw(want.flags, want.events);
    const bool ok = static_cast<int>(got.order) == static_cast<int>(want.order) && got.flags == want.flags &&
                    got.events == want.events;
    log.record(ok, [&] {
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "\n  expected: %s flags 0x%02X events 0x%02X\n  actual:   %s flags 0x%02X events 0x%02X",
                    order_name(static_cast<int>(want.order)), want.flags, want.events,
                    order_name(static_cast<int>(got.order)), got.flags, got.events);
      return std::string(s == Signaling::signaling ? "compare signaling " : "compare quiet ") + format_name(f) +
             testing::operands_text(f, {a, b}) + "\n  env: " + oracle::describe(env, 0) + buf;
    });
  }
  // The predicates with TestFloat's defaults: eq quiet, lt and le signaling, unordered quiet.
  const oracle::CompareOutcome q = oracle::compare(f, a, b, false, env);
  const oracle::CompareOutcome sig = oracle::compare(f, a, b, true, env);
  const Predicate eq = equal(f, a, b, Signaling::quiet, env);
  const Predicate lt = less(f, a, b, Signaling::signaling, env);
  const Predicate le = less_equal(f, a, b, Signaling::signaling, env);
  const Predicate un = unordered(f, a, b, Signaling::quiet, env);
  const bool ok = eq.value == (q.order == oracle::Order::equal) && eq.flags == q.flags &&
                  lt.value == (sig.order == oracle::Order::less) && lt.flags == sig.flags &&
                  le.value == (sig.order == oracle::Order::less || sig.order == oracle::Order::equal) &&
                  le.flags == sig.flags && un.value == (q.order == oracle::Order::unordered) && un.flags == q.flags &&
                  eq.events == q.events && lt.events == q.events && le.events == q.events && un.events == q.events;
  log.record(ok, [&] { return "predicates " + format_name(f) + testing::operands_text(f, {a, b}); });
}

const Env daz_off{};
const Env daz_on{.denormals_are_zero = true};

}  // namespace

TEST_CASE("compare agrees with the oracle on all pairs of 8-bit patterns", "[ops][compare]") {
  for (const Format& f : cases::formats_under_test()) {
    if (f.storage_bits() > 9) continue;
    testing::Mismatches log;
    for (std::uint64_t a = 0; a <= f.storage_mask(); ++a)
      for (std::uint64_t b = 0; b <= f.storage_mask(); ++b) check_compare(log, f, (a ^ b) & 1 ? daz_on : daz_off, a, b);
    INFO(format_name(f));
    log.report(testing::possible_flags(f, flag::invalid),
               testing::possible_events(f, event::flushed_input_a | event::flushed_input_b));
  }
}

TEST_CASE("compare agrees with the oracle on boundary and seeded random pairs", "[ops][compare]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    const auto patterns = cases::interesting_patterns(f);
    for (std::uint64_t a : patterns)
      for (std::uint64_t b : patterns)
        for (const Env& env : {daz_off, daz_on}) check_compare(log, f, env, a, b);
    cases::Operands src(f, 81);
    for (int i = 0; i < 50000; ++i) {
      const std::uint64_t a = src.any();
      const std::uint64_t b = src.pick(2) ? src.near_value(a) : src.near_exponent(a, 1);
      check_compare(log, f, i % 2 ? daz_on : daz_off, a, b);
    }
    INFO(format_name(f));
    log.report(flag::invalid, testing::possible_events(f, event::flushed_input_a | event::flushed_input_b));
  }
}

TEST_CASE("compare: -0 equals +0, NaN is unordered and only signaling predicates trap on a quiet NaN", "[ops][compare]") {
  CHECK(equal(binary16, 0x0000, 0x8000).value);
  CHECK_FALSE(less(binary16, 0x8000, 0x0000).value);
  CHECK(less_equal(binary16, 0x8000, 0x0000).value);
  const Predicate eq_nan = equal(binary16, 0x7E00, 0x7E00);  // quiet: no flag
  CHECK_FALSE(eq_nan.value);
  CHECK(eq_nan.flags == 0);
  CHECK(less(binary16, 0x7E00, 0x3C00).flags == flag::invalid);                       // signaling predicate
  CHECK(equal(binary16, 0x7C01, 0x3C00).flags == flag::invalid);                      // signaling NaN operand
  CHECK(unordered(fp8_e4m3, 0x7F, 0x00).value);                                       // E4M3's NaN
  CHECK(compare(fp8_e4m3, 0x7E, 0x7D, Signaling::quiet).order == Ordering::greater);  // 448 > 416
  CHECK(less(binary16, 0xFC00, 0xFBFF).value);                                        // -inf < -65504
}

TEST_CASE("compare under DAZ treats subnormals as zeros of their sign", "[ops][compare]") {
  const CompareResult c = compare(binary16, 0x0001, 0x8000, Signaling::quiet, {.denormals_are_zero = true});
  CHECK(c.order == Ordering::equal);
  CHECK(c.events == event::flushed_input_a);
  CHECK(compare(binary16, 0x0001, 0x8000, Signaling::quiet).order == Ordering::greater);
  CHECK(compare(binary16, 0x0001, 0x0002, Signaling::quiet, {.denormals_are_zero = true}).events ==
        (event::flushed_input_a | event::flushed_input_b));
}
