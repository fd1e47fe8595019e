// SPDX-License-Identifier: MIT
// Step probes (step_probes.hpp): a run with every probe on is bit-identical to one without; the
// shadow's counts equal those computed here from the two sweeps run by hand; lost updates
// match a constructed case whose answer is known (pure-bf16 loses |u| < ulp(w)/2, a float32
// master copy does not, stochastic rounding loses only some, Kahan keeps them in its buffer).
#include <array>
#include <bit>
#include <cmath>
#include <tuple>

#include <catch2/catch.hpp>

#include "mpsim/data/synthetic.hpp"
#include "mpsim/nn/models.hpp"
#include "mpsim/train/optimizer_update.hpp"
#include "mpsim/train/step_probes.hpp"
#include "mpsim/train/trainer.hpp"

using namespace mpsim;
using namespace mpsim::train;

namespace {

data::Dataset spirals() {
  return data::make_spirals({.arms = 3, .points_per_arm = 100, .turns = 1.0, .noise = 0.05, .seed = 3});
}

TrainingConfig small(const std::string& policy) {
  TrainingConfig c;
  c.data = "spirals";
  c.hidden = {24, 16};
  c.policy = policy;
  c.optimizer.kind = OptimizerKind::adam;
  c.optimizer.learning_rate = 0.01;
  c.epochs = 1;
  c.batch = 32;
  c.seed = 7;
  return c;
}

std::vector<std::uint32_t> bits_of(const std::vector<NamedTensor>& tensors) {
  std::vector<std::uint32_t> bits;
  for (const NamedTensor& t : tensors)
    for (const float v : t.tensor.values()) bits.push_back(std::bit_cast<std::uint32_t>(v));
  return bits;
}

// Every tensor a sweep shows, copied, in order.
struct Captured final : nn::TensorProbe {
  std::vector<std::tuple<std::string, std::string, std::vector<float>>> seen;
  void observe(std::string_view layer, std::string_view role, const Tensor& t) override {
    seen.emplace_back(std::string(layer), std::string(role), std::vector<float>(t.values().begin(), t.values().end()));
  }
};

// One forward/backward of the MLP the Trainer builds, by hand: parameters in `parameters`,
// layers in `layers`, the loss backward of `scale` * loss.
Captured sweep(const std::vector<int>& widths, const Format& parameters, const nn::LayerPrecision& layers,
               std::uint64_t seed, const Tensor& x, const std::vector<int>& labels, float scale) {
  nn::Sequential model = nn::make_mlp(widths, parameters, seed);
  Context ctx;
  ctx.env = layers.env;
  Captured captured;
  nn::Pass pass{layers, ctx, MatmulOptions{.threads = 1, .count = false}, nullptr};
  pass.probe = &captured;
  nn::SoftmaxCrossEntropy loss;
  const Tensor logits = model.forward(x, pass);
  loss.forward(logits, labels, pass);
  model.backward(loss.backward(scale, pass), pass);
  return captured;
}

// 8 copies of one sample whose inputs span 2^0 .. 2^-30, so fp16 flushes some of them and the
// gradients built on them: any shuffle of the batch is the same batch.
data::Dataset identical_samples() {
  data::Dataset set;
  set.name = "identical samples";
  set.count = 8;
  set.input_shape = {16};
  set.num_classes = 3;
  for (std::size_t s = 0; s < set.count; ++s) {
    for (int i = 0; i < 16; ++i) set.inputs.push_back((i % 2 ? -1.5f : 1.5f) * std::ldexp(1.0f, -2 * i));
    set.labels.push_back(1);
  }
  return set;
}

}  // namespace

TEST_CASE("step probes: a run with every probe on is bit-identical to one without", "[train][probe]") {
  const data::Dataset set = spirals();
  for (const char* policy : {"amp-fp16", "pure-bf16-sr", "fp8"}) {
    INFO(policy);
    Trainer plain(small(policy), set), probed(small(policy), set);
    StepProbes probes;
    probes.options = {.histograms = true, .shadow = true, .updates = true};
    std::uint64_t shadow_rows = 0, update_rows = 0;
    while (!plain.finished()) {
      const StepRecord a = plain.step();
      const StepRecord b = probed.step(&probes);
      INFO("step " << a.step);
      CHECK(std::bit_cast<std::uint32_t>(a.loss) == std::bit_cast<std::uint32_t>(b.loss));
      CHECK(a.scale == b.scale);
      CHECK(a.found_inf == b.found_inf);
      CHECK(a.skipped == b.skipped);
      CHECK(a.events == b.events);
      CHECK_FALSE(probes.histograms.entries().empty());
      shadow_rows += probes.shadow.size();
      update_rows += probes.updates.size();
      CHECK(probes.updates.size() == (b.skipped ? 0 : probed.parameters().size()));
    }
    CHECK(shadow_rows > 0);
    CHECK(update_rows > 0);
    const Trainer::Snapshot x = plain.snapshot(), y = probed.snapshot();
    CHECK(x.stochastic_index == y.stochastic_index);
    CHECK(x.optimizer_steps == y.optimizer_steps);
    CHECK(x.scaler == y.scaler);
    CHECK(bits_of(x.parameters) == bits_of(y.parameters));
    CHECK(bits_of(x.optimizer) == bits_of(y.optimizer));
    CHECK(bits_of(x.fp8) == bits_of(y.fp8));
    CHECK(plain.evaluate(set).correct == probed.evaluate(set).correct);
  }
}

TEST_CASE("step probes: the shadow's counts equal a comparison of the two sweeps run by hand", "[train][probe]") {
  const data::Dataset set = identical_samples();
  // Unscaled, fp16 flushes small gradients to zero; scaled by 2^24, the largest ones overflow.
  for (const double scale : {0.0, 16777216.0}) {
    INFO("scale " << scale);
    TrainingConfig c = small("amp-fp16");
    c.data = "identical samples";
    c.hidden = {12, 10};
    c.batch = 8;
    c.scaler = scale > 0 ? "static" : "none";
    c.scale = scale;
    Trainer trainer(c, set);
    StepProbes probes;
    probes.options = {.histograms = false, .shadow = true, .updates = false};
    trainer.step(&probes);
    CHECK(probes.histograms.entries().empty());

    Tensor x(binary32, {8, 16});
    std::copy(set.inputs.begin(), set.inputs.end(), x.values().begin());
    const std::vector<int> widths{16, 12, 10, 3};
    const Captured real =
        sweep(widths, binary32, trainer.policy().layers, c.seed, x, set.labels, scale > 0 ? static_cast<float>(scale) : 1.0f);
    const Captured shadow = sweep(widths, binary32, precision_policy("fp32").layers, c.seed, x, set.labels, 1.0f);
    REQUIRE(real.seen.size() == shadow.seen.size());
    REQUIRE(probes.shadow.size() == real.seen.size());  // every (layer, role) is observed once
    std::uint64_t lost = 0, nonfinite = 0;
    for (std::size_t k = 0; k < real.seen.size(); ++k) {
      const auto& [layer, role, r] = real.seen[k];
      const std::vector<float>& s = std::get<2>(shadow.seen[k]);
      REQUIRE(r.size() == s.size());
      ShadowStats want{.layer = layer, .role = role, .values = r.size()};
      for (std::size_t i = 0; i < r.size(); ++i) {
        want.shadow_nonzero += s[i] != 0;
        want.lost_to_zero += s[i] != 0 && r[i] == 0;
        want.to_nonfinite += std::isfinite(s[i]) && !std::isfinite(r[i]);
      }
      const ShadowStats& got = probes.shadow[k];
      INFO(layer << " " << role);
      CHECK(got.layer == want.layer);
      CHECK(got.role == want.role);
      CHECK(got.values == want.values);
      CHECK(got.shadow_nonzero == want.shadow_nonzero);
      CHECK(got.lost_to_zero == want.lost_to_zero);
      CHECK(got.to_nonfinite == want.to_nonfinite);
      lost += got.lost_to_zero;
      nonfinite += got.to_nonfinite;
    }
    if (scale == 0) {
      CHECK(lost > 0);
      CHECK(nonfinite == 0);
    } else {
      CHECK(nonfinite > 0);
    }
  }
}

TEST_CASE("step probes: a binary32 run loses nothing against its shadow", "[train][probe]") {
  const data::Dataset set = spirals();
  Trainer t(small("fp32"), set);
  StepProbes probes;
  probes.options.shadow = true;
  for (int i = 0; i < 3; ++i) {
    t.step(&probes);
    REQUIRE(probes.shadow.size() == probes.histograms.entries().size());
    for (const ShadowStats& s : probes.shadow) {
      INFO(s.layer << " " << s.role);
      const Log2Histogram* h = probes.histograms.find(s.layer, s.role);
      REQUIRE(h);
      CHECK(s.values == h->total());
      CHECK(s.shadow_nonzero == h->total() - h->zeros());
      CHECK(s.lost_to_zero == 0);
      CHECK(s.to_nonfinite == 0);
    }
  }
}

namespace {

// 4 x 1024 weights of 1 and SGD with learning rate 1 on gradients -2^-10 (|u| = 2^-10: below
// half bf16's ulp 2^-7 of 1, exact in binary32), -2^-6 (exact in bf16), 0 (no update) and
// -2^-30 (below half binary32's ulp 2^-23 of 1): the lost updates of one step under `policy`.
UpdateStats lost_updates_of(const std::string& policy_name, std::vector<float>* after = nullptr, bool count = true) {
  const PrecisionPolicy policy = precision_policy(policy_name);
  nn::Parameter p{"fc.weight", Tensor(*policy.parameters, {4096}), Tensor(*policy.layers.weight_gradients, {4096})};
  for (std::size_t i = 0; i < 4096; ++i) {
    p.value.values()[i] = 1.0f;
    p.grad.values()[i] = std::array{-std::ldexp(1.0f, -10), -std::ldexp(1.0f, -6), 0.0f, -std::ldexp(1.0f, -30)}[i / 1024];
  }
  Optimizer sgd({.kind = OptimizerKind::sgd, .learning_rate = 1.0}, policy, {&p});
  Context ctx;
  ctx.env = policy.layers.env;
  ctx.stochastic = {5, 1, 0};
  std::vector<UpdateStats> stats;
  sgd.step(Unscale{}, ctx, count ? &stats : nullptr);
  if (after) after->assign(p.value.values().begin(), p.value.values().end());
  if (!count) return {};
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].parameter == "fc.weight");
  CHECK(stats[0].elements == 4096);
  return stats[0];
}

}  // namespace

TEST_CASE("lost updates: bf16 weights lose |u| < ulp/2, a float32 master copy keeps them", "[train][probe]") {
  const UpdateStats bf16 = lost_updates_of("pure-bf16");
  CHECK(bf16.nonzero_updates == 3072);
  CHECK(bf16.lost_updates == 2048);  // 2^-10 and 2^-30
  const UpdateStats amp = lost_updates_of("amp-bf16");
  CHECK(amp.nonzero_updates == 3072);
  CHECK(amp.lost_updates == 1024);  // only 2^-30, below binary32's half ulp
  // Stochastic rounding moves 1 to 1 + 2^-7 with probability 2^-10 / 2^-7 = 1/8: about 896 of
  // the 1024 elements with u = 2^-10 are lost (the 2^-30 ones move with probability 2^-23).
  const UpdateStats sr = lost_updates_of("pure-bf16-sr");
  CHECK(sr.nonzero_updates == 3072);
  CHECK(sr.lost_updates > 1024 + 896 - 100);
  CHECK(sr.lost_updates < 1024 + 896 + 100);
  // Kahan: the stored weight stays 1 (the compensation buffer keeps u): counted as lost.
  CHECK(lost_updates_of("pure-bf16-kahan").lost_updates == 2048);
}

TEST_CASE("lost updates: counting does not change the update", "[train][probe]") {
  for (const char* policy : {"pure-bf16", "pure-bf16-sr", "amp-fp16", "pure-fp16-kahan"}) {
    INFO(policy);
    std::vector<float> counted, plain;
    lost_updates_of(policy, &counted, true);
    lost_updates_of(policy, &plain, false);
    CHECK(counted == plain);
  }
}
