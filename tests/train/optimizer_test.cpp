// SPDX-License-Identifier: MIT
// SGD, momentum, weight decay, Adam and AdamW under the fp32 policy against a float64 reference
// written from PyTorch's documented equations (torch.optim.SGD / Adam / AdamW), unscaling,
// bit-exact resume from state(), and the errors of bad configs and mismatched state.
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/elementwise.hpp"
#include "mpsim/train/optimizer.hpp"

using namespace mpsim;
using namespace mpsim::train;

namespace {

// One parameter of n elements in format f, values and gradients drawn from `rng`.
nn::Parameter make_parameter(const std::string& name, const Format& f, std::size_t n, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> w(n), g(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = dist(rng), g[i] = dist(rng) * 0.1f;
  Context ctx;
  return {name, tensor_from_floats(f, {static_cast<std::int64_t>(n)}, w, ctx),
          tensor_from_floats(f, {static_cast<std::int64_t>(n)}, g, ctx)};
}

// The float64 reference of one optimizer: PyTorch's equations, element by element.
struct Reference {
  OptimizerConfig c;
  std::vector<double> w, buf, m, v;
  int t = 0;

  void step(const std::vector<double>& grad) {
    ++t;
    for (std::size_t i = 0; i < w.size(); ++i) {
      double g = grad[i];
      if (c.kind == OptimizerKind::adamw) {
        w[i] -= c.learning_rate * c.weight_decay * w[i];
      } else {
        g += c.weight_decay * w[i];
      }
      if (c.kind == OptimizerKind::sgd) {
        if (c.momentum != 0) {
          buf[i] = t == 1 ? g : c.momentum * buf[i] + g;
          g = buf[i];
        }
        w[i] -= c.learning_rate * g;
      } else {
        m[i] = c.beta1 * m[i] + (1 - c.beta1) * g;
        v[i] = c.beta2 * v[i] + (1 - c.beta2) * g * g;
        const double m_hat = m[i] / (1 - std::pow(c.beta1, t));
        const double v_hat = v[i] / (1 - std::pow(c.beta2, t));
        w[i] -= c.learning_rate * m_hat / (std::sqrt(v_hat) + c.epsilon);
      }
    }
  }
};

std::vector<double> doubles(std::span<const float> x) { return {x.begin(), x.end()}; }

// Runs `steps` steps of the optimizer and the reference on the same gradients (new random
// gradients each step) and checks the parameters agree to `tolerance` (relative to max(1, |w|)).
void check_against_reference(const OptimizerConfig& config, int steps, double tolerance) {
  std::mt19937 rng(7);
  nn::Parameter p = make_parameter("w", binary32, 64, rng);
  Optimizer opt(config, precision_policy("fp32"), {&p});
  Reference ref{config, doubles(p.value.values()), std::vector<double>(64), std::vector<double>(64),
                std::vector<double>(64)};
  Context ctx;
  std::normal_distribution<float> dist(0.0f, 0.1f);
  for (int s = 0; s < steps; ++s) {
    for (float& g : p.grad.values()) g = dist(rng);
    ref.step(doubles(p.grad.values()));
    opt.step(Unscale{}, ctx);
  }
  CHECK(opt.steps() == steps);
  for (std::size_t i = 0; i < 64; ++i) {
    INFO("element " << i);
    CHECK(std::abs(p.value.value(i) - ref.w[i]) <= tolerance * std::max(1.0, std::abs(ref.w[i])));
  }
}

}  // namespace

TEST_CASE("plain SGD subtracts lr times the gradient exactly where that is exact", "[train][optimizer]") {
  Context ctx;
  nn::Parameter p{"w", tensor_from_floats(binary32, {3}, std::vector<float>{1.0f, -2.0f, 0.5f}, ctx),
                  tensor_from_floats(binary32, {3}, std::vector<float>{0.25f, 1.0f, -4.0f}, ctx)};
  Optimizer opt({.kind = OptimizerKind::sgd, .learning_rate = 0.5}, precision_policy("fp32"), {&p});
  opt.step(Unscale{}, ctx);
  CHECK(p.value.value(0) == 0.875f);  // 1 - 0.5 * 0.25
  CHECK(p.value.value(1) == -2.5f);   // -2 - 0.5 * 1
  CHECK(p.value.value(2) == 2.5f);    // 0.5 + 0.5 * 4
  CHECK(opt.state().empty());         // no momentum: no buffer
}

TEST_CASE("SGD, momentum and L2 weight decay follow the float64 reference", "[train][optimizer]") {
  check_against_reference({.kind = OptimizerKind::sgd, .learning_rate = 0.1}, 5, 1e-6);
  check_against_reference({.kind = OptimizerKind::sgd, .learning_rate = 0.1, .momentum = 0.9}, 5, 1e-6);
  check_against_reference({.kind = OptimizerKind::sgd, .learning_rate = 0.1, .momentum = 0.9, .weight_decay = 0.01}, 5,
                          1e-6);
}

TEST_CASE("Adam with and without L2 decay follows the float64 reference", "[train][optimizer]") {
  check_against_reference({.kind = OptimizerKind::adam, .learning_rate = 0.01}, 5, 1e-6);
  check_against_reference({.kind = OptimizerKind::adam, .learning_rate = 0.01, .weight_decay = 0.1}, 5, 1e-6);
  check_against_reference({.kind = OptimizerKind::adam, .learning_rate = 0.01, .beta1 = 0.5, .beta2 = 0.9}, 5, 1e-6);
}

TEST_CASE("AdamW decays the weights decoupled from the gradient", "[train][optimizer]") {
  check_against_reference({.kind = OptimizerKind::adamw, .learning_rate = 0.01, .weight_decay = 0.1}, 5, 1e-6);
  // With a zero gradient AdamW still shrinks w by lr*wd*w, and Adam's L2 term moves it too,
  // differently: Adam's step is about lr*sign(wd*w) whatever the size of wd*w.
  Context ctx;
  nn::Parameter a{"w", tensor_from_floats(binary32, {1}, std::vector<float>{2.0f}, ctx), Tensor(binary32, {1})};
  nn::Parameter b{"w", tensor_from_floats(binary32, {1}, std::vector<float>{2.0f}, ctx), Tensor(binary32, {1})};
  Optimizer adamw({.kind = OptimizerKind::adamw, .learning_rate = 0.5, .weight_decay = 0.25}, precision_policy("fp32"), {&a});
  Optimizer adam({.kind = OptimizerKind::adam, .learning_rate = 0.5, .weight_decay = 0.25}, precision_policy("fp32"), {&b});
  adamw.step(Unscale{}, ctx);
  adam.step(Unscale{}, ctx);
  // AdamW: m = v = 0, so the Adam part is 0 / (0 + eps) = 0; w = 2 - 0.5*0.25*2 = 1.75 exactly.
  CHECK(a.value.value(0) == 1.75f);
  // Adam: g = 0.25*2 = 0.5, first step moves by lr * m_hat/(sqrt(v_hat)+eps) ~ 0.5.
  CHECK(b.value.value(0) == Approx(1.5).epsilon(1e-6));
}

TEST_CASE("gradients are unscaled in float32 before the update", "[train][optimizer]") {
  std::mt19937 rng(3);
  nn::Parameter plain = make_parameter("w", binary32, 32, rng);
  nn::Parameter scaled{"w", plain.value, plain.grad};
  for (float& g : scaled.grad.values()) g *= 1024.0f;  // exact: a power of two
  const OptimizerConfig config{.kind = OptimizerKind::adam, .learning_rate = 0.01};
  Optimizer a(config, precision_policy("fp32"), {&plain});
  Optimizer b(config, precision_policy("fp32"), {&scaled});
  Context ctx;
  a.step(Unscale{}, ctx);
  b.step(Unscale{.rule = UnscaleRule::multiply_by_float32_of_float64_reciprocal, .operand = 1.0f / 1024.0f}, ctx);
  for (std::size_t i = 0; i < 32; ++i) CHECK(plain.value.value(i) == scaled.value.value(i));
  nn::Parameter divided{"w", scaled.value, scaled.grad};
  Optimizer c(config, precision_policy("fp32"), {&divided});
  Optimizer d(config, precision_policy("fp32"), {&plain});
  c.step(Unscale{.rule = UnscaleRule::divide_by_scale, .operand = 1024.0f}, ctx);
  d.step(Unscale{}, ctx);
  for (std::size_t i = 0; i < 32; ++i) CHECK(plain.value.value(i) == divided.value.value(i));
}

TEST_CASE("restoring state() resumes bit-exactly", "[train][optimizer]") {
  struct Case {
    const char* policy;
    OptimizerConfig config;
    std::vector<std::string> names;
  };
  const Case c = GENERATE(
      Case{"fp32", {.kind = OptimizerKind::sgd, .learning_rate = 0.1, .momentum = 0.9}, {"p0/momentum_buffer", "p1/momentum_buffer"}},
      Case{"pure-fp16", {.kind = OptimizerKind::adam, .learning_rate = 0.01, .epsilon = 1e-3},
           {"p0/exp_avg", "p0/exp_avg_sq", "p1/exp_avg", "p1/exp_avg_sq"}},
      Case{"pure-bf16-kahan", {.kind = OptimizerKind::adamw, .learning_rate = 0.01, .weight_decay = 0.1},
           {"p0/exp_avg", "p0/exp_avg_sq", "p0/kahan_compensation", "p1/exp_avg", "p1/exp_avg_sq", "p1/kahan_compensation"}},
      Case{"pure-fp16-sr", {.kind = OptimizerKind::sgd, .learning_rate = 0.1}, {}});
  INFO(c.policy);
  const PrecisionPolicy policy = precision_policy(c.policy);
  std::mt19937 rng(11);
  nn::Parameter p0 = make_parameter("p0", *policy.parameters, 40, rng);
  nn::Parameter p1 = make_parameter("p1", *policy.parameters, 24, rng);
  Optimizer opt(c.config, policy, {&p0, &p1});
  Context ctx;
  ctx.stochastic.seed = 5;
  for (int s = 0; s < 3; ++s) opt.step(Unscale{}, ctx);
  const std::vector<NamedTensor> saved = opt.state();
  std::vector<std::string> names;
  for (const NamedTensor& t : saved) names.push_back(t.name);
  CHECK(names == c.names);
  nn::Parameter q0 = p0, q1 = p1;
  const Context saved_ctx = ctx;
  for (int s = 0; s < 2; ++s) opt.step(Unscale{}, ctx);

  Optimizer resumed(c.config, policy, {&q0, &q1});
  resumed.restore(saved, 3);
  Context ctx2 = saved_ctx;
  for (int s = 0; s < 2; ++s) resumed.step(Unscale{}, ctx2);
  CHECK(resumed.steps() == 5);
  for (std::size_t i = 0; i < 40; ++i) CHECK(p0.value.bits(i) == q0.value.bits(i));
  for (std::size_t i = 0; i < 24; ++i) CHECK(p1.value.bits(i) == q1.value.bits(i));
  const std::vector<NamedTensor> a = opt.state(), b = resumed.state();
  for (std::size_t k = 0; k < a.size(); ++k)
    for (std::size_t i = 0; i < a[k].tensor.size(); ++i) CHECK(a[k].tensor.bits(i) == b[k].tensor.bits(i));
}

TEST_CASE("bad optimizer configs and mismatched state are rejected with a message", "[train][optimizer]") {
  using Catch::Contains;
  std::mt19937 rng(1);
  nn::Parameter p = make_parameter("w", binary32, 4, rng);
  const PrecisionPolicy fp32 = precision_policy("fp32");
  CHECK_THROWS_WITH(Optimizer({.learning_rate = -1}, fp32, {&p}), Contains("learning_rate must be finite and >= 0"));
  CHECK_THROWS_WITH(Optimizer({.learning_rate = NAN}, fp32, {&p}), Contains("learning_rate"));
  CHECK_THROWS_WITH(Optimizer({.momentum = 1.0}, fp32, {&p}), Contains("momentum must lie in [0, 1)"));
  CHECK_THROWS_WITH(Optimizer({.kind = OptimizerKind::adam, .beta1 = 1.0}, fp32, {&p}), Contains("beta1"));
  CHECK_THROWS_WITH(Optimizer({.kind = OptimizerKind::adam, .beta2 = -0.1}, fp32, {&p}), Contains("beta2"));
  CHECK_THROWS_WITH(Optimizer({.kind = OptimizerKind::adam, .epsilon = -1e-8}, fp32, {&p}), Contains("epsilon"));
  CHECK_THROWS_WITH(Optimizer({}, precision_policy("pure-fp16"), {&p}),
                    Contains("parameter w is held in binary32, the policy's parameter format is binary16"));
  CHECK_THROWS_WITH(Optimizer({}, fp32, {nullptr}), Contains("null parameter"));
  CHECK_THROWS_WITH(optimizer_kind("adagrad"), Contains("unknown optimizer 'adagrad'; accepted: sgd, adam, adamw"));
  CHECK(optimizer_kind("adamw") == OptimizerKind::adamw);
  CHECK(optimizer_name(OptimizerKind::adam) == "adam");

  Optimizer adam({.kind = OptimizerKind::adam}, fp32, {&p});
  std::vector<NamedTensor> state = adam.state();
  CHECK_THROWS_WITH(adam.restore({}, 0), Contains("0 state tensors, this optimizer keeps 2"));
  CHECK_THROWS_WITH(adam.restore(state, -1), Contains("negative step count"));
  std::vector<NamedTensor> renamed = state;
  renamed[1].name = "w/exp_avg_sqq";
  CHECK_THROWS_WITH(adam.restore(renamed, 1), Contains("is 'w/exp_avg_sqq', expected 'w/exp_avg_sq'"));
  std::vector<NamedTensor> reshaped = state;
  reshaped[0].tensor = Tensor(binary32, {2, 2});
  CHECK_THROWS_WITH(adam.restore(reshaped, 1), Contains("'w/exp_avg' has shape [2, 2] in binary32, expected [4] in binary32"));
  std::vector<NamedTensor> reformatted = state;
  reformatted[0].tensor = Tensor(binary16, {4});
  CHECK_THROWS_WITH(adam.restore(reformatted, 1), Contains("in binary16, expected [4] in binary32"));
}

TEST_CASE("the first momentum step copies the gradient into the buffer, sign of zero included", "[train][optimizer]") {
  // PyTorch: buf = clone(g) at the first step, not momentum*0 + g (which would turn -0 into +0).
  Context ctx;
  nn::Parameter p{"w", Tensor(binary32, {2}), tensor_from_floats(binary32, {2}, std::vector<float>{-0.0f, 0.5f}, ctx)};
  Optimizer opt({.kind = OptimizerKind::sgd, .learning_rate = 0.5, .momentum = 0.5}, precision_policy("fp32"), {&p});
  opt.step(Unscale{}, ctx);
  const std::vector<NamedTensor> state = opt.state();
  CHECK(state.at(0).tensor.bits(0) == 0x80000000);  // -0
  CHECK(state.at(0).tensor.value(1) == 0.5f);
  opt.step(Unscale{}, ctx);  // second step: buf = 0.5*buf + g
  CHECK(opt.state().at(0).tensor.value(1) == 0.75f);
  CHECK(p.value.value(1) == -0.25f - 0.375f);  // w = -0.5*0.5, then -0.5*0.75
}
