// SPDX-License-Identifier: MIT
// The loss-scaler simulation: one line per step with the scale after the update in decimal
// (shortest round-trip form of the scaler's float32 or float64) and as float32 bits.
#include "cmd_scaler.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "mpsim/train/loss_scaler.hpp"

namespace mpsim::cli {
namespace {

using train::LossScaler;
using train::LossScalerConfig;

std::string shortest(double x, bool as_float32) {
  char buffer[64];
  const auto r = as_float32 ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(x))
                            : std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, r.ptr);
}

std::string hex32(float x) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08X", std::bit_cast<std::uint32_t>(x));
  return buffer;
}

// A whole-text number, or std::invalid_argument naming the option.
double read_number(const std::string& text, const char* option) {
  double x = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), x);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || !std::isfinite(x)) {
    throw std::invalid_argument(std::string(option) + ": cannot read '" + text + "' as a finite number");
  }
  return x;
}

std::int64_t read_count(std::string_view text, const std::string& what) {
  std::int64_t n = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size()) {
    throw std::invalid_argument(what + ": cannot read '" + std::string(text) + "' as a whole number");
  }
  return n;
}

// The preset with the options' overrides applied; std::invalid_argument for anything unusable.
LossScalerConfig configured(const ScalerOptions& o) {
  LossScalerConfig c = train::loss_scaler_preset(o.preset);
  const bool dynamic = c.kind == train::ScalerKind::dynamic;
  auto dynamic_only = [&](const std::string& value, const char* option) {
    if (!value.empty() && !dynamic) {
      throw std::invalid_argument(std::string(option) + " applies to dynamic presets only, not '" + o.preset + "'");
    }
    return !value.empty();
  };
  if (!o.init.empty()) {
    if (c.kind == train::ScalerKind::none) throw std::invalid_argument("--init does not apply to preset 'none' (scale 1)");
    c.initial_scale = read_number(o.init, "--init");
  }
  if (dynamic_only(o.growth, "--growth")) c.growth_factor = read_number(o.growth, "--growth");
  if (dynamic_only(o.backoff, "--backoff")) {
    c.backoff_factor = read_number(o.backoff, "--backoff");
    c.backoff_rule = train::BackoffRule::multiply_by_backoff_factor;
  }
  if (dynamic_only(o.interval, "--interval")) c.growth_interval = read_count(o.interval, "--interval");
  if (dynamic_only(o.hysteresis, "--hysteresis")) {
    const std::int64_t h = read_count(o.hysteresis, "--hysteresis");
    if (h < 1 || h > 1000000) throw std::invalid_argument("--hysteresis must lie in [1, 1000000]");
    c.hysteresis = static_cast<std::int32_t>(h);
  }
  if (dynamic_only(o.min, "--min")) c.min_scale = read_number(o.min, "--min");
  if (dynamic_only(o.max, "--max")) c.max_scale = read_number(o.max, "--max");
  train::validate(c);
  return c;
}

const char* arithmetic_name(train::ScaleArithmetic a) {
  switch (a) {
    case train::ScaleArithmetic::float32: return "float32";
    case train::ScaleArithmetic::float32_via_float64: return "float32 (products in float64)";
    case train::ScaleArithmetic::float64: break;
  }
  return "float64";
}

const char* unscale_name(train::UnscaleRule r) {
  switch (r) {
    case train::UnscaleRule::multiply_by_float32_of_float64_reciprocal: return "g * float32(1/float64(scale))";
    case train::UnscaleRule::multiply_by_float32_reciprocal: return "g * (1/scale in float32)";
    case train::UnscaleRule::divide_by_scale: break;
  }
  return "g / scale";
}

// One comment line with every parameter in force.
std::string summary(const std::string& preset, const LossScalerConfig& c) {
  const bool f32 = c.arithmetic != train::ScaleArithmetic::float64;
  std::string s = "# scaler " + preset + ": ";
  if (c.kind == train::ScalerKind::none) return s + "no scaling (scale 1), overflow steps are not skipped";
  if (c.kind == train::ScalerKind::static_scale) {
    return s + "static scale " + shortest(c.initial_scale, f32) + ", overflow steps skipped";
  }
  s += std::string(arithmetic_name(c.arithmetic)) + " scale from " + shortest(c.initial_scale, f32);
  s += "; x" + shortest(c.growth_factor, false) + " on consecutive finite step " +
       std::to_string(c.grow_after_interval ? c.growth_interval + 1 : c.growth_interval);
  s += c.non_finite_growth == train::NonFiniteGrowth::keep_scale ? " (only if finite)" : "";
  s += c.backoff_rule == train::BackoffRule::divide_by_growth_factor ? "; /" + shortest(c.growth_factor, false)
                                                                      : "; x" + shortest(c.backoff_factor, false);
  s += " on overflow";
  if (c.hysteresis > 1) {
    s += "; hysteresis " + std::to_string(c.hysteresis) + " (refilled ";
    s += c.hysteresis_refill == train::HysteresisRefill::at_growth              ? "at growth)"
         : c.hysteresis_refill == train::HysteresisRefill::on_every_finite_step ? "on every finite step)"
                                                                                : "never)";
  }
  s += "; min " + (c.min_scale ? shortest(*c.min_scale, f32) : std::string("none"));
  if (c.min_scale && c.at_minimum == train::AtMinimum::raise_error) s += " (error at the minimum)";
  s += "; max " + (c.max_scale ? shortest(*c.max_scale, f32) : std::string("none"));
  s += "; unscale " + std::string(unscale_name(c.unscale));
  return s;
}

}  // namespace

std::set<std::int64_t> parse_step_list(std::string_view text, std::int64_t steps) {
  std::set<std::int64_t> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    if (item.empty()) throw std::invalid_argument("--overflow-at: empty item in '" + std::string(text) + "'");
    const std::size_t dash = item.find('-');
    const std::string what = "--overflow-at item '" + std::string(item) + "'";
    const std::int64_t first = read_count(item.substr(0, dash), what);
    const std::int64_t last = dash == std::string_view::npos ? first : read_count(item.substr(dash + 1), what);
    if (first < 1) throw std::invalid_argument(what + ": steps are numbered from 1");
    if (last < first) throw std::invalid_argument(what + ": the range ends before it starts");
    if (last > steps) {
      throw std::invalid_argument(what + ": step " + std::to_string(last) + " is beyond --steps " + std::to_string(steps));
    }
    for (std::int64_t s = first; s <= last; ++s) out.insert(s);
    start = comma + 1;
  }
  return out;
}

CLI::App* add_scaler_command(CLI::App& app, ScalerOptions& o) {
  CLI::App* cmd = app.add_subcommand("scaler", "Show what a loss scaler does, step by step, for scripted overflows");
  std::string presets;
  for (const std::string& name : train::loss_scaler_preset_names()) presets += (presets.empty() ? "" : ", ") + name;
  cmd->add_option("--preset", o.preset, "Loss scaler: " + presets)->type_name("P")->required();
  cmd->add_option("--init", o.init, "Initial (or static) scale")->type_name("S");
  cmd->add_option("--growth", o.growth, "Growth factor (> 1)")->type_name("G");
  cmd->add_option("--backoff", o.backoff, "Backoff factor in (0, 1): the scale is multiplied by it on overflow")
      ->type_name("B");
  cmd->add_option("--interval", o.interval, "Finite steps between growths")->type_name("N");
  cmd->add_option("--hysteresis", o.hysteresis, "Overflows until a backoff (DeepSpeed, Megatron)")->type_name("H");
  cmd->add_option("--min", o.min, "Minimum scale")->type_name("M");
  cmd->add_option("--max", o.max, "Maximum scale")->type_name("M");
  cmd->add_option("--steps", o.steps, "Number of steps to simulate (1 to 10000000)")
      ->type_name("N")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  cmd->add_option("--overflow-at", o.overflow_at,
                  "Steps whose gradients overflow: comma-separated steps and ranges, e.g. 3,10-12")
      ->type_name("LIST");
  cmd->footer(
      "Prints one line per step: step, overflow (yes/no), skipped (yes/no), the scale after the update (shortest\n"
      "decimal of the scaler's float32 or float64) and that scale's float32 bits. docs/loss_scaling.md describes\n"
      "each preset. Exit status 1 where DeepSpeed's scaler raises at its minimum scale.");
  return cmd;
}

int run_scaler_command(const ScalerOptions& o, std::ostream& out, std::ostream& err) {
  LossScalerConfig config;
  std::set<std::int64_t> overflows;
  try {
    config = configured(o);
    overflows = parse_step_list(o.overflow_at, o.steps);
  } catch (const std::invalid_argument& e) {
    err << "mpsim scaler: " << e.what() << '\n';
    return 2;
  }
  const bool f32 = config.kind == train::ScalerKind::none || config.arithmetic != train::ScaleArithmetic::float64;
  LossScaler scaler(config);
  out << summary(o.preset, config) << '\n';
  out << "step overflow skipped scale bits32\n";
  for (std::int64_t step = 1; step <= o.steps; ++step) {
    const bool overflow = overflows.contains(step);
    train::StepDecision d;
    try {
      d = scaler.update(overflow);
    } catch (const train::LossScaleAtMinimum& e) {
      out.flush();
      err << "mpsim scaler: step " << step << ": " << e.what() << '\n';
      return 1;
    }
    out << step << ' ' << (overflow ? "yes" : "no") << ' ' << (d.skipped ? "yes" : "no") << ' '
        << shortest(d.scale_after, f32) << ' ' << hex32(static_cast<float>(d.scale_after)) << '\n';
  }
  return 0;
}

}  // namespace mpsim::cli
