// SPDX-License-Identifier: MIT
// The validation suites on the GPU (skipped without one, see device_main.cpp): every suite
// matches the emulator under nvidia_sm90_env bit for bit (NaN patterns included); the
// self-checks must fail: under ieee_env (x86 NaN rule) and under nvidia_env, whose NaN options
// are IEEE's, exactly the NaN-pattern counts docs/validation.md recorded before the options.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "mpsim/cuda/validate.hpp"

using mpsim::cuda::SuiteReport;
using mpsim::cuda::validation_suites;

namespace {

struct Counts {
  std::uint64_t value, sign_of_zero, nan_pattern;
};

// The self-checks of the NaN options: the emulator under nvidia_env (SignOpNan,
// WideningNan, OverflowNanSign at their IEEE defaults), measured on an H100 (CUDA 13.0,
// driver 580.159.04) as the regular suites' counts before the options existed.
const std::map<std::string, Counts>& nan_option_self_checks() {
  static const std::map<std::string, Counts> known{
      {"selftest.fp16.neg.ieee_sign_op", {0, 0, 2045}},               // __hneg returns 0x7FFF for every NaN
      {"selftest.bf16.to_f32.ieee_widening", {0, 0, 254}},            // __bfloat162float keeps the bits
      {"selftest.f32.to_e4m3.nosat.nan_policy_sign", {0, 0, 999817216}},  // negative overflow gives 0xFF
  };
  return known;
}

// The tensor-core self-checks (a changed model) must show value mismatches, not NaN patterns.
bool is_tensor_core_selfcheck(const std::string& name) { return name.starts_with("selftest.mma."); }

}  // namespace

TEST_CASE("every suite matches the emulator under nvidia_sm90_env bit for bit", "[cuda][device]") {
  for (const auto& suite : validation_suites()) {
    if (suite.explicit_only) continue;
    const SuiteReport r = suite.run(4);
    INFO(suite.name << ": value " << r.mismatches[0] << ", sign of zero " << r.mismatches[1] << ", NaN pattern "
                    << r.mismatches[2]);
    CHECK(r.total_mismatches() == 0);
  }
}

TEST_CASE("the self-check against the x86 NaN rule finds NaN-pattern mismatches and nothing else", "[cuda][device]") {
  int checks = 0;
  for (const auto& suite : validation_suites()) {
    if (std::string(suite.name) != "selftest.fp16.add.ieee_nan") continue;
    ++checks;
    const SuiteReport r = suite.run(8);
    CHECK(r.mismatches[0] == 0);
    CHECK(r.mismatches[1] == 0);
    CHECK(r.mismatches[2] > 0);
    REQUIRE(!r.first.empty());
    for (const auto& m : r.first) CHECK(m.actual == 0x7FFF);  // the hardware's one NaN
  }
  CHECK(checks == 1);
}

TEST_CASE("the NaN options at their IEEE defaults differ from the hardware by the recorded counts", "[cuda][device]") {
  int checks = 0;
  for (const auto& suite : validation_suites()) {
    const auto it = nan_option_self_checks().find(suite.name);
    if (it == nan_option_self_checks().end()) continue;
    ++checks;
    const SuiteReport r = suite.run(8);
    INFO(suite.name << ": value " << r.mismatches[0] << ", sign of zero " << r.mismatches[1] << ", NaN pattern "
                    << r.mismatches[2]);
    CHECK(r.mismatches[0] == it->second.value);
    CHECK(r.mismatches[1] == it->second.sign_of_zero);
    CHECK(r.mismatches[2] == it->second.nan_pattern);
    REQUIRE(!r.first.empty());
    for (const auto& m : r.first) {  // what the hardware gives: docs/validation.md, items 1-3
      if (it->first == "selftest.fp16.neg.ieee_sign_op") CHECK(m.actual == 0x7FFF);
      if (it->first == "selftest.bf16.to_f32.ieee_widening") CHECK(m.actual == m.operands[0] << 16);
      if (it->first == "selftest.f32.to_e4m3.nosat.nan_policy_sign") CHECK((m.actual == 0xFF && m.expected == 0x7F));
    }
  }
  CHECK(checks == 3);
}

TEST_CASE("the tensor-core tiles tell the sm90 model from the model with any one parameter changed", "[cuda][device]") {
  int checks = 0;
  for (const auto& suite : validation_suites()) {
    if (!is_tensor_core_selfcheck(suite.name)) continue;
    ++checks;
    const SuiteReport r = suite.run(4);
    INFO(suite.name << ": value " << r.mismatches[0] << ", sign of zero " << r.mismatches[1] << ", NaN pattern "
                    << r.mismatches[2]);
    CHECK(r.mismatches[0] > 0);  // a changed rounding, alignment width, block length or floor changes values
    CHECK(r.mismatches[1] == 0);  // never zeros or NaNs: the model's zero is +0 and its NaN canonical either way
    CHECK(r.mismatches[2] == 0);
  }
  CHECK(checks == 6);
}
