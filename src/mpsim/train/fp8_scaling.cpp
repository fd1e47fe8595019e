// SPDX-License-Identifier: MIT
// Transformer Engine's delayed scaling (FACTS.md 7): scale from the amax history before this
// step, scaled cast with saturation, then this tensor's amax joins the history.
#include "mpsim/train/fp8_scaling.hpp"

#include <cmath>
#include <stdexcept>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/elementwise.hpp"

namespace mpsim::train {
namespace {

// max |x| over the tensor; NaN when any element is NaN (a NaN or inf amax keeps the scale).
float amax_of(std::span<const float> x) {
  float amax = 0.0f;
  for (float v : x) {
    if (std::isnan(v)) return v;
    amax = std::max(amax, std::fabs(v));
  }
  return amax;
}

// max over the history, NaN if any entry is NaN.
float history_max(const std::vector<float>& history) { return amax_of(history); }

}  // namespace

DelayedScalingCaster::DelayedScalingCaster(const DelayedScaling& config) : config_(config) {
  if (config_.history < 1) throw std::invalid_argument("delayed scaling: history must be at least 1");
  if (config_.margin < -64 || config_.margin > 64) throw std::invalid_argument("delayed scaling: margin must lie in -64..64");
}

nn::Operand DelayedScalingCaster::to_operand(std::string_view key, const Tensor& x, const Format& to, Context& ctx) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    Entry fresh;
    fresh.amax_history.assign(static_cast<std::size_t>(config_.history), 0.0f);
    it = entries_.emplace(std::string(key), std::move(fresh)).first;
  }
  Entry& e = it->second;

  // x * scale in binary32 (native: x and scale are floats, one binary32 rounding each).
  Tensor scaled(binary32, x.shape());
  const std::span<const float> in = x.values();
  const std::span<float> out = scaled.values();
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = in[i] * e.scale;

  // The cast saturates on overflow (FP8 recipes, FACTS.md 7), counted like any cast.
  Context saturating = ctx;
  saturating.env.overflow = Overflow::saturate;
  nn::Operand operand{cast(scaled, to, saturating), 1.0f / e.scale};
  ctx.flags = saturating.flags;
  ctx.stochastic = saturating.stochastic;

  // This tensor's amax joins the history; the next step's scale comes from it.
  e.amax_history[e.next] = amax_of(in);
  e.next = (e.next + 1) % e.amax_history.size();
  const float amax = config_.most_recent ? e.amax_history[(e.next + e.amax_history.size() - 1) % e.amax_history.size()]
                                         : history_max(e.amax_history);
  const float fmax = to_float(to, to.max_finite_bits());
  if (std::isfinite(amax) && amax > 0.0f) {
    // TE: (fp8_max / amax) / 2^margin in float32; a scale that overflows is not taken either.
    const float scale = std::ldexp(fmax / amax, -config_.margin);
    if (std::isfinite(scale) && scale > 0.0f) e.scale = scale;
  }
  return operand;
}

std::vector<NamedTensor> DelayedScalingCaster::state() const {
  std::vector<NamedTensor> out;
  for (const auto& [key, e] : entries_) {
    Tensor scale(binary32, {1});
    scale.values()[0] = e.scale;
    // Oldest first, so a restored ring starts writing over the oldest entry at index 0.
    const std::size_t n = e.amax_history.size();
    Tensor history(binary32, {static_cast<std::int64_t>(n)});
    for (std::size_t i = 0; i < n; ++i) history.values()[i] = e.amax_history[(e.next + i) % n];
    out.push_back({key + "/scale", std::move(scale)});
    out.push_back({key + "/amax_history", std::move(history)});
  }
  return out;
}

void DelayedScalingCaster::restore(const std::vector<NamedTensor>& state) {
  if (state.size() % 2 != 0) throw std::invalid_argument("delayed scaling restore: expected pairs of scale and amax_history");
  std::map<std::string, Entry, std::less<>> entries;
  const auto history = static_cast<std::int64_t>(config_.history);
  for (std::size_t i = 0; i < state.size(); i += 2) {
    const NamedTensor& s = state[i];
    const NamedTensor& h = state[i + 1];
    const std::string suffix = "/scale";
    if (s.name.size() <= suffix.size() || s.name.compare(s.name.size() - suffix.size(), suffix.size(), suffix) != 0)
      throw std::invalid_argument("delayed scaling restore: '" + s.name + "' is not a '<key>/scale' tensor");
    const std::string key = s.name.substr(0, s.name.size() - suffix.size());
    if (h.name != key + "/amax_history")
      throw std::invalid_argument("delayed scaling restore: expected '" + key + "/amax_history' after '" + s.name +
                                  "', got '" + h.name + "'");
    if (!(s.tensor.format() == binary32) || s.tensor.shape() != Shape{1} || !(h.tensor.format() == binary32) ||
        h.tensor.shape() != Shape{history})
      throw std::invalid_argument("delayed scaling restore: '" + key + "' needs a binary32 [1] scale and a binary32 [" +
                                  std::to_string(history) + "] history");
    Entry e;
    e.scale = s.tensor.value(0);
    e.amax_history.assign(h.tensor.values().begin(), h.tensor.values().end());
    e.next = 0;
    entries.emplace(key, std::move(e));
  }
  entries_ = std::move(entries);
}

}  // namespace mpsim::train
