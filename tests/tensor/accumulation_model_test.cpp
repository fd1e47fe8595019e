// SPDX-License-Identifier: MIT
// Tests of the accumulation presets and of the model check (src/mpsim/tensor/accumulation_model.hpp).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/accumulation_model.hpp"
#include "mpsim/tensor/dot.hpp"

using namespace mpsim;

TEST_CASE("every preset name gives the model it promises", "[tensor][accumulation]") {
  const AccumulationModel fp32 = accumulation_preset("fp32-sequential");
  CHECK(fp32.accumulator == &binary32);
  CHECK(fp32.product == nullptr);
  CHECK(fp32.fused);
  CHECK(fp32.order == SumOrder::sequential);
  CHECK(fp32.env.rounding == Rounding::nearest_even);
  CHECK(!fp32.tensor_core);

  CHECK(accumulation_preset("fp16-accumulate").accumulator == &binary16);
  const AccumulationModel chunked = accumulation_preset("chunked");
  CHECK((chunked.order == SumOrder::chunked && chunked.block == 64 && chunked.accumulator == &binary16));
  const AccumulationModel kahan = accumulation_preset("kahan");
  CHECK((kahan.kahan && kahan.order == SumOrder::sequential && kahan.accumulator == &binary16));

  const AccumulationModel sm90 = accumulation_preset("sm90");
  REQUIRE(sm90.tensor_core);
  CHECK(*sm90.tensor_core == TensorCoreBlock{16, 25, -133, Rounding::toward_zero});
  CHECK(sm90.accumulator == &binary32);
  CHECK(sm90.env.nan == NanPolicy::canonical);
  const AccumulationModel sm90h = accumulation_preset("sm90-fp16");
  REQUIRE(sm90h.tensor_core);
  CHECK(*sm90h.tensor_core == TensorCoreBlock{16, 25, -21, Rounding::nearest_even});
  CHECK(sm90h.accumulator == &binary16);

  for (const std::string& name : accumulation_preset_names()) {
    CHECK(accumulation_preset(name).name == name);
    CHECK(validate(accumulation_preset(name)).empty());
  }
}

TEST_CASE("an unknown preset is rejected with the accepted names", "[tensor][accumulation]") {
  CHECK_THROWS_WITH(accumulation_preset("sm100"),
                    "unknown accumulation model 'sm100'; accepted: fp32-sequential, fp16-accumulate, chunked, kahan, "
                    "sm90, sm90-fp16");
  CHECK_THROWS_AS(accumulation_preset(""), std::invalid_argument);
}

TEST_CASE("models dot cannot evaluate are rejected with a reason", "[tensor][accumulation]") {
  AccumulationModel m = accumulation_preset("fp16-accumulate");
  m.order = SumOrder::blocked;
  CHECK(validate(m) == "blocked and chunked orders need block >= 1");
  m.block = 4;
  CHECK(validate(m).empty());
  m.kahan = true;
  CHECK(validate(m) == "Kahan compensation is defined for the sequential order only");
  AccumulationModel none;
  CHECK(validate(none) == "the model has no accumulator format");
  AccumulationModel tc = accumulation_preset("sm90");
  tc.product = &binary16;
  CHECK(!validate(tc).empty());
  tc = accumulation_preset("sm90");
  tc.tensor_core->fraction_bits = 101;
  CHECK(validate(tc) == "TensorCoreBlock::fraction_bits must lie in 1..100");
  AccumulationModel sr = accumulation_preset("fp32-sequential");
  sr.env.rounding = Rounding::stochastic;
  CHECK(!validate(sr).empty());

  const std::vector<std::uint64_t> two{0x3C00, 0x3C00}, one{0x3C00};
  CHECK_THROWS_WITH(dot(accumulation_preset("fp32-sequential"), binary16, two, one, 0),
                    "dot: a has 2 elements, b has 1");
  CHECK_THROWS_WITH(dot(none, binary16, one, one, 0), "dot: model '': the model has no accumulator format");
}

TEST_CASE("an empty dot product returns c unchanged", "[tensor][accumulation]") {
  const std::vector<std::uint64_t> empty;
  for (const std::string& name : accumulation_preset_names()) {
    const AccumulationModel m = accumulation_preset(name);
    const std::uint64_t c = m.accumulator == &binary32 ? 0x80000000 : 0x8000;  // -0 stays -0
    CHECK(dot(m, binary16, empty, empty, c) == Result{c, 0, 0});
  }
}
