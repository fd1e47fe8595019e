// SPDX-License-Identifier: MIT
// HistogramProbe on a small MLP under an fp16 precision: which (layer, role) it sees, that each
// histogram is the one recorded directly from copies of the observed tensors, that the observed
// tensors are the model's (outputs, gradients, parameter gradients), and that a run with the
// probe is bit-identical to one without. CSV layout of the probe.
#include <catch2/catch.hpp>

#include <bit>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/models.hpp"
#include "mpsim/nn/softmax_cross_entropy.hpp"
#include "mpsim/train/histogram_probe.hpp"
#include "nn/nn_reference.hpp"

using namespace mpsim;
using namespace mpsim::nn;
using mpsim::train::HistogramProbe;

namespace {

// Keeps a copy of every observed tensor and passes it on to a HistogramProbe.
class CopyingProbe final : public TensorProbe {
 public:
  struct Seen {
    std::string layer, role;
    Tensor tensor;
  };
  explicit CopyingProbe(HistogramProbe& next) : next_(next) {}
  void observe(std::string_view layer, std::string_view role, const Tensor& t) override {
    seen.push_back({std::string(layer), std::string(role), t});
    next_.observe(layer, role, t);
  }
  const Tensor& only(std::string_view layer, std::string_view role) const {
    const Tensor* found = nullptr;
    for (const Seen& s : seen)
      if (s.layer == layer && s.role == role) {
        REQUIRE(found == nullptr);
        found = &s.tensor;
      }
    REQUIRE(found != nullptr);
    return *found;
  }
  std::vector<Seen> seen;

 private:
  HistogramProbe& next_;
};

bool same_bits(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape() || !(a.format() == b.format())) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint32_t>(a.value(i)) != std::bit_cast<std::uint32_t>(b.value(i))) return false;
  return true;
}

LayerPrecision fp16_precision(bool stochastic) {
  LayerPrecision p;
  if (stochastic) p.env.rounding = Rounding::stochastic;
  p.activations = p.gradients = p.weight_gradients = &binary16;
  p.forward_operands = p.backward_operands = &binary16;
  return p;
}

struct StepResult {
  Tensor logits;
  Tensor input_gradient;
  Tensor loss_gradient;
  std::vector<Tensor> parameter_gradients;
  CounterRegistry registry;
  std::uint64_t draws = 0;  // stochastic-rounding draws taken
};

// One forward/backward of the 12-7-6-4 MLP (seed 3) on small inputs (so fp16 underflows), with
// `probe` (may be null) and counters on; casts round to nearest or stochastically.
StepResult run_step(TensorProbe* probe, bool input_gradient, bool stochastic = false) {
  Sequential model = make_mlp({12, 7, 6, 4}, binary32, 3);
  model.set_input_gradient(input_gradient);
  const LayerPrecision precision = fp16_precision(stochastic);
  Context ctx;
  StepResult r{Tensor(binary32, {1}), Tensor(binary32, {1}), Tensor(binary32, {1}), {}, {}};
  Pass pass{precision, ctx};
  pass.registry = &r.registry;
  pass.step = 0;
  pass.probe = probe;
  const Tensor x = nn_reference::random_tensor(binary32, {5, 12}, 7, 1e-3);
  const std::vector<int> labels{0, 3, 1, 2, 3};
  SoftmaxCrossEntropy loss;
  r.logits = model.forward(x, pass);
  (void)loss.forward(r.logits, labels, pass);
  r.loss_gradient = loss.backward(1.0f, pass);
  r.input_gradient = model.backward(r.loss_gradient, pass);
  for (Parameter* p : model.parameters()) r.parameter_gradients.push_back(p->grad);
  r.draws = ctx.stochastic.next_index;
  return r;
}

}  // namespace

TEST_CASE("histogram probe: sees every layer's activation, gradients and parameter gradients", "[train][probe]") {
  for (bool input_gradient : {false, true}) {
    CAPTURE(input_gradient);
    HistogramProbe histograms;
    CopyingProbe copies(histograms);
    const StepResult r = run_step(&copies, input_gradient);

    std::set<std::pair<std::string, std::string>> keys, expected;
    for (const auto& s : copies.seen) keys.insert({s.layer, s.role});
    for (const char* l : {"flatten", "fc1", "relu1", "fc2", "relu2", "fc3"}) expected.insert({l, "activation"});
    for (const char* l : {"fc1", "relu1", "fc2", "relu2", "fc3"}) expected.insert({l, "grad_output"});
    for (const char* l : {"relu1", "fc2", "relu2", "fc3"}) expected.insert({l, "grad_input"});
    for (const char* l : {"fc1", "fc2", "fc3"}) {
      expected.insert({l, "weight_gradient"});
      expected.insert({l, "bias_gradient"});
    }
    if (input_gradient) {  // the sweep reaches flatten, and fc1 computes its input gradient
      expected.insert({"fc1", "grad_input"});
      expected.insert({"flatten", "grad_output"});
      expected.insert({"flatten", "grad_input"});
    }
    CHECK(keys == expected);
    CHECK(copies.seen.size() == expected.size());  // each once per step
    CHECK(histograms.entries().size() == expected.size());

    // The observed tensors are the model's.
    CHECK(same_bits(copies.only("fc3", "activation"), r.logits));
    CHECK(same_bits(copies.only("fc3", "grad_output"), r.loss_gradient));
    CHECK(same_bits(copies.only("fc3", "grad_input"), copies.only("relu2", "grad_output")));
    CHECK(same_bits(copies.only("relu1", "grad_input"), copies.only("fc1", "grad_output")));
    CHECK(same_bits(copies.only("fc1", "weight_gradient"), r.parameter_gradients[0]));
    CHECK(same_bits(copies.only("fc1", "bias_gradient"), r.parameter_gradients[1]));
    CHECK(same_bits(copies.only("fc3", "weight_gradient"), r.parameter_gradients[4]));
    CHECK(copies.only("relu1", "activation").format() == binary16);
    if (input_gradient) CHECK(same_bits(copies.only("flatten", "grad_input"), r.input_gradient));

    // Each histogram is the direct recording of the observed tensor; totals are element counts.
    for (const auto& s : copies.seen) {
      CAPTURE(s.layer, s.role);
      const Log2Histogram* h = histograms.find(s.layer, s.role);
      REQUIRE(h != nullptr);
      Log2Histogram direct;
      direct.record(s.tensor.values());
      CHECK(*h == direct);
      CHECK(h->total() == s.tensor.size());
    }
    CHECK(histograms.find("fc1", "nothing") == nullptr);
    // fp16 on inputs of 1e-3: some weight gradients are zero or subnormal in fp16.
    const Log2Histogram* gw = histograms.find("fc1", "weight_gradient");
    std::uint64_t below_fp16_normal = gw->zeros();
    for (int k = Log2Histogram::min_exponent; k < -14; ++k) below_fp16_normal += gw->exponent_count(k);
    CHECK(below_fp16_normal > 0);
  }
}

TEST_CASE("histogram probe: a run with the probe is bit-identical to one without", "[train][probe]") {
  for (const auto& [input_gradient, stochastic] : {std::pair{false, false}, {false, true}, {true, false}, {true, true}}) {
    CAPTURE(input_gradient, stochastic);
    HistogramProbe histograms;
    const StepResult with = run_step(&histograms, input_gradient, stochastic);
    const StepResult without = run_step(nullptr, input_gradient, stochastic);
    CHECK(with.draws == without.draws);
    CHECK((with.draws > 0) == stochastic);
    CHECK(same_bits(with.logits, without.logits));
    CHECK(same_bits(with.loss_gradient, without.loss_gradient));
    CHECK(same_bits(with.input_gradient, without.input_gradient));
    REQUIRE(with.parameter_gradients.size() == without.parameter_gradients.size());
    for (std::size_t i = 0; i < with.parameter_gradients.size(); ++i)
      CHECK(same_bits(with.parameter_gradients[i], without.parameter_gradients[i]));
    CHECK(with.registry.scopes() == without.registry.scopes());  // counting sees the same roundings
    CHECK(!histograms.entries().empty());
  }
}

TEST_CASE("histogram probe: CSV has 280 rows per (layer, role), in first-observed order", "[train][probe]") {
  HistogramProbe probe;
  const Tensor a = nn_reference::random_tensor(binary32, {3, 4}, 1);
  const Tensor b = nn_reference::random_tensor(binary16, {2}, 2);
  probe.observe("fc1", "activation", a);
  probe.observe("odd,name", "grad_output", b);
  probe.observe("fc1", "activation", b);  // adds to the first entry
  REQUIRE(probe.entries().size() == 2);
  CHECK(probe.find("fc1", "activation")->total() == 14);
  const std::string csv = probe.to_csv();
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "layer,role,bin,exponent,lower_edge,count,positive,negative");
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  REQUIRE(rows.size() == 2 * 280);
  CHECK(rows[0] == "fc1,activation,zero,,0,0,0,0");
  CHECK(rows[280] == "\"odd,name\",grad_output,zero,,0,0,0,0");
  std::string with_step = HistogramProbe::csv_header(true) + "\n";
  probe.append_csv_rows(with_step, 12);
  CHECK(with_step.rfind("step,layer,role,bin,", 0) == 0);
  CHECK(with_step.find("\n12,fc1,activation,zero,,0,") != std::string::npos);
  HistogramProbe quoted;
  quoted.observe("a\"b", "activation", a);
  CHECK(quoted.to_csv().find("\n\"a\"\"b\",activation,zero,") != std::string::npos);  // "a""b"
  probe.clear();
  CHECK(probe.entries().empty());
  CHECK(probe.find("fc1", "activation") == nullptr);
}
