// SPDX-License-Identifier: MIT
// Every preset driven through scripted overflow sequences: no overflow for two growth periods,
// overflows at steps 3, 4 and 5, overflows down to the minimum, growth up to the maximum or
// infinity. The expected runs are written out by hand from each framework's source (the comment
// above each case says which behaviour of which file), not from mpsim's code.
#include <bit>
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include "mpsim/train/loss_scaler.hpp"
#include "scripted_run.hpp"

using mpsim::test::check_runs;
using mpsim::test::preset_with;
using mpsim::test::Run;
using mpsim::test::run_script;
using mpsim::train::LossScaleAtMinimum;
using mpsim::train::LossScaler;
using mpsim::train::loss_scaler_preset;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double float32_max = 0x1.fffffep127;  // 0x7F7FFFFF
constexpr double float32_tiny = 0x1p-126;       // 0x00800000, the smallest normal float32

std::uint32_t bits32(float x) { return std::bit_cast<std::uint32_t>(x); }

std::set<std::int64_t> every_step(std::int64_t n) {
  std::set<std::int64_t> all;
  for (std::int64_t i = 1; i <= n; ++i) all.insert(i);
  return all;
}

// The runs of `count` consecutive overflows from step 1: the first `allowance` ones keep the
// scale (hysteresis), every later one halves it, never below `floor`.
std::vector<Run> halving_runs(double initial, int allowance, std::int64_t count, double floor) {
  std::vector<Run> runs;
  double s = initial;
  for (std::int64_t step = 1; step <= count; ++step) {
    if (step > allowance) s = s / 2 < floor ? floor : s / 2;
    runs.push_back({step, step, true, s});
  }
  return runs;
}

}  // namespace

// ---------------------------------------------------------------- PyTorch GradScaler
// torch/amp/grad_scaler.py: scale 2^16 in a float32 tensor, growth 2, backoff 0.5, interval 2000;
// aten _amp_update_scale_: on found_inf scale *= backoff and tracker = 0; else tracker + 1 and,
// when it reaches the interval, scale *= growth only if finite, tracker = 0. step() skips on inf.

TEST_CASE("pytorch grows on the 2000th and 4000th finite step", "[train][scaler][pytorch]") {
  LossScaler s(loss_scaler_preset("pytorch"));
  CHECK(bits32(s.scale_float32()) == 0x47800000);  // 65536
  check_runs(run_script(s, 4000, {}), {{1, 1999, false, 0x1p16}, {2000, 3999, false, 0x1p17}, {4000, 4000, false, 0x1p18}});
  CHECK(bits32(s.scale_float32()) == 0x48800000);  // 2^18
}

TEST_CASE("pytorch halves at every overflow and restarts the growth count", "[train][scaler][pytorch]") {
  LossScaler s(loss_scaler_preset("pytorch"));
  // 3, 4, 5 halve; the count restarts at 5, so growth comes 2000 finite steps later: step 2005.
  check_runs(run_script(s, 2010, {3, 4, 5}),
             {{1, 2, false, 0x1p16}, {3, 3, true, 0x1p15}, {4, 4, true, 0x1p14}, {5, 5, true, 0x1p13},
              {6, 2004, false, 0x1p13}, {2005, 2010, false, 0x1p14}});
}

TEST_CASE("pytorch has no floor: the float32 scale underflows through subnormals to zero", "[train][scaler][pytorch]") {
  LossScaler s(loss_scaler_preset("pytorch"));
  // 2^(16-k) after k overflows; 2^-149 (0x00000001) after 165; then 2^-150 rounds to 0 (tie to even).
  std::vector<Run> runs = halving_runs(0x1p16, 0, 165, 0);
  runs.push_back({166, 170, true, 0.0});
  check_runs(run_script(s, 170, every_step(170)), runs);
  CHECK(runs[164].scale == 0x1p-149);
}

TEST_CASE("pytorch keeps the scale where growing it would overflow float32", "[train][scaler][pytorch]") {
  LossScaler s(preset_with("pytorch", 0x1p126, 1));
  check_runs(run_script(s, 3, {}), {{1, 3, false, 0x1p127}});  // 2^128 is inf in float32: kept
  CHECK(bits32(s.scale_float32()) == 0x7F000000);
}

// ---------------------------------------------------------------- Apex amp
// apex/amp/scaler.py: Python float 2^16; overflow: /= 2., unskipped = 0, skip; else unskipped += 1;
// at 2000: min(2^24, scale * 2.), unskipped = 0.

TEST_CASE("apex grows every 2000 finite steps up to 2^24", "[train][scaler][apex]") {
  LossScaler s(loss_scaler_preset("apex"));
  check_runs(run_script(s, 4000, {}), {{1, 1999, false, 0x1p16}, {2000, 3999, false, 0x1p17}, {4000, 4000, false, 0x1p18}});
  LossScaler top(preset_with("apex", 0x1p23, 1));
  check_runs(run_script(top, 3, {}), {{1, 3, false, 0x1p24}});  // min(2^24, 2^25)
}

TEST_CASE("apex halves at every overflow without a floor, in float64", "[train][scaler][apex]") {
  LossScaler s(loss_scaler_preset("apex"));
  check_runs(run_script(s, 2010, {3, 4, 5}),
             {{1, 2, false, 0x1p16}, {3, 3, true, 0x1p15}, {4, 4, true, 0x1p14}, {5, 5, true, 0x1p13},
              {6, 2004, false, 0x1p13}, {2005, 2010, false, 0x1p14}});
  LossScaler down(loss_scaler_preset("apex"));
  check_runs(run_script(down, 200, every_step(200)), halving_runs(0x1p16, 0, 200, 0));  // 2^-184: a double, not 0
  CHECK(down.scale() == 0x1p-184);
}

// ---------------------------------------------------------------- DeepSpeed
// deepspeed/runtime/fp16/loss_scaler.py DynamicLossScaler, config defaults: 2^16, window 1000,
// delayed_shift (hysteresis) 2, min 1, raise_error_at_min_scale. Overflow: if delayed_shift == 1
// or cur_hysteresis == 1 then (raise if cur_scale == min) scale = max(scale / 2, min), else
// cur_hysteresis -= 1; last_overflow_iter = cur_iter. Finite: grow when
// (cur_iter - last_overflow_iter) % window == 0, refilling cur_hysteresis there. Every overflow skips.

TEST_CASE("deepspeed grows every 1000 finite steps", "[train][scaler][deepspeed]") {
  LossScaler s(loss_scaler_preset("deepspeed"));
  check_runs(run_script(s, 2000, {}), {{1, 999, false, 0x1p16}, {1000, 1999, false, 0x1p17}, {2000, 2000, false, 0x1p18}});
}

TEST_CASE("deepspeed's first overflow only uses up the hysteresis, refilled at growth", "[train][scaler][deepspeed]") {
  LossScaler s(loss_scaler_preset("deepspeed"));
  // 3: hysteresis 2 -> 1, scale kept (still skipped); 4, 5: halve. 1005 grows (1000 finite steps
  // after 5) and refills; 1006 is tolerated again, 1007 halves.
  check_runs(run_script(s, 1010, {3, 4, 5, 1006, 1007}),
             {{1, 2, false, 0x1p16}, {3, 3, true, 0x1p16}, {4, 4, true, 0x1p15}, {5, 5, true, 0x1p14},
              {6, 1004, false, 0x1p14}, {1005, 1005, false, 0x1p15}, {1006, 1006, true, 0x1p15},
              {1007, 1007, true, 0x1p14}, {1008, 1010, false, 0x1p14}});
}

TEST_CASE("deepspeed does not refill the hysteresis on finite steps before a growth", "[train][scaler][deepspeed]") {
  LossScaler s(loss_scaler_preset("deepspeed"));
  // 3 uses the allowance; 4..10 are finite but no growth comes, so 11 halves at once.
  check_runs(run_script(s, 12, {3, 11}), {{1, 2, false, 0x1p16}, {3, 3, true, 0x1p16}, {4, 10, false, 0x1p16},
                                          {11, 11, true, 0x1p15}, {12, 12, false, 0x1p15}});
}

TEST_CASE("deepspeed halves down to 1 and then raises 'already at minimum'", "[train][scaler][deepspeed]") {
  LossScaler s(loss_scaler_preset("deepspeed"));
  // Step 1 uses the allowance, steps 2..17 halve 2^16 down to 2^0 = min.
  check_runs(run_script(s, 17, every_step(17)), halving_runs(0x1p16, 1, 17, 1.0));
  const auto before = s.state();
  CHECK_THROWS_AS(s.update(true), LossScaleAtMinimum);
  CHECK(s.state() == before);  // DeepSpeed raises before touching its state
  CHECK_THROWS_WITH(s.update(true), Catch::Contains("already at its minimum 1"));
}

TEST_CASE("deepspeed clamps a backoff that would pass the minimum, then raises", "[train][scaler][deepspeed]") {
  LossScaler s(preset_with("deepspeed", 3.0, 1000));
  // max(3 / 2, 1) = 1.5, then max(0.75, 1) = 1, then 1 == min raises.
  check_runs(run_script(s, 3, every_step(3)), {{1, 1, true, 3.0}, {2, 2, true, 1.5}, {3, 3, true, 1.0}});
  CHECK_THROWS_AS(s.update(true), LossScaleAtMinimum);
}

TEST_CASE("deepspeed's Python float scale grows to inf past 2^1023", "[train][scaler][deepspeed]") {
  LossScaler s(preset_with("deepspeed", 0x1p1022, 1));
  check_runs(run_script(s, 3, {}), {{1, 1, false, 0x1p1023}, {2, 3, false, inf}});
}

// ---------------------------------------------------------------- Megatron-LM
// megatron/core/optimizer/grad_scaler.py DynamicGradScaler with initial_loss_scale 2^32,
// min_loss_scale 1, window 1000, hysteresis 2: overflow: growth_tracker = 0, hysteresis_tracker
// -= 1 and, if it is <= 0, scale = max(scale * 0.5, min) in float32; finite: growth_tracker += 1
// and at the interval: reset both trackers, scale *= 2 (no finiteness check, no maximum).

TEST_CASE("megatron grows every 1000 finite steps from 2^32", "[train][scaler][megatron]") {
  LossScaler s(loss_scaler_preset("megatron"));
  check_runs(run_script(s, 2000, {}), {{1, 999, false, 0x1p32}, {1000, 1999, false, 0x1p33}, {2000, 2000, false, 0x1p34}});
}

TEST_CASE("megatron backs off from the second overflow on until a growth refills", "[train][scaler][megatron]") {
  LossScaler s(loss_scaler_preset("megatron"));
  check_runs(run_script(s, 1010, {3, 4, 5, 1006, 1007}),
             {{1, 2, false, 0x1p32}, {3, 3, true, 0x1p32}, {4, 4, true, 0x1p31}, {5, 5, true, 0x1p30},
              {6, 1004, false, 0x1p30}, {1005, 1005, false, 0x1p31}, {1006, 1006, true, 0x1p31},
              {1007, 1007, true, 0x1p30}, {1008, 1010, false, 0x1p30}});
  LossScaler t(loss_scaler_preset("megatron"));
  check_runs(run_script(t, 12, {3, 11}), {{1, 2, false, 0x1p32}, {3, 3, true, 0x1p32}, {4, 10, false, 0x1p32},
                                          {11, 11, true, 0x1p31}, {12, 12, false, 0x1p31}});
}

TEST_CASE("megatron clamps at the minimum 1 without raising", "[train][scaler][megatron]") {
  LossScaler s(loss_scaler_preset("megatron"));
  // Step 1 tolerated, steps 2..33 halve 2^32 to 1, steps 34..40 stay at 1.
  check_runs(run_script(s, 40, every_step(40)), halving_runs(0x1p32, 1, 40, 1.0));
  CHECK(bits32(s.scale_float32()) == 0x3F800000);
}

TEST_CASE("megatron's float32 scale grows to inf and stays there", "[train][scaler][megatron]") {
  LossScaler s(preset_with("megatron", 0x1p126, 1));
  check_runs(run_script(s, 4, {4}), {{1, 1, false, 0x1p127}, {2, 3, false, inf}, {4, 4, true, inf}});
  CHECK(bits32(s.scale_float32()) == 0x7F800000);  // inf * 0.5 = inf; max(inf, 1) = inf
}

// ---------------------------------------------------------------- Keras 3
// keras/src/optimizers/loss_scale_optimizer.py: float32 variable 2^15; finite: if step_counter ==
// dynamic_growth_steps - 1 then scale * 2.0 and counter = 0, else counter += 1; non-finite:
// counter = 0, scale / 2.0 (no bounds); the inner optimizer is not applied on non-finite grads.

TEST_CASE("keras3 grows on the 2000th finite step from 2^15", "[train][scaler][keras3]") {
  LossScaler s(loss_scaler_preset("keras3"));
  CHECK(bits32(s.scale_float32()) == 0x47000000);  // 32768
  check_runs(run_script(s, 4000, {}), {{1, 1999, false, 0x1p15}, {2000, 3999, false, 0x1p16}, {4000, 4000, false, 0x1p17}});
}

TEST_CASE("keras3 halves on overflow and resets the counter", "[train][scaler][keras3]") {
  LossScaler s(loss_scaler_preset("keras3"));
  check_runs(run_script(s, 2010, {3, 4, 5}),
             {{1, 2, false, 0x1p15}, {3, 3, true, 0x1p14}, {4, 4, true, 0x1p13}, {5, 5, true, 0x1p12},
              {6, 2004, false, 0x1p12}, {2005, 2010, false, 0x1p13}});
}

TEST_CASE("keras3 halves through float32 subnormals to zero and grows to inf", "[train][scaler][keras3]") {
  LossScaler s(loss_scaler_preset("keras3"));
  std::vector<Run> runs = halving_runs(0x1p15, 0, 164, 0);  // 2^-149 after 164 halvings
  runs.push_back({165, 170, true, 0.0});                    // 2^-150 ties to even: +0
  check_runs(run_script(s, 170, every_step(170)), runs);
  LossScaler up(preset_with("keras3", 0x1p126, 1));
  check_runs(run_script(up, 3, {}), {{1, 1, false, 0x1p127}, {2, 3, false, inf}});
}

// ---------------------------------------------------------------- tf.keras (TF 2)
// tf-keras mixed_precision/loss_scale_optimizer.py _DynamicLossScaleState: float32 2^15; finite:
// if counter + 1 >= growth_steps: assign scale * 2 only if finite, counter = 0; else counter += 1;
// non-finite: counter = 0, scale = max(scale / 2, 1). should_apply_gradients = is_finite.

TEST_CASE("tf-keras grows on the 2000th finite step and never to inf", "[train][scaler][tf-keras]") {
  LossScaler s(loss_scaler_preset("tf-keras"));
  check_runs(run_script(s, 4000, {}), {{1, 1999, false, 0x1p15}, {2000, 3999, false, 0x1p16}, {4000, 4000, false, 0x1p17}});
  LossScaler up(preset_with("tf-keras", 0x1p126, 1));
  check_runs(run_script(up, 3, {}), {{1, 3, false, 0x1p127}});
}

TEST_CASE("tf-keras halves on overflow down to 1 and stays", "[train][scaler][tf-keras]") {
  LossScaler s(loss_scaler_preset("tf-keras"));
  check_runs(run_script(s, 2010, {3, 4, 5}),
             {{1, 2, false, 0x1p15}, {3, 3, true, 0x1p14}, {4, 4, true, 0x1p13}, {5, 5, true, 0x1p12},
              {6, 2004, false, 0x1p12}, {2005, 2010, false, 0x1p13}});
  LossScaler down(loss_scaler_preset("tf-keras"));
  check_runs(run_script(down, 20, every_step(20)), halving_runs(0x1p15, 0, 20, 1.0));
}

// ---------------------------------------------------------------- Flax DynamicScale
// flax/training/dynamic_scale.py: float32 65536; grow = fin_steps == growth_interval (before this
// step); finite: scale = grow ? min(scale * 2, float32 max) : scale; non-finite: max(scale * 0.5,
// float32 tiny); fin_steps = (grow or non-finite) ? 0 : fin_steps + 1.

TEST_CASE("flax grows on the 2001st finite step, not the 2000th", "[train][scaler][flax]") {
  LossScaler s(loss_scaler_preset("flax"));
  check_runs(run_script(s, 4002, {}), {{1, 2000, false, 0x1p16}, {2001, 4001, false, 0x1p17}, {4002, 4002, false, 0x1p18}});
}

TEST_CASE("flax halves on overflow and counts 2001 finite steps again", "[train][scaler][flax]") {
  LossScaler s(loss_scaler_preset("flax"));
  check_runs(run_script(s, 2010, {3, 4, 5}),
             {{1, 2, false, 0x1p16}, {3, 3, true, 0x1p15}, {4, 4, true, 0x1p14}, {5, 5, true, 0x1p13},
              {6, 2005, false, 0x1p13}, {2006, 2010, false, 0x1p14}});
}

TEST_CASE("flax stops halving at the smallest normal float32", "[train][scaler][flax]") {
  LossScaler s(loss_scaler_preset("flax"));
  check_runs(run_script(s, 150, every_step(150)), halving_runs(0x1p16, 0, 150, float32_tiny));  // 2^-126 after 142
  CHECK(bits32(s.scale_float32()) == 0x00800000);
}

TEST_CASE("flax clamps growth at the largest finite float32", "[train][scaler][flax]") {
  LossScaler s(preset_with("flax", 0x1p126, 1));
  // Interval 1: every second finite step grows; 2^128 clamps to 0x7F7FFFFF, which stays.
  check_runs(run_script(s, 6, {}), {{1, 1, false, 0x1p126}, {2, 3, false, 0x1p127}, {4, 6, false, float32_max}});
  CHECK(bits32(s.scale_float32()) == 0x7F7FFFFF);
}

// ---------------------------------------------------------------- none and static

TEST_CASE("none keeps scale 1 and skips nothing; static keeps S and skips overflow steps", "[train][scaler]") {
  LossScaler none(loss_scaler_preset("none"));
  check_runs(run_script(none, 5, {2, 3}), {{1, 5, false, 1.0}});
  mpsim::train::LossScalerConfig c = loss_scaler_preset("static");
  c.initial_scale = 128;
  LossScaler fixed(c);
  check_runs(run_script(fixed, 5, {2, 3}), {{1, 1, false, 128.0}, {2, 3, true, 128.0}, {4, 5, false, 128.0}});
}
