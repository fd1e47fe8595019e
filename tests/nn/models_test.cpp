// SPDX-License-Identifier: MIT
// The MLP and CNN: parameter gradients through softmax cross-entropy against float64 finite
// differences of an independent float64 forward; layer names; Sequential's counter scopes and
// its optional input gradient.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/models.hpp"
#include "mpsim/nn/softmax_cross_entropy.hpp"
#include "nn_reference.hpp"

using namespace mpsim;
using namespace mpsim::nn;
using namespace nn_reference;

namespace {

// Every parameter's gradient from one forward/backward of `model` under fp32, and the
// finite-difference gradient of `reference_loss` (a float64 forward over the parameters in order).
void check_parameter_gradients(Sequential& model, const Tensor& x, const std::vector<int>& labels,
                               const std::function<double(const std::vector<Vec>&)>& reference_loss) {
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  SoftmaxCrossEntropy loss;
  const float value = loss.forward(model.forward(x, pass), labels, pass);
  model.backward(loss.backward(1.0f, pass), pass);
  std::vector<Vec> params;
  for (Parameter* p : model.parameters()) params.push_back(to_doubles(p->value));
  CHECK(value == Approx(reference_loss(params)).epsilon(1e-5));
  const auto parameters = model.parameters();
  for (std::size_t t = 0; t < params.size(); ++t) {
    CAPTURE(parameters[t]->name);
    const Vec fd = finite_differences(
        [&](const Vec& v) {
          std::vector<Vec> changed = params;
          changed[t] = v;
          return reference_loss(changed);
        },
        params[t], 1e-5);
    // fp32 arithmetic against exact derivatives of O(0.1): errors ~1e-7 per step.
    CHECK(worst_error(to_doubles(parameters[t]->grad), fd, 2e-6, 2e-4) <= 1);
  }
}

}  // namespace

TEST_CASE("nn: mlp parameter gradients match float64 finite differences", "[nn][models]") {
  const std::vector<int> widths{12, 7, 6, 4};
  Sequential model = make_mlp(widths, binary32, 3);
  std::vector<std::string> names;
  for (const auto& l : model.layers()) names.push_back(l->name());
  CHECK(names == std::vector<std::string>{"flatten", "fc1", "relu1", "fc2", "relu2", "fc3"});
  const Tensor x = random_tensor(binary32, {3, 3, 4}, 1, 2.0);  // B x 3 x 4, flattened to 12
  const std::vector<int> labels{0, 3, 1};
  const Vec xv = to_doubles(x);
  check_parameter_gradients(model, x, labels, [&](const std::vector<Vec>& p) {
    Vec h = xv;
    for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
      h = linear(h, p[2 * l], p[2 * l + 1], 3, widths[l], widths[l + 1]);
      if (l + 2 < widths.size()) h = relu(h);
    }
    return cross_entropy(h, labels, widths.back());
  });
}

TEST_CASE("nn: cnn parameter gradients match float64 finite differences", "[nn][models]") {
  CnnConfig c;
  c.height = 8, c.width = 8, c.conv1_channels = 3, c.conv2_channels = 4, c.hidden = 6, c.classes = 5;
  Sequential model = make_cnn(c, binary32, 5);
  const int batch = 2;
  const Tensor x = random_tensor(binary32, {batch, 64}, 2);
  const std::vector<int> labels{4, 1};
  const Vec xv = to_doubles(x);
  check_parameter_gradients(model, x, labels, [&](const std::vector<Vec>& p) {
    Vec h = relu(conv2d(xv, p[0], p[1], batch, 1, 8, 8, 3, 3, 1));
    h = maxpool2(h, batch * 3, 8, 8);
    h = relu(conv2d(h, p[2], p[3], batch, 3, 4, 4, 4, 3, 1));
    h = maxpool2(h, batch * 4, 4, 4);
    h = relu(linear(h, p[4], p[5], batch, 16, 6));
    return cross_entropy(linear(h, p[6], p[7], batch, 6, 5), labels, 5);
  });
}

TEST_CASE("nn: sequential files each layer's events under its name and step", "[nn][models]") {
  Sequential model = make_mlp({4, 3, 2}, binary32, 1);
  LayerPrecision precision;
  precision.activations = precision.gradients = precision.forward_operands = precision.backward_operands = &binary16;
  CounterRegistry registry;
  EventCounts outside;
  Context ctx{.counters = &outside};
  Pass pass{precision, ctx, {}, nullptr, true, &registry, 12};
  const Tensor y = model.forward(random_tensor(binary32, {5, 4}, 3), pass);
  model.backward(random_tensor(binary16, {5, 2}, 4), pass);
  CHECK(ctx.counters == &outside);  // restored
  CHECK(outside.operations == 0);
  // fc1 forward: casts of x (20) and W (12), the bias into the accumulator (3), the output (15).
  CHECK(registry.at({"fc1/forward", 12}).operations == 20 + 12 + 3 + 15 + 15);
  CHECK(registry.at({"fc2/backward", 12}).operations > 0);
  CHECK(registry.scopes().count({"fc1/backward", 12}) == 1);
}

TEST_CASE("nn: sequential returns the input gradient only when asked", "[nn][models]") {
  Sequential model = make_mlp({4, 16, 2}, binary32, 1);  // 16 ReLUs: some pass a gradient
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  const Tensor x = random_tensor(binary32, {2, 4}, 3), g = random_tensor(binary32, {2, 2}, 4);
  model.forward(x, pass);
  const Tensor none = model.backward(g, pass);
  const Tensor w_grad = model.parameters()[0]->grad;
  for (float v : none.values()) CHECK(v == 0.0f);
  model.set_input_gradient(true);
  model.forward(x, pass);
  const Tensor some = model.backward(g, pass);
  CHECK(some.shape() == x.shape());
  bool nonzero = false;
  for (float v : some.values()) nonzero |= v != 0.0f;
  CHECK(nonzero);
  for (std::size_t i = 0; i < w_grad.size(); ++i) CHECK(model.parameters()[0]->grad.bits(i) == w_grad.bits(i));
  CHECK_THROWS_AS(make_mlp({4}, binary32, 1), std::invalid_argument);
  CHECK_THROWS_AS(make_cnn(CnnConfig{.height = 2, .width = 2}, binary32, 1), std::invalid_argument);
  CHECK_THROWS_AS(model.add(nullptr), std::invalid_argument);
}
