// SPDX-License-Identifier: MIT
// The suite table and the choice of suites by name or dotted prefix.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "mpsim/cuda/validate.hpp"

using mpsim::cuda::select_suites;
using mpsim::cuda::validation_suites;

TEST_CASE("the table holds every operation issue 6 asks for, each name once", "[cuda][suites]") {
  const auto all = validation_suites();
  std::set<std::string> names;
  for (const auto& s : all) CHECK(names.insert(s.name).second);
  for (const char* n : {"fp16.add", "fp16.sub", "fp16.mul", "fp16.div", "bf16.add", "bf16.sub", "bf16.mul", "bf16.div",
                        "fp16.sqrt", "bf16.sqrt", "fp16.fma", "bf16.fma", "f32.to_fp16.rn", "f32.to_fp16.rz",
                        "f32.to_fp16.rd", "f32.to_fp16.ru", "f32.to_bf16.rn", "f32.to_bf16.rz", "f32.to_bf16.rd",
                        "f32.to_bf16.ru", "f32.to_e4m3.satfinite", "f32.to_e4m3.nosat", "f32.to_e5m2.satfinite",
                        "f32.to_e5m2.nosat"}) {
    INFO(n);
    CHECK(names.count(n) == 1);
  }
}

TEST_CASE("a selector picks a suite by its full name or by a dotted prefix", "[cuda][suites]") {
  const auto all = validation_suites();
  CHECK(select_suites(all, "fp16.add").size() == 1);
  CHECK(select_suites(all, "f32.to_e4m3").size() == 2);
  CHECK(select_suites(all, "f32.to_fp16").size() == 4);
  for (const auto* s : select_suites(all, "bf16")) CHECK(std::string(s->name).starts_with("bf16."));
  CHECK(select_suites(all, "fp16.ad").empty());  // a prefix must end at a dot
  CHECK(select_suites(all, "fp17").empty());
}

TEST_CASE("only the self-check is left out of a default run", "[cuda][suites]") {
  for (const auto& s : validation_suites()) {
    INFO(s.name);
    CHECK(s.explicit_only == std::string(s.name).starts_with("selftest."));
  }
}
