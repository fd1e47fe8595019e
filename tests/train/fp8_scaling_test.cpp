// SPDX-License-Identifier: MIT
// Transformer Engine's delayed scaling (FACTS.md 7) on scripted tensors: every scale computed by
// hand from the amax history (wrap-around, margin, zero and non-finite amax), saturating casts
// counted, and checkpoint state.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/elementwise.hpp"
#include "mpsim/train/fp8_scaling.hpp"

using namespace mpsim;
using namespace mpsim::train;

namespace {

Tensor values(std::vector<float> v) {
  Context ctx;
  return tensor_from_floats(binary32, {static_cast<std::int64_t>(v.size())}, v, ctx);
}

// Casts x under `key` and checks the scale used (through scale_inverse) and the operand values.
void step(DelayedScalingCaster& caster, const std::string& key, std::vector<float> x, float scale_used,
          std::vector<float> expected, Context& ctx, const Format& to = fp8_e4m3) {
  const nn::Operand op = caster.to_operand(key, values(x), to, ctx);
  CHECK(op.scale_inverse == 1.0f / scale_used);
  CHECK(op.values.format() == to);
  REQUIRE(op.values.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(op.values.value(i) == expected[i]);
}

}  // namespace

TEST_CASE("delayed scaling takes the scale from the history before the step, max algorithm", "[train][fp8]") {
  DelayedScalingCaster caster({.history = 3, .most_recent = false, .margin = 0});
  EventCounts counts;
  Context ctx;
  ctx.counters = &counts;
  // step 1: initial scale 1; amax 2 -> history {2, 0, 0} -> scale 448 / 2 = 224
  step(caster, "fc1/input", {1.0f, -2.0f, 0.5f}, 1.0f, {1.0f, -2.0f, 0.5f}, ctx);
  CHECK(counts.overflowed == 0);
  // step 2: 4 * 224 = 896 > 448 saturates (counted), 224 is an E4M3 value; amax 4 -> scale 112
  step(caster, "fc1/input", {4.0f, 1.0f}, 224.0f, {448.0f, 224.0f}, ctx);
  CHECK(counts.overflowed == 1);
  CHECK(counts.overflow == 1);
  CHECK(counts.operations == 5);  // every element of both casts
  // step 3: history {2, 4, 0.25}: max 4 keeps 112
  step(caster, "fc1/input", {0.25f}, 112.0f, {28.0f}, ctx);
  // step 4: the ring wraps, 0.5 replaces the oldest entry 2: {0.5, 4, 0.25}, still 112
  step(caster, "fc1/input", {0.5f}, 112.0f, {56.0f}, ctx);
  // step 5: 1 replaces 4: {0.5, 1, 0.25} -> 448 / 1 = 448
  step(caster, "fc1/input", {1.0f}, 112.0f, {112.0f}, ctx);
  step(caster, "fc1/input", {0.5f}, 448.0f, {224.0f}, ctx);
  // Another key has its own history, starting at scale 1 (E5M2: fmax 57344).
  step(caster, "fc1/grad_output", {2.0f}, 1.0f, {2.0f}, ctx, fp8_e5m2);
  step(caster, "fc1/grad_output", {2.0f}, 28672.0f, {57344.0f}, ctx, fp8_e5m2);
}

TEST_CASE("most_recent with a margin, and zero or non-finite amax keeping the scale", "[train][fp8]") {
  DelayedScalingCaster caster({.history = 4, .most_recent = true, .margin = 1});
  EventCounts counts;
  Context ctx;
  ctx.counters = &counts;
  step(caster, "w", {2.0f}, 1.0f, {2.0f}, ctx);       // next: 448 / 2 * 2^-1 = 112
  step(caster, "w", {0.0f, -0.0f}, 112.0f, {0.0f, -0.0f}, ctx);  // amax 0: keep 112
  step(caster, "w", {INFINITY, 1.0f}, 112.0f, {448.0f, 112.0f}, ctx);  // inf saturates; amax inf: keep
  CHECK(counts.overflowed == 1);
  const nn::Operand nan = caster.to_operand("w", values({NAN, 1.0f}), fp8_e4m3, ctx);  // amax NaN: keep
  CHECK(nan.scale_inverse == 1.0f / 112.0f);
  CHECK(std::isnan(nan.values.value(0)));
  step(caster, "w", {7.0f}, 112.0f, {448.0f}, ctx);  // 784 saturates; next: 448 / 7 / 2 = 32
  step(caster, "w", {0x1p-149f}, 32.0f, {0.0f}, ctx);  // 448 / 2^-149 overflows binary32: keep 32
  step(caster, "w", {1.0f}, 32.0f, {32.0f}, ctx);
}

TEST_CASE("an infinite amax in a max history freezes the scale until it leaves the history", "[train][fp8]") {
  DelayedScalingCaster caster({.history = 2, .most_recent = false, .margin = 0});
  Context ctx;
  step(caster, "x", {INFINITY}, 1.0f, {448.0f}, ctx);  // history {inf, 0}: keep 1
  step(caster, "x", {1.0f}, 1.0f, {1.0f}, ctx);        // {inf, 1}: keep 1
  step(caster, "x", {1.0f}, 1.0f, {1.0f}, ctx);        // {1, 1}: 448
  step(caster, "x", {1.0f}, 448.0f, {448.0f}, ctx);
}

TEST_CASE("delayed-scaling state restores into a caster that continues identically", "[train][fp8]") {
  const DelayedScaling config{.history = 3, .most_recent = false, .margin = 0};
  DelayedScalingCaster a(config);
  Context ctx;
  for (float x : {3.0f, 0.5f, 1.5f, 0.25f}) {
    a.to_operand("k1", values({x}), fp8_e4m3, ctx);
    a.to_operand("k2", values({2 * x}), fp8_e5m2, ctx);
  }
  const std::vector<NamedTensor> state = a.state();
  REQUIRE(state.size() == 4);
  CHECK(state[0].name == "k1/scale");
  CHECK(state[1].name == "k1/amax_history");
  CHECK(state[1].tensor.value(2) == 0.25f);  // oldest first: {0.5, 1.5, 0.25}
  CHECK(state[1].tensor.value(0) == 0.5f);
  DelayedScalingCaster b(config);
  b.restore(state);
  for (float x : {0.125f, 0.0625f, 4.0f, 2.0f}) {
    const nn::Operand oa = a.to_operand("k1", values({x}), fp8_e4m3, ctx);
    const nn::Operand ob = b.to_operand("k1", values({x}), fp8_e4m3, ctx);
    CHECK(oa.scale_inverse == ob.scale_inverse);
    CHECK(oa.values.bits(0) == ob.values.bits(0));
  }
  std::vector<NamedTensor> bad = state;
  bad[1].name = "k9/amax_history";
  CHECK_THROWS_WITH(b.restore(bad), Catch::Contains("expected 'k1/amax_history'"));
  bad = state;
  bad[1].tensor = Tensor(binary32, {5});
  CHECK_THROWS_WITH(b.restore(bad), Catch::Contains("binary32 [3] history"));
  CHECK_THROWS_WITH(b.restore({state[0]}), Catch::Contains("pairs"));
  CHECK_THROWS_WITH(DelayedScalingCaster({.history = 0}), Catch::Contains("history must be at least 1"));
}
