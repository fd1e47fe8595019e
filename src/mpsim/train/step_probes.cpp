// SPDX-License-Identifier: MIT
// Step probes (step_probes.hpp): the shadow comparison, the probe fan-out, the binary32 shadow
// model and the CSV rows of shadow.csv and updates.csv.
#include "mpsim/train/step_probes.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "mpsim/instrument/csv_field.hpp"

namespace mpsim::train {
namespace {

constexpr std::uint8_t nonzero_bit = 1, finite_bit = 2;

std::string counts(std::initializer_list<std::uint64_t> values) {
  std::string out;
  for (const std::uint64_t v : values) {
    out += ',';
    out += std::to_string(v);
  }
  return out;
}

}  // namespace

void StepProbes::clear() {
  histograms.clear();
  shadow.clear();
  updates.clear();
}

std::string_view shadow_csv_header() { return "step,layer,role,values,shadow_nonzero,lost_to_zero,to_nonfinite"; }

void append_shadow_csv_rows(std::string& out, std::int64_t step, const std::vector<ShadowStats>& stats) {
  for (const ShadowStats& s : stats) {
    out += std::to_string(step) + "," + csv_field(s.layer) + "," + csv_field(s.role) +
           counts({s.values, s.shadow_nonzero, s.lost_to_zero, s.to_nonfinite}) + "\n";
  }
}

std::string_view updates_csv_header() { return "step,parameter,elements,nonzero_updates,lost_updates"; }

void append_updates_csv_rows(std::string& out, std::int64_t step, const std::vector<UpdateStats>& stats) {
  for (const UpdateStats& u : stats) {
    out += std::to_string(step) + "," + csv_field(u.parameter) + counts({u.elements, u.nonzero_updates, u.lost_updates}) +
           "\n";
  }
}

namespace detail {

void ShadowComparison::record() {
  recording_ = true;
  recorded_.clear();
  stats_.clear();
}

void ShadowComparison::compare() { recording_ = false; }

void ShadowComparison::observe(std::string_view layer, std::string_view role, const Tensor& t) {
  const std::span<const float> v = t.values();
  if (recording_) {
    std::vector<std::uint8_t>& flags = recorded_[{std::string(layer), std::string(role)}].flags;
    const std::size_t first = flags.size();
    flags.resize(first + v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      flags[first + i] = static_cast<std::uint8_t>((v[i] != 0.0f ? nonzero_bit : 0) | (std::isfinite(v[i]) ? finite_bit : 0));
    }
    return;
  }
  const auto it = recorded_.find({std::string(layer), std::string(role)});
  if (it == recorded_.end()) return;  // a tensor the shadow did not show: nothing to compare
  Recorded& r = it->second;
  if (r.compared + v.size() > r.flags.size()) {
    throw std::logic_error("shadow step: " + std::string(layer) + " " + std::string(role) +
                           ": the real step shows more values than the shadow computed");
  }
  if (r.stats == SIZE_MAX) {
    r.stats = stats_.size();
    stats_.push_back({.layer = std::string(layer), .role = std::string(role)});
  }
  ShadowStats& s = stats_[r.stats];
  const std::uint8_t* shadow = r.flags.data() + r.compared;
  std::uint64_t nonzero = 0, lost = 0, nonfinite = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const bool shadow_nonzero = shadow[i] & nonzero_bit, shadow_finite = shadow[i] & finite_bit;
    nonzero += shadow_nonzero;
    lost += shadow_nonzero && v[i] == 0.0f;
    nonfinite += shadow_finite && !std::isfinite(v[i]);
  }
  s.values += v.size();
  s.shadow_nonzero += nonzero;
  s.lost_to_zero += lost;
  s.to_nonfinite += nonfinite;
  r.compared += v.size();
}

std::vector<ShadowStats> ShadowComparison::take_stats() {
  std::vector<ShadowStats> out = std::move(stats_);
  stats_.clear();
  recorded_.clear();
  return out;
}

void ProbeFanOut::observe(std::string_view layer, std::string_view role, const Tensor& t) {
  if (a_) a_->observe(layer, role, t);
  if (b_) b_->observe(layer, role, t);
}

ShadowModel::ShadowModel(nn::Sequential model) : fp32_(precision_policy("fp32")), model_(std::move(model)) {}

void ShadowModel::run(const std::vector<nn::Parameter*>& real_parameters, const Tensor& x, std::span<const int> labels,
                      int threads, nn::TensorProbe& probe) {
  const std::vector<nn::Parameter*> twin = model_.parameters();
  if (twin.size() != real_parameters.size()) throw std::logic_error("shadow step: the twin model has other parameters");
  for (std::size_t i = 0; i < twin.size(); ++i) {
    const std::span<const float> from = real_parameters[i]->value.values();
    const std::span<float> to = twin[i]->value.values();
    if (from.size() != to.size()) throw std::logic_error("shadow step: parameter " + twin[i]->name + " differs in size");
    std::copy(from.begin(), from.end(), to.begin());
  }
  model_.zero_grad(binary32);
  Context ctx;  // no counters; round to nearest: no stochastic draws
  ctx.env = fp32_.layers.env;
  nn::Pass pass{fp32_.layers, ctx, MatmulOptions{.threads = threads, .count = false}, nullptr};
  pass.probe = &probe;
  const Tensor logits = model_.forward(x, pass);
  loss_.forward(logits, labels, pass);
  model_.backward(loss_.backward(1.0f, pass), pass);
}

}  // namespace detail
}  // namespace mpsim::train
