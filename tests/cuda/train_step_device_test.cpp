// SPDX-License-Identifier: MIT
// The training step on the GPU (skipped without one, see device_main.cpp): mpsim's kernels give
// every tensor of the emulated amp-fp16 step bit for bit, and a changed input is seen.
#include <catch2/catch.hpp>

#include <string>

#include "mpsim/cuda/train_step.hpp"

using namespace mpsim::cuda;

TEST_CASE("the device step matches the emulated amp-fp16 step bit for bit in every tensor", "[cuda][device]") {
  for (int batch : {64, 7}) {
    TrainStepSetup s;
    s.batch = batch;
    const TrainStepInputs in = make_train_step_inputs(s);
    const auto emulated = emulate_train_step(s, in);
    std::string why;
    for (bool feed : {true, false}) {
      const auto device = device_train_step(s, in, emulated, DeviceStepOptions{.feed_emulated_dlogits = feed}, why);
      REQUIRE(device);
      for (const TensorComparison& c : compare_step(emulated, *device)) {
        INFO(c.name << " batch " << batch << " feed " << feed);
        CHECK(c.total() == 0);
      }
    }
  }
}

TEST_CASE("the device step's comparison sees a changed weight", "[cuda][device]") {
  TrainStepSetup s;
  s.batch = 16;
  TrainStepInputs in = make_train_step_inputs(s);
  const auto emulated = emulate_train_step(s, in);
  in.parameters[2].values[0] += 0.25f;  // fc2.weight[0][0]
  std::string why;
  const auto device = device_train_step(s, in, emulated, {}, why);
  REQUIRE(device);
  const auto c = compare_step(emulated, *device);
  CHECK(c[0].total() == 0);  // fc1 does not see fc2's weight
  CHECK(c[2].total() > 0);   // fc2.activation does
}
