// SPDX-License-Identifier: MIT
// Tests of EventCounts::record: every flag and event bit lands in its own counter, and sums
// of counts add field by field.
#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>

#include "mpsim/instrument/counters.hpp"

using namespace mpsim;

// Failure messages list every counter.
template <>
struct Catch::StringMaker<EventCounts> {
  static std::string convert(const EventCounts& c) {
    std::ostringstream out;
    out << "{ops " << c.operations << ", inexact " << c.inexact << ", underflow " << c.underflow << ", overflow "
        << c.overflow << ", invalid " << c.invalid << ", div0 " << c.divide_by_zero << ", to_zero "
        << c.underflow_to_zero << ", subnormal " << c.subnormal_results << ", overflowed " << c.overflowed
        << ", nans " << c.nans_created << ", flushed " << c.inputs_flushed << '}';
    return out.str();
  }
};

namespace {

// Counts after recording one operation with `flags` and `events`.
EventCounts one(std::uint8_t flags, std::uint8_t events) {
  EventCounts c;
  c.record(flags, events);
  return c;
}

// One operation whose only nonzero counter, besides `operations`, is `field` = n.
EventCounts expect(std::uint64_t EventCounts::*field, std::uint64_t n = 1) {
  EventCounts c;
  c.operations = 1;
  if (field) c.*field = n;
  return c;
}

}  // namespace

TEST_CASE("each IEEE flag bit is counted in its own counter", "[instrument][counts]") {
  CHECK(one(0, 0) == expect(nullptr));
  CHECK(one(flag::inexact, 0) == expect(&EventCounts::inexact));              // 0x01
  CHECK(one(flag::underflow, 0) == expect(&EventCounts::underflow));          // 0x02
  CHECK(one(flag::overflow, 0) == expect(&EventCounts::overflow));            // 0x04
  CHECK(one(flag::divide_by_zero, 0) == expect(&EventCounts::divide_by_zero));  // 0x08
  CHECK(one(flag::invalid, 0) == expect(&EventCounts::invalid));              // 0x10
}

TEST_CASE("each event bit is counted in its own counter", "[instrument][counts]") {
  CHECK(one(0, event::underflow_to_zero) == expect(&EventCounts::underflow_to_zero));  // 0x01
  CHECK(one(0, event::subnormal_result) == expect(&EventCounts::subnormal_results));   // 0x02
  CHECK(one(0, event::overflowed) == expect(&EventCounts::overflowed));                // 0x04
  CHECK(one(0, event::nan_created) == expect(&EventCounts::nans_created));             // 0x08
  CHECK(one(0, event::flushed_input_a) == expect(&EventCounts::inputs_flushed));       // 0x10
  CHECK(one(0, event::flushed_input_b) == expect(&EventCounts::inputs_flushed));       // 0x20
  CHECK(one(0, event::flushed_input_c) == expect(&EventCounts::inputs_flushed));       // 0x40
}

TEST_CASE("inputs_flushed counts every flushed operand of one operation", "[instrument][counts]") {
  CHECK(one(0, event::flushed_input_a | event::flushed_input_c) == expect(&EventCounts::inputs_flushed, 2));
  CHECK(one(0, event::flushed_inputs) == expect(&EventCounts::inputs_flushed, 3));
}

TEST_CASE("an underflowing, overflowing or invalid result counts all its bits once", "[instrument][counts]") {
  EventCounts c;
  c.record(Result{0x0000, flag::underflow | flag::inexact, event::underflow_to_zero});  // fp16 2^-26 -> +0
  c.record(Result{0x7C00, flag::overflow | flag::inexact, event::overflowed});          // fp16 overflow -> +inf
  c.record(Result{0xFE00, flag::invalid, event::nan_created | event::flushed_input_b});  // default NaN
  c.record(Result{0x3C00, 0, 0});                                                          // exact 1.0
  EventCounts want;
  want.operations = 4;
  want.inexact = 2;
  want.underflow = 1;
  want.overflow = 1;
  want.invalid = 1;
  want.underflow_to_zero = 1;
  want.overflowed = 1;
  want.nans_created = 1;
  want.inputs_flushed = 1;
  CHECK(c == want);
}

TEST_CASE("adding counts adds every field", "[instrument][counts]") {
  EventCounts a, b;
  a.record(0x1F, 0x7F);  // every flag, every event
  b.record(0x1F, 0x7F);
  b.record(flag::inexact, event::subnormal_result);
  a += b;
  CHECK(a.operations == 3);
  CHECK(a.inexact == 3);
  CHECK(a.underflow == 2);
  CHECK(a.overflow == 2);
  CHECK(a.invalid == 2);
  CHECK(a.divide_by_zero == 2);
  CHECK(a.underflow_to_zero == 2);
  CHECK(a.subnormal_results == 3);
  CHECK(a.overflowed == 2);
  CHECK(a.nans_created == 2);
  CHECK(a.inputs_flushed == 6);
}
