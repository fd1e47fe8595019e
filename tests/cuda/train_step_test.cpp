// SPDX-License-Identifier: MIT
// The host half of the training-step validation: the emulated step's tensors (names, shapes,
// formats, determinism), the ulp distance and the comparison's classes. Runs without a GPU.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "mpsim/cuda/train_step.hpp"

using namespace mpsim::cuda;

namespace {

TrainStepSetup small_setup() {
  TrainStepSetup s;
  s.widths = {12, 8, 6, 4};
  s.batch = 5;
  s.seed = 7;
  return s;
}

}  // namespace

TEST_CASE("the emulated step yields every named tensor in step order, in the policy's formats", "[cuda][train_step]") {
  const TrainStepSetup s = small_setup();
  const TrainStepInputs in = make_train_step_inputs(s);
  const std::vector<StepTensor> step = emulate_train_step(s, in);
  const std::vector<std::string> names = train_step_tensor_names(s);
  REQUIRE(step.size() == names.size());
  REQUIRE(names.front() == "fc1.activation");
  REQUIRE(names[5] == "loss");
  REQUIRE(names[6] == "fc3.grad_output");
  REQUIRE(names.back() == "fc1.bias_gradient");
  for (std::size_t i = 0; i < step.size(); ++i) {
    CHECK(step[i].name == names[i]);
    CHECK(step[i].half == (step[i].name != "loss"));  // amp-fp16: every tensor of the layers in binary16
    for (float v : step[i].values) CHECK(std::isfinite(v));
  }
  CHECK(step[5].values.at(0) > 0.0f);  // a cross-entropy
  // The weight gradient of the first layer is not all zero: the backward reached it.
  bool nonzero = false;
  for (float v : step[names.size() - 2].values) nonzero = nonzero || v != 0.0f;
  CHECK(nonzero);
}

TEST_CASE("the emulated step is a pure function of the setup", "[cuda][train_step]") {
  const TrainStepSetup s = small_setup();
  const auto a = emulate_train_step(s, make_train_step_inputs(s));
  const auto b = emulate_train_step(s, make_train_step_inputs(s));
  for (const TensorComparison& c : compare_step(a, b)) CHECK(c.total() == 0);
  TrainStepSetup other = s;
  other.seed = 8;
  const auto d = emulate_train_step(other, make_train_step_inputs(other));
  std::uint64_t differing = 0;
  for (const TensorComparison& c : compare_step(a, d)) differing += c.total();
  CHECK(differing > 0);
}

TEST_CASE("the comparison sorts differing bits into value, sign of zero and NaN pattern", "[cuda][train_step]") {
  const TrainStepSetup s = small_setup();
  const auto a = emulate_train_step(s, make_train_step_inputs(s));
  auto b = a;
  b[0].values[3] = std::nextafter(b[0].values[3], 1e9f);  // not a binary16 value: still a value mismatch
  b[1].values[0] = -0.0f;                                  // relu output +0 or positive
  b[5].values[0] = std::numeric_limits<float>::quiet_NaN();
  const auto c = compare_step(a, b);
  CHECK(c[0].mismatches[0] == 1);
  CHECK(c[0].first_index == 3);
  CHECK(c[5].mismatches[0] == 1);   // loss vs NaN: a value mismatch
  CHECK(c[5].transcendental);
  CHECK(c[6].transcendental);
  CHECK_FALSE(c[7].transcendental);
  if (a[1].values[0] == 0.0f) CHECK(c[1].mismatches[1] == 1);
  else CHECK(c[1].mismatches[0] == 1);
}

TEST_CASE("ulp distances count through zero in the tensor's format", "[cuda][train_step]") {
  CHECK(ulp_distance(0x3C00, 0x3C01, true) == 1);
  CHECK(ulp_distance(0x0001, 0x8001, true) == 2);
  CHECK(ulp_distance(0x0000, 0x8000, true) == 0);
  CHECK(ulp_distance(0x3F800000u, 0x3F7FFFFFu, false) == 1);
  CHECK(ulp_distance(0x7E00, 0x3C00, true) == std::numeric_limits<std::uint64_t>::max());
  CHECK(ulp_distance(0x7E00, 0x7FFF, true) == 0);
  CHECK(half_bits(1.0f) == 0x3C00);
  CHECK(half_bits(-0.0f) == 0x8000);
}

TEST_CASE("bad setups are refused with a message", "[cuda][train_step]") {
  TrainStepSetup s = small_setup();
  s.widths = {4};
  CHECK_THROWS_WITH(make_train_step_inputs(s), Catch::Contains("two widths"));
  s = small_setup();
  s.batch = 0;
  CHECK_THROWS_WITH(make_train_step_inputs(s), Catch::Contains("batch"));
}
