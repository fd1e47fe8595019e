// SPDX-License-Identifier: MIT
// The precision-policy presets field by field (FACTS.md 5-7: Micikevicius et al., PyTorch
// autocast, Zamirai et al., Transformer Engine), their names and checks.
#include <stdexcept>

#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/train/precision_policy.hpp"

using namespace mpsim;
using namespace mpsim::train;

namespace {

// Every format of the layers equal to f.
void check_layer_formats(const PrecisionPolicy& p, const Format& f) {
  CHECK(*p.layers.activations == f);
  CHECK(*p.layers.gradients == f);
  CHECK(*p.layers.weight_gradients == f);
  CHECK(*p.layers.forward_operands == f);
  CHECK(*p.layers.backward_operands == f);
}

// Products and reductions accumulated sequentially in binary32, under the default Env.
void check_fp32_accumulation(const PrecisionPolicy& p) {
  CHECK(p.layers.products.name == "fp32-sequential");
  CHECK(*p.layers.products.accumulator == binary32);
  CHECK(p.layers.products.product == nullptr);
  CHECK(p.layers.reductions.name == "fp32-sequential");
  CHECK(*p.layers.reductions.accumulator == binary32);
  CHECK(p.layers.env.rounding == Rounding::nearest_even);
  CHECK_FALSE(p.layers.env.flush_to_zero);
}

}  // namespace

TEST_CASE("the policy presets are the ten documented names, each valid", "[train][policy]") {
  const std::vector<std::string> expected{"fp32",      "amp-fp16",     "amp-bf16",        "pure-fp16",
                                          "pure-fp16-sr", "pure-fp16-kahan", "pure-bf16", "pure-bf16-sr",
                                          "pure-bf16-kahan", "fp8"};
  CHECK(precision_policy_names() == expected);
  for (const std::string& name : expected) {
    INFO(name);
    const PrecisionPolicy p = precision_policy(name);
    CHECK(p.name == name);
    CHECK(validate(p).empty());
  }
}

TEST_CASE("fp32 keeps every role in binary32 with no scaler", "[train][policy]") {
  const PrecisionPolicy p = precision_policy("fp32");
  check_layer_formats(p, binary32);
  check_fp32_accumulation(p);
  CHECK(*p.parameters == binary32);
  CHECK(*p.optimizer_state == binary32);
  CHECK(p.update == UpdateRounding::nearest);
  CHECK_FALSE(p.fp8);
  CHECK(p.scaler == "none");
  CHECK_FALSE(p.master_weights());
}

TEST_CASE("amp policies compute in fp16/bf16 with binary32 master weights and state", "[train][policy]") {
  const auto [name, format, scaler] = GENERATE(table<const char*, const Format*, const char*>(
      {{"amp-fp16", &binary16, "pytorch"}, {"amp-bf16", &bfloat16, "none"}}));
  INFO(name);
  const PrecisionPolicy p = precision_policy(name);
  check_layer_formats(p, *format);
  check_fp32_accumulation(p);
  CHECK(*p.parameters == binary32);
  CHECK(*p.optimizer_state == binary32);
  CHECK(p.update == UpdateRounding::nearest);
  CHECK_FALSE(p.fp8);
  CHECK(p.scaler == scaler);
  CHECK(p.master_weights());
}

TEST_CASE("pure policies hold parameters and state in fp16/bf16 with their update rounding", "[train][policy]") {
  const auto [name, format, update] = GENERATE(table<const char*, const Format*, UpdateRounding>(
      {{"pure-fp16", &binary16, UpdateRounding::nearest},
       {"pure-fp16-sr", &binary16, UpdateRounding::stochastic},
       {"pure-fp16-kahan", &binary16, UpdateRounding::kahan},
       {"pure-bf16", &bfloat16, UpdateRounding::nearest},
       {"pure-bf16-sr", &bfloat16, UpdateRounding::stochastic},
       {"pure-bf16-kahan", &bfloat16, UpdateRounding::kahan}}));
  INFO(name);
  const PrecisionPolicy p = precision_policy(name);
  check_layer_formats(p, *format);
  check_fp32_accumulation(p);  // products still accumulate in binary32, as the hardware does
  CHECK(*p.parameters == *format);
  CHECK(*p.optimizer_state == *format);
  CHECK(p.update == update);
  CHECK_FALSE(p.fp8);
  CHECK(p.scaler == "none");
  CHECK_FALSE(p.master_weights());
}

TEST_CASE("fp8 uses E4M3 forward, E5M2 backward, bf16 between layers and TE delayed scaling", "[train][policy]") {
  const PrecisionPolicy p = precision_policy("fp8");
  CHECK(*p.layers.forward_operands == fp8_e4m3);
  CHECK(*p.layers.backward_operands == fp8_e5m2);
  CHECK(*p.layers.activations == bfloat16);
  CHECK(*p.layers.gradients == bfloat16);
  CHECK(*p.layers.weight_gradients == bfloat16);
  check_fp32_accumulation(p);
  CHECK(*p.parameters == binary32);
  CHECK(*p.optimizer_state == binary32);
  REQUIRE(p.fp8);
  CHECK(p.fp8->history == 1024);
  CHECK_FALSE(p.fp8->most_recent);
  CHECK(p.fp8->margin == 0);
  CHECK(p.master_weights());
  CHECK(p.scaler == "none");
}

TEST_CASE("an unknown preset name lists the accepted ones", "[train][policy]") {
  CHECK_THROWS_WITH(precision_policy("amp-fp8"), Catch::Contains("unknown precision policy 'amp-fp8'") &&
                                                     Catch::Contains("pure-bf16-kahan"));
  CHECK_THROWS_AS(resolve_precision_policy("nonsense"), std::invalid_argument);
  CHECK(resolve_precision_policy("amp-bf16").name == "amp-bf16");
}

TEST_CASE("validate names the role whose format a tensor cannot hold", "[train][policy]") {
  PrecisionPolicy p = precision_policy("fp32");
  p.optimizer_state = &binary64;
  CHECK_THAT(validate(p), Catch::Contains("optimizer_state") && Catch::Contains("binary64"));
  p = precision_policy("fp32");
  p.scaler = "pytorhc";
  CHECK_THAT(validate(p), Catch::Contains("scaler 'pytorhc'"));
  p = precision_policy("fp8");
  p.fp8->history = 0;
  CHECK_THAT(validate(p), Catch::Contains("fp8.history"));
  CHECK(update_rounding_name(UpdateRounding::kahan) == "kahan");
}
