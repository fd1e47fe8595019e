// SPDX-License-Identifier: MIT
// Tests of scalar/context.hpp: sticky flags, ScopedContext nesting and restoring, one default
// context per thread, and counting through the context's counters.
#include <catch2/catch.hpp>

#include <thread>

#include "mpsim/scalar/context.hpp"
#include "mpsim/scalar/float.hpp"

using namespace mpsim;

namespace {

const half_t zero = half_t::from_bits(0x0000);  // +0
const half_t one = half_t::from_bits(0x3C00);   // 1.0
const half_t three = half_t::from_bits(0x4200);  // 3.0
const half_t inf = half_t::from_bits(0x7C00);   // +inf
const half_t big = half_t::from_bits(0x7BFF);   // 65504

Context with_rounding(Rounding mode) {
  Context c;
  c.env.rounding = mode;
  return c;
}

}  // namespace

TEST_CASE("context flags are sticky: they accumulate until cleared", "[scalar][context]") {
  Context ctx;
  ScopedContext use(ctx);
  (void)(one / zero);  // divide by zero
  CHECK(ctx.flags == flag::divide_by_zero);
  (void)(one + one);  // exact: raises nothing, clears nothing
  CHECK(ctx.flags == flag::divide_by_zero);
  (void)(one / three);  // inexact
  CHECK(ctx.flags == (flag::divide_by_zero | flag::inexact));
  (void)(inf - inf);  // invalid
  (void)(big + big);  // overflow
  CHECK(ctx.flags == (flag::divide_by_zero | flag::inexact | flag::invalid | flag::overflow));
  (void)(half_t::from_bits(0x0400) * half_t::from_bits(0x3800));  // 2^-14 * 0.5 = 2^-15: exact subnormal
  CHECK((ctx.flags & flag::underflow) == 0);
  (void)(half_t::from_bits(0x0401) * half_t::from_bits(0x3800));  // (2^-14 + 2^-24) / 2: tiny and inexact
  CHECK((ctx.flags & flag::underflow) != 0);
  ctx.flags = 0;
  (void)(one + one);
  CHECK(ctx.flags == 0);
}

TEST_CASE("comparisons raise invalid on NaN in the context's flags", "[scalar][context]") {
  Context ctx;
  ScopedContext use(ctx);
  const half_t qnan = half_t::from_bits(0x7E00);  // quiet NaN
  CHECK_FALSE(qnan == one);  // quiet comparison: no flag
  CHECK(ctx.flags == 0);
  CHECK_FALSE(qnan < one);  // signaling comparison: invalid
  CHECK(ctx.flags == flag::invalid);
}

TEST_CASE("ScopedContext makes a context current and restores the previous one", "[scalar][context]") {
  Context& thread_default = current_context();
  Context up = with_rounding(Rounding::upward), down = with_rounding(Rounding::downward);
  {
    ScopedContext use_up(up);
    CHECK(&current_context() == &up);
    CHECK((one / three).bits() == 0x3556);  // 1/3 rounded up
    {
      ScopedContext use_down(down);
      CHECK(&current_context() == &down);
      CHECK((one / three).bits() == 0x3555);  // 1/3 rounded down
      (void)(one / zero);
    }
    CHECK(&current_context() == &up);
    CHECK((one / three).bits() == 0x3556);
  }
  CHECK(&current_context() == &thread_default);
  // Each context kept its own flags.
  CHECK(up.flags == flag::inexact);
  CHECK(down.flags == (flag::inexact | flag::divide_by_zero));
}

TEST_CASE("the thread default context is IEEE round to nearest even", "[scalar][context]") {
  const Env& env = current_context().env;
  CHECK(env.rounding == Rounding::nearest_even);
  CHECK_FALSE(env.flush_to_zero);
  CHECK_FALSE(env.denormals_are_zero);
  CHECK(env.nan == NanPolicy::propagate);
  CHECK(current_context().counters == nullptr);
}

TEST_CASE("each thread has its own current context", "[scalar][context]") {
  Context up = with_rounding(Rounding::upward);
  ScopedContext use(up);
  const Context* seen = nullptr;
  std::uint64_t bits = 0;
  std::thread other([&] {
    seen = &current_context();
    bits = (one / three).bits();  // in the other thread's default context
  });
  other.join();
  CHECK(seen != &up);
  CHECK(bits == 0x3555);  // 1/3 to nearest
  CHECK(up.flags == 0);   // the other thread's operation did not touch this context
}

TEST_CASE("a context counts its operations only while it has counters", "[scalar][context]") {
  Context ctx;
  ScopedContext use(ctx);
  EventCounts counts;
  (void)(one / three);
  ctx.counters = &counts;
  (void)(one / three);      // inexact
  (void)(big + big);        // overflow to inf
  (void)(inf - inf);        // invalid, NaN created
  (void)(one < three);      // a comparison counts as an operation
  ctx.counters = nullptr;
  (void)(one / three);
  CHECK(counts.operations == 4);
  CHECK(counts.inexact == 2);
  CHECK(counts.overflow == 1);
  CHECK(counts.overflowed == 1);
  CHECK(counts.invalid == 1);
  CHECK(counts.nans_created == 1);
}
