// SPDX-License-Identifier: MIT
// The host half of the training-step validation (train_step.hpp): the synthetic batch, the
// emulated step through nn::Sequential under the amp-fp16 policy, and the tensor comparison.
#include <bit>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpsim/cuda/mismatch.hpp"
#include "mpsim/cuda/train_step.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/models.hpp"
#include "mpsim/nn/softmax_cross_entropy.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/train/precision_policy.hpp"

namespace mpsim::cuda {
namespace {

constexpr int max_size = 4096;

void check_setup(const TrainStepSetup& s) {
  if (s.widths.size() < 2) throw std::invalid_argument("train step: the MLP needs at least two widths");
  for (int w : s.widths)
    if (w < 1 || w > max_size) throw std::invalid_argument("train step: widths must lie in 1..4096");
  if (s.batch < 1 || s.batch > max_size) throw std::invalid_argument("train step: the batch must lie in 1..4096");
  if (s.products != "fp32-sequential" && s.products != "sm90")
    throw std::invalid_argument("train step: products must be fp32-sequential or sm90, not '" + s.products + "'");
}

// SplitMix64 of (seed, index): the batch is a pure function of the seed.
std::uint64_t mix(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + index * 0xD1B54A32D192ED03ull + 0x6D7073696D737470ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string layer_name(const char* kind, std::size_t l) { return kind + std::to_string(l); }

StepTensor from_tensor(std::string name, const Tensor& t) {
  StepTensor s{std::move(name), {t.shape().begin(), t.shape().end()}, {t.values().begin(), t.values().end()},
               t.format() == binary16};
  return s;
}

// Keeps every tensor the step names (train_step_tensor_names), under that name.
class StepRecorder : public nn::TensorProbe {
 public:
  explicit StepRecorder(std::string logits_layer) : logits_layer_(std::move(logits_layer)) {}
  void observe(std::string_view layer, std::string_view role, const Tensor& t) override {
    if (layer == "flatten") return;  // the input itself
    // A layer's grad_output is the next layer's grad_input; only the logits' gradient is new.
    if (role == nn::probe_role::grad_output && layer != logits_layer_) return;
    tensors.push_back(from_tensor(std::string(layer) + "." + std::string(role), t));
  }
  std::vector<StepTensor> tensors;

 private:
  std::string logits_layer_;
};

}  // namespace

std::uint16_t half_bits(float v) {
  return static_cast<std::uint16_t>(convert(binary16, binary32, std::bit_cast<std::uint32_t>(v)).bits);
}

bool is_half_value(float v) {
  if (v != v) return true;  // every NaN has a binary16 counterpart; NaN bits are compared in binary32
  const std::uint64_t back = convert(binary32, binary16, half_bits(v)).bits;
  return back == std::bit_cast<std::uint32_t>(v);
}

std::uint64_t ulp_distance(std::uint32_t a, std::uint32_t b, bool half) {
  const Format& f = half ? binary16 : binary32;
  const std::uint32_t sign = half ? 0x8000u : 0x80000000u;
  const std::uint32_t magnitude = sign - 1;
  const Kind ka = unpack(f, a).kind, kb = unpack(f, b).kind;
  if (is_nan(ka) || is_nan(kb)) return is_nan(ka) && is_nan(kb) ? 0 : std::numeric_limits<std::uint64_t>::max();
  // Ordered line: -x at -(bits of |x|), +x at +(bits of |x|); both zeros at 0.
  auto ordered = [&](std::uint32_t v) {
    const std::int64_t m = v & magnitude;
    return (v & sign) ? -m : m;
  };
  const std::int64_t d = ordered(a) - ordered(b);
  return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

std::vector<std::string> train_step_tensor_names(const TrainStepSetup& setup) {
  const std::size_t layers = setup.widths.size() - 1;
  std::vector<std::string> names;
  for (std::size_t l = 1; l <= layers; ++l) {
    names.push_back(layer_name("fc", l) + ".activation");
    if (l < layers) names.push_back(layer_name("relu", l) + ".activation");
  }
  names.push_back("loss");
  names.push_back(layer_name("fc", layers) + ".grad_output");
  for (std::size_t l = layers; l >= 1; --l) {
    if (l > 1) names.push_back(layer_name("fc", l) + ".grad_input");
    names.push_back(layer_name("fc", l) + ".weight_gradient");
    names.push_back(layer_name("fc", l) + ".bias_gradient");
    if (l > 1) names.push_back(layer_name("relu", l - 1) + ".grad_input");
  }
  return names;
}

bool uses_transcendentals(const std::string& name) {
  return name == "loss" || (name.starts_with("fc") && name.ends_with(".grad_output"));
}

TrainStepInputs make_train_step_inputs(const TrainStepSetup& setup) {
  check_setup(setup);
  TrainStepInputs in;
  const int features = setup.widths.front(), classes = setup.widths.back();
  in.x.resize(static_cast<std::size_t>(setup.batch) * features);
  for (std::size_t i = 0; i < in.x.size(); ++i) {
    const std::uint64_t h = mix(setup.seed, i);
    const int pixel = (h & 1) ? 0 : static_cast<int>((h >> 8) & 0xFF);  // half the pixels 0, like the images' borders
    in.x[i] = static_cast<float>(pixel) / 255.0f;                        // as the IDX loader scales pixels
  }
  for (int r = 0; r < setup.batch; ++r)
    in.labels.push_back(static_cast<int>(mix(setup.seed ^ 0x6C6162656C73ull, static_cast<std::uint64_t>(r)) % classes));
  const train::PrecisionPolicy policy = train::precision_policy("amp-fp16");
  nn::Sequential model = nn::make_mlp(setup.widths, *policy.parameters, setup.seed);
  for (const nn::Parameter* p : model.parameters()) in.parameters.push_back(from_tensor(p->name, p->value));
  return in;
}

std::vector<StepTensor> emulate_train_step(const TrainStepSetup& setup, const TrainStepInputs& inputs) {
  check_setup(setup);
  train::PrecisionPolicy policy = train::precision_policy("amp-fp16");
  policy.layers.products = accumulation_preset(setup.products);
  nn::Sequential model = nn::make_mlp(setup.widths, *policy.parameters, setup.seed);
  const std::vector<nn::Parameter*> params = model.parameters();
  if (params.size() != inputs.parameters.size()) throw std::invalid_argument("train step: parameter count differs");
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (params[i]->value.size() != inputs.parameters[i].values.size())
      throw std::invalid_argument("train step: parameter " + params[i]->name + " has another size");
    std::copy(inputs.parameters[i].values.begin(), inputs.parameters[i].values.end(), params[i]->value.values().begin());
  }
  Tensor x(binary32, {setup.batch, setup.widths.front()});
  if (inputs.x.size() != x.size() || inputs.labels.size() != static_cast<std::size_t>(setup.batch))
    throw std::invalid_argument("train step: the batch does not match the setup");
  std::copy(inputs.x.begin(), inputs.x.end(), x.values().begin());

  // As Trainer::step does: forward, loss, backward from the scaled loss.
  Context ctx;
  ctx.env = policy.layers.env;
  StepRecorder recorder(layer_name("fc", setup.widths.size() - 1));
  nn::Pass pass{policy.layers, ctx, MatmulOptions{.threads = 1}};
  pass.probe = &recorder;
  const Tensor logits = model.forward(x, pass);
  nn::SoftmaxCrossEntropy loss;
  const float l = loss.forward(logits, inputs.labels, pass);
  const std::size_t forward_count = recorder.tensors.size();
  model.backward(loss.backward(setup.loss_scale, pass), pass);

  std::vector<StepTensor> out(recorder.tensors.begin(), recorder.tensors.begin() + static_cast<std::ptrdiff_t>(forward_count));
  out.push_back(StepTensor{"loss", {1}, {l}, false});
  out.insert(out.end(), recorder.tensors.begin() + static_cast<std::ptrdiff_t>(forward_count), recorder.tensors.end());
  const std::vector<std::string> names = train_step_tensor_names(setup);
  if (out.size() != names.size()) throw std::logic_error("train step: the probe saw another set of tensors");
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].name != names[i]) throw std::logic_error("train step: tensor " + out[i].name + " where " + names[i] + " was expected");
  return out;
}

std::vector<TensorComparison> compare_step(const std::vector<StepTensor>& emulated, const std::vector<StepTensor>& device) {
  if (emulated.size() != device.size()) throw std::invalid_argument("compare_step: the two steps have different tensors");
  std::vector<TensorComparison> out;
  for (std::size_t t = 0; t < emulated.size(); ++t) {
    const StepTensor& e = emulated[t];
    const StepTensor& d = device[t];
    if (e.name != d.name || e.values.size() != d.values.size() || e.half != d.half)
      throw std::invalid_argument("compare_step: tensor " + e.name + " differs in name, size or format from " + d.name);
    TensorComparison c{.name = e.name, .cases = e.values.size(), .transcendental = uses_transcendentals(e.name)};
    for (std::size_t i = 0; i < e.values.size(); ++i) {
      // Classified on the binary32 bits, which also catch a value that is not of binary16 at all;
      // distances and bits in the tensor's format where both values belong to it.
      const std::uint32_t e32 = std::bit_cast<std::uint32_t>(e.values[i]), d32 = std::bit_cast<std::uint32_t>(d.values[i]);
      const MismatchClass kind = classify_mismatch(binary32, e32, d32);
      if (kind == MismatchClass::none) continue;
      ++c.mismatches[static_cast<int>(kind) - 1];
      const bool in_half = e.half && is_half_value(e.values[i]) && is_half_value(d.values[i]);
      const std::uint32_t eb = in_half ? half_bits(e.values[i]) : e32, db = in_half ? half_bits(d.values[i]) : d32;
      c.max_ulps = std::max(c.max_ulps, ulp_distance(eb, db, in_half));
      if (c.first_index < 0) c.first_index = static_cast<std::int64_t>(i), c.first_expected = eb, c.first_actual = db;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace mpsim::cuda
