// SPDX-License-Identifier: MIT
// The loss-scaling machine's parameters one at a time (hysteresis refill, arithmetic types,
// unscale rules, bounds), its checkpoint state, and its errors. Expected float32 values were
// computed independently with Python's struct float32 rounding (noted beside each).
#include <bit>
#include <cstdint>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "mpsim/train/loss_scaler.hpp"
#include "scripted_run.hpp"

using mpsim::test::check_runs;
using mpsim::test::Run;
using mpsim::test::run_script;
using namespace mpsim::train;

namespace {

std::uint32_t bits32(double x) { return std::bit_cast<std::uint32_t>(static_cast<float>(x)); }

LossScalerConfig dynamic(std::int32_t hysteresis, HysteresisRefill refill, std::int64_t interval) {
  LossScalerConfig c = loss_scaler_preset("pytorch");
  c.hysteresis = hysteresis;
  c.hysteresis_refill = refill;
  c.growth_interval = interval;
  return c;
}

}  // namespace

TEST_CASE("hysteresis refilled on every finite step tolerates overflows that are not consecutive",
          "[train][scaler]") {
  // H = 3, overflows at 1, 2, 4, 5: refilled at 3, so 4 and 5 only use the allowance again.
  LossScaler every(dynamic(3, HysteresisRefill::on_every_finite_step, 100));
  check_runs(run_script(every, 5, {1, 2, 4, 5}), {{1, 2, true, 0x1p16}, {3, 3, false, 0x1p16}, {4, 5, true, 0x1p16}});
  // Refilled only at growth: the allowance is gone at 4 and 5, both halve.
  LossScaler at_growth(dynamic(3, HysteresisRefill::at_growth, 100));
  check_runs(run_script(at_growth, 5, {1, 2, 4, 5}),
             {{1, 2, true, 0x1p16}, {3, 3, false, 0x1p16}, {4, 4, true, 0x1p15}, {5, 5, true, 0x1p14}});
}

TEST_CASE("hysteresis that is never refilled is a one-time allowance", "[train][scaler]") {
  // H = 2, interval 2: 1 tolerated, 2 halves, 3 and 4 finite (4 grows), 5 halves at once when
  // never refilled but is tolerated when refilled at growth.
  LossScaler never(dynamic(2, HysteresisRefill::never, 2));
  check_runs(run_script(never, 5, {1, 2, 5}),
             {{1, 1, true, 0x1p16}, {2, 2, true, 0x1p15}, {3, 3, false, 0x1p15}, {4, 4, false, 0x1p16}, {5, 5, true, 0x1p15}});
  LossScaler refilled(dynamic(2, HysteresisRefill::at_growth, 2));
  check_runs(run_script(refilled, 5, {1, 2, 5}),
             {{1, 1, true, 0x1p16}, {2, 2, true, 0x1p15}, {3, 3, false, 0x1p15}, {4, 4, false, 0x1p16}, {5, 5, true, 0x1p16}});
}

TEST_CASE("float32, float32-via-float64 and float64 scale arithmetic part at a growth factor of 1.1",
          "[train][scaler]") {
  // init 1, interval 1, growth 1.1. float32: s * float32(1.1) in float32; via float64:
  // float32(s * 1.1); float64: s * 1.1. Step 7 is the first where the first two differ.
  auto run7 = [](ScaleArithmetic a) {
    LossScalerConfig c = dynamic(1, HysteresisRefill::at_growth, 1);
    c.initial_scale = 1;
    c.growth_factor = 1.1;
    c.arithmetic = a;
    LossScaler s(c);
    return run_script(s, 7, {});
  };
  const auto f32 = run7(ScaleArithmetic::float32);
  const auto via64 = run7(ScaleArithmetic::float32_via_float64);
  const auto f64 = run7(ScaleArithmetic::float64);
  // Python: f = struct float32 rounding; a = f(a * f(1.1)); b = f(b * 1.1); c = c * 1.1
  const std::uint32_t both[6] = {0x3f8ccccd, 0x3f9ae148, 0x3faa5e36, 0x3fbb67a2, 0x3fce2532, 0x3fe2c284};
  for (int i = 0; i < 6; ++i) {
    CHECK(bits32(f32[static_cast<std::size_t>(i)].scale_after) == both[i]);
    CHECK(bits32(via64[static_cast<std::size_t>(i)].scale_after) == both[i]);
  }
  CHECK(bits32(f32[6].scale_after) == 0x3ff96f92);
  CHECK(bits32(via64[6].scale_after) == 0x3ff96f91);
  CHECK(f64[0].scale_after == 0x1.199999999999ap+0);
  CHECK(f64[6].scale_after == 0x1.f2df1fb5a7ed8p+0);
}

TEST_CASE("a float32 scaler rounds its initial scale to float32", "[train][scaler]") {
  LossScalerConfig c = loss_scaler_preset("pytorch");
  c.initial_scale = 0.1;
  CHECK(LossScaler(c).scale() == static_cast<double>(0.1f));
  c.arithmetic = ScaleArithmetic::float64;
  CHECK(LossScaler(c).scale() == 0.1);
}

TEST_CASE("the three unscale rules round differently at scale 3", "[train][scaler]") {
  LossScalerConfig c = loss_scaler_preset("pytorch");
  c.initial_scale = 3;
  const Unscale torch = LossScaler(c).unscale_factor();
  CHECK(std::bit_cast<std::uint32_t>(torch.operand) == 0x3eaaaaab);  // float32(1 / 3.0)
  CHECK(std::bit_cast<std::uint32_t>(torch.apply(5.0f)) == 0x3fd55556);  // 5 * 0x3eaaaaab rounds up
  c.unscale = UnscaleRule::divide_by_scale;
  const Unscale keras = LossScaler(c).unscale_factor();
  CHECK(keras.operand == 3.0f);
  CHECK(std::bit_cast<std::uint32_t>(keras.apply(5.0f)) == 0x3fd55555);  // 5 / 3 correctly rounded
  c.unscale = UnscaleRule::multiply_by_float32_reciprocal;
  CHECK(std::bit_cast<std::uint32_t>(LossScaler(c).unscale_factor().operand) == 0x3eaaaaab);
  CHECK(std::bit_cast<std::uint32_t>(LossScaler(loss_scaler_preset("pytorch")).unscale_factor().operand) ==
        0x37800000);  // 2^-16
}

TEST_CASE("the two reciprocal rules differ only for a scale that is not a float32 value", "[train][scaler]") {
  // For a float32 scale, float32(1 / double(s)) equals 1.0f / s (double rounding of a quotient
  // from 53 to 24 bits is harmless); a float64 scale is first rounded to float32 by the second rule.
  // Found with Python: f(1.0 / s) vs f(1.0 / f(s)), f = struct float32 rounding.
  LossScalerConfig c = loss_scaler_preset("apex");
  c.initial_scale = 0x1.f4bea97b9e977p+0;  // 1.9560342718892494
  CHECK(std::bit_cast<std::uint32_t>(LossScaler(c).unscale_factor().operand) == 0x3f02e087);
  c.unscale = UnscaleRule::multiply_by_float32_reciprocal;
  CHECK(std::bit_cast<std::uint32_t>(LossScaler(c).unscale_factor().operand) == 0x3f02e086);
}

TEST_CASE("a restored state continues bit-exactly", "[train][scaler]") {
  for (const std::string& name : loss_scaler_preset_names()) {
    INFO(name);
    LossScalerConfig c = loss_scaler_preset(name);
    if (c.kind == ScalerKind::dynamic) c.growth_interval = 3;
    LossScaler first(c);
    const std::set<std::int64_t> overflows{2, 3, 9};
    run_script(first, 7, overflows);
    LossScaler resumed(c);
    resumed.restore(first.state());
    CHECK(resumed.state() == first.state());
    for (std::int64_t step = 8; step <= 20; ++step) {
      const StepDecision a = first.update(overflows.contains(step));
      const StepDecision b = resumed.update(overflows.contains(step));
      CHECK(a.skipped == b.skipped);
      CHECK(std::bit_cast<std::uint64_t>(a.scale_after) == std::bit_cast<std::uint64_t>(b.scale_after));
    }
    CHECK(resumed.state() == first.state());
  }
}

TEST_CASE("a state that this config cannot produce is refused", "[train][scaler]") {
  LossScaler s(loss_scaler_preset("deepspeed"));
  LossScalerState bad = s.state();
  bad.growth_tracker = 1000;
  CHECK_THROWS_WITH(s.restore(bad), Catch::Contains("growth tracker"));
  bad = s.state();
  bad.hysteresis_left = 3;
  CHECK_THROWS_WITH(s.restore(bad), Catch::Contains("hysteresis"));
  LossScaler t(loss_scaler_preset("pytorch"));
  bad = t.state();
  bad.scale = 0.1;  // not a float32 value
  CHECK_THROWS_WITH(t.restore(bad), Catch::Contains("float32"));
  bad.scale = -1;
  CHECK_THROWS_AS(t.restore(bad), std::invalid_argument);
}

TEST_CASE("an unknown preset name lists the accepted names", "[train][scaler]") {
  CHECK_THROWS_AS(loss_scaler_preset("jax"), std::invalid_argument);
  CHECK_THROWS_WITH(loss_scaler_preset("jax"),
                    "unknown loss-scaler preset 'jax'; accepted: pytorch, apex, deepspeed, megatron, keras3, "
                    "tf-keras, flax, none, static");
}

TEST_CASE("bad parameters are rejected naming the parameter", "[train][scaler]") {
  auto rejects = [](void (*change)(LossScalerConfig&), const char* words) {
    LossScalerConfig c = loss_scaler_preset("pytorch");
    change(c);
    CHECK_THROWS_WITH(LossScaler(c), Catch::Contains(words));
  };
  rejects([](LossScalerConfig& c) { c.initial_scale = 0; }, "initial scale");
  rejects([](LossScalerConfig& c) { c.initial_scale = 1e39; }, "float32");
  rejects([](LossScalerConfig& c) { c.growth_factor = 1; }, "growth factor");
  rejects([](LossScalerConfig& c) { c.backoff_factor = 1; }, "backoff factor");
  rejects([](LossScalerConfig& c) { c.growth_interval = 0; }, "growth interval");
  rejects([](LossScalerConfig& c) { c.hysteresis = 0; }, "hysteresis");
  rejects([](LossScalerConfig& c) { c.min_scale = -1; }, "minimum scale");
  rejects([](LossScalerConfig& c) { c.min_scale = 4; c.max_scale = 2; }, "exceeds the maximum");
}
