// SPDX-License-Identifier: MIT
// Tests of CounterRegistry: entries per (scope path, step), subtree totals and the CSV dump.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "mpsim/instrument/counters.hpp"

using namespace mpsim;

namespace {

// A registry with `n` inexact operations filed under each of these scopes.
CounterRegistry sample() {
  CounterRegistry reg;
  auto file = [&](const char* path, std::int64_t step, int n) {
    for (int i = 0; i < n; ++i) reg.at({path, step}).record(flag::inexact, 0);
  };
  file("fc2", 37, 1);
  file("fc2/weight_grad", 37, 2);
  file("fc2/weight_grad", 38, 4);
  file("fc2/bias_grad/sum", -1, 8);
  file("fc20", 37, 16);            // shares the prefix "fc2" but is a sibling
  file("fc20/weight_grad", 37, 32);
  file("fc", 1, 64);
  file("fc2_weight_grad", 2, 128);  // another sibling with the prefix
  return reg;
}

}  // namespace

TEST_CASE("total of a path sums it and its subtree over every step", "[instrument][registry]") {
  const CounterRegistry reg = sample();
  CHECK(reg.total("fc2").operations == 1 + 2 + 4 + 8);
  CHECK(reg.total("fc2").inexact == 1 + 2 + 4 + 8);
  CHECK(reg.total("fc2/weight_grad").operations == 2 + 4);
  CHECK(reg.total("fc2/bias_grad").operations == 8);
  CHECK(reg.total("fc20").operations == 16 + 32);
  CHECK(reg.total("fc").operations == 64);
}

TEST_CASE("total of a path excludes siblings that merely share a prefix", "[instrument][registry]") {
  const CounterRegistry reg = sample();
  CHECK(reg.total("fc2/weight").operations == 0);
  CHECK(reg.total("fc2/weight_grad/").operations == 0);
  CHECK(reg.total("f").operations == 0);
  CHECK(reg.total("nowhere").operations == 0);
}

TEST_CASE("total of the empty path sums every scope", "[instrument][registry]") {
  const CounterRegistry reg = sample();
  CHECK(reg.total().operations == 255);
  CHECK(reg.total("").inexact == 255);
}

TEST_CASE("registry entries are keyed by path and step and never move", "[instrument][registry]") {
  CounterRegistry reg;
  EventCounts* first = &reg.at({"a", 0});
  for (int i = 0; i < 1000; ++i) {
    std::string path = "b";  // built by appending: GCC 12 warns falsely (-Wrestrict) on "b" + std::string
    path += std::to_string(i);
    reg.at({path, i});
  }
  CHECK(&reg.at({"a", 0}) == first);
  CHECK(&reg.at({"a", 1}) != first);
  CHECK(reg.scopes().size() == 1002);
}

TEST_CASE("to_csv prints a header and one row per scope in path then step order", "[instrument][registry]") {
  CounterRegistry reg;
  reg.at({"fc2/weight_grad", 37}).record(flag::underflow | flag::inexact, event::underflow_to_zero);
  reg.at({"fc2/weight_grad", 37}).record(flag::inexact, event::subnormal_result);
  reg.at({"fc2", 37}).record(flag::overflow | flag::inexact, event::overflowed);
  reg.at({"fc2", -1}).record(flag::invalid, event::nan_created | event::flushed_inputs);
  reg.at({"attn", 5}).record(flag::divide_by_zero, 0);
  CHECK(reg.to_csv() ==
        "scope,step,operations,inexact,underflow,overflow,invalid,divide_by_zero,underflow_to_zero,"
        "subnormal_results,overflowed,nans_created,inputs_flushed\n"
        "attn,5,1,0,0,0,0,1,0,0,0,0,0\n"
        "fc2,-1,1,0,0,0,1,0,0,0,0,1,3\n"
        "fc2,37,1,1,0,1,0,0,0,0,1,0,0\n"
        "fc2/weight_grad,37,2,2,1,0,0,0,1,1,0,0,0\n");
}

TEST_CASE("an empty registry prints only the header", "[instrument][registry]") {
  CHECK(CounterRegistry{}.to_csv() ==
        "scope,step,operations,inexact,underflow,overflow,invalid,divide_by_zero,underflow_to_zero,"
        "subnormal_results,overflowed,nans_created,inputs_flushed\n");
}
