// SPDX-License-Identifier: MIT
// Tests of `mpsim formats`: the text tables and the JSON list of named formats.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "mpsim/format/named_formats.hpp"
#include "process.hpp"

using mpsim::test::lines_of;
using mpsim::test::run_mpsim;

namespace {

// The lines of `text` that start with `name` followed by a space.
std::vector<std::string> rows_for(const std::string& text, const std::string& name) {
  std::vector<std::string> rows;
  for (const std::string& line : lines_of(text))
    if (line.rfind(name + " ", 0) == 0) rows.push_back(line);
  return rows;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("formats prints a layout row and a value row for every named format", "[cli][formats]") {
  const auto r = run_mpsim({"formats"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  for (const mpsim::Format* f : mpsim::named_formats) {
    INFO(f->name);
    CHECK(rows_for(r.out, std::string(f->name)).size() == 2);
  }
}

TEST_CASE("formats shows binary16's limits and its round-to-zero threshold 2^-25", "[cli][formats][fp16]") {
  const auto rows = rows_for(run_mpsim({"formats"}).out, "binary16");
  REQUIRE(rows.size() == 2);
  CHECK(contains(rows[0], "1/5/10"));
  CHECK(contains(rows[0], "E=31, F!=0"));
  CHECK(contains(rows[1], "65504"));
  CHECK(contains(rows[1], "2^-14 (6.10352e-05)"));  // min normal
  CHECK(contains(rows[1], "2^-24 (5.96046e-08)"));  // min subnormal
  CHECK(contains(rows[1], "2^-10 (0.000976562)"));  // epsilon
  CHECK(contains(rows[1], "<= 2^-25 (2.98023e-08)"));  // exactly 2^-25 ties to 0
}

TEST_CASE("formats shows e4m3's max 448, no infinities and its single NaN pattern", "[cli][formats][e4m3]") {
  const auto rows = rows_for(run_mpsim({"formats"}).out, "e4m3");
  REQUIRE(rows.size() == 2);
  CHECK(contains(rows[0], " no "));
  CHECK(contains(rows[0], "only S.1111.111"));
  CHECK(contains(rows[1], "448"));
  CHECK(contains(rows[1], "2^-9 (0.00195312)"));
  CHECK(contains(rows[1], "<= 2^-10"));
}

TEST_CASE("formats shows bfloat16 and binary64 subnormal limits", "[cli][formats][bf16][fp64]") {
  const auto r = run_mpsim({"formats"});
  CHECK(contains(rows_for(r.out, "bfloat16")[1], "2^-133 (9.18355e-41)"));
  CHECK(contains(rows_for(r.out, "binary64")[1], "<= 2^-1075 (2.47033e-324)"));
  CHECK(contains(rows_for(r.out, "binary64")[1], "1.79769e+308"));
}

TEST_CASE("formats with names prints only those formats, eXmY names included", "[cli][formats]") {
  const auto r = run_mpsim({"formats", "e3m2", "bf16"});
  REQUIRE(r.exit_code == 0);
  CHECK(rows_for(r.out, "binary16").empty());
  REQUIRE(rows_for(r.out, "bfloat16").size() == 2);
  const auto e3m2 = rows_for(r.out, "e3m2");
  REQUIRE(e3m2.size() == 2);
  CHECK(contains(e3m2[1], " 14 "));  // (2 - 2^-2) * 2^3
  CHECK(contains(e3m2[1], "2^-4 (0.0625)"));  // 2^-2 * 2^(1-3): min subnormal
}

TEST_CASE("formats --json lists the named formats with exact exponents", "[cli][formats][json]") {
  const auto r = run_mpsim({"formats", "--json"});
  REQUIRE(r.exit_code == 0);
  const auto list = nlohmann::json::parse(r.out);
  REQUIRE(list.size() == mpsim::named_formats.size());
  auto find = [&](const std::string& name) {
    for (const auto& f : list)
      if (f["name"] == name) return f;
    FAIL("no format " << name);
    return nlohmann::json{};
  };
  const auto h = find("binary16");
  CHECK(h["max_finite"] == 65504.0);
  CHECK(h["max_finite_bits"] == "0x7BFF");
  CHECK(h["min_subnormal_exp2"] == -24);
  CHECK(h["epsilon_exp2"] == -10);
  CHECK(h["nearest_even_zero_threshold_exp2"] == -25);
  CHECK(h["nearest_even_zero_threshold_inclusive"] == true);
  const auto e4m3 = find("e4m3");
  CHECK(e4m3["max_finite"] == 448.0);
  CHECK(e4m3["max_finite_bits"] == "0x7E");
  CHECK(e4m3["infinities"] == false);
  CHECK(e4m3["nan_encoding"] == "all_ones");
  const auto d = find("binary64");
  CHECK(d["nearest_even_zero_threshold_exp2"] == -1075);
  CHECK(d["nearest_even_zero_threshold"].is_null());  // 2^-1075 is below double's range
  CHECK(d["min_subnormal"] == 0x1p-1074);
  CHECK(find("tf32")["storage_bits"] == 19);
}
