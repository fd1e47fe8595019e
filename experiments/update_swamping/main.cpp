// SPDX-License-Identifier: MIT
// update_swamping: when is a weight update u too small to change a weight w (w + u == w), and
// what recovers it? Round to nearest loses every update below half an ulp of w, so a format of
// p significand bits loses u once |w/u| passes about 2^p: 2^11 for fp16, 2^8 for bf16 (FACTS.md
// 2). Master weights in fp32 (Micikevicius et al. 2018, FACTS.md 5), stochastic rounding and Kahan
// summation (Zamirai et al. 2020, FACTS.md 7) are the published remedies.
//
//   1. Exact, no training: weights w drawn in [1, 2) (or `binades` binades) and rounded into each
//      format, updates u = w * 2^-r for r = 0 .. r_max in steps of r_step, rounded into the format;
//      w + u rounded to nearest even with the bit-exact core (round_array): the fraction lost.
//   2. Exact, no training: `repeats` identical updates u = w0 * 2^-r applied to each weight with
//      round to nearest, stochastic rounding, Kahan (compensated) summation in the format, and an
//      fp32 master copy; the relative error of the accumulated change against repeats * u.
//   3. Training (Fashion-MNIST MLP): each policy of `policies`, lost updates counted by
//      StepProbes::updates every probe_every steps, test accuracy at the end. SGD with momentum
//      by default: its update lr * buffer scales with the gradient, so small gradients give small
//      |u/w|; Adam's update is about lr whatever the gradient (and its eps 1e-8 is 0 in fp16,
//      FACTS.md 6), which hides the effect behind the learning rate.
//   4. Write lost_fraction.csv, repeated.csv, training_steps.csv, training.csv and the plots.
#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "common/experiment.hpp"
#include "common/training.hpp"
#include "mpsim/array/round_array.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/train/step_probes.hpp"

namespace mpsim::experiments {
namespace {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names{"nearest", "stochastic", "kahan", "fp32_master"};
  return names;
}

std::vector<Format> formats_of(const Config& config) {
  std::vector<Format> formats;
  for (const std::string& name : config.texts("formats")) {
    const std::optional<Format> f = find_format(name);
    if (!f) throw ConfigError("formats: unknown format '" + name + "' (" + std::string(format_names_help()) + ")");
    if (f->storage_bits() > 32) throw ConfigError("formats: '" + name + "' is wider than binary32");
    formats.push_back(*f);
  }
  if (formats.empty()) throw ConfigError("formats must name at least one format");
  return formats;
}

// r = 0, r_step, ..., r_max: the values of log2 |w/u|.
std::vector<double> ratio_grid(const Config& config) {
  const double r_max = config.number("r_max"), r_step = config.number("r_step");
  if (!(r_step > 0) || !(r_max >= 0) || r_max > 28 || r_max / r_step > 10000) {
    throw ConfigError("r_max must be in 0..28 (w + u exact in float64) and r_step > 0, at most 10000 steps");
  }
  std::vector<double> grid;
  for (int i = 0; i * r_step <= r_max + 1e-9; ++i) grid.push_back(i * r_step);
  return grid;
}

// `count` weights uniform in [1, 2) times 2^e, e uniform in -(binades/2) .. binades-1-binades/2
// (float64, 53-bit draws from a seeded mt19937_64: the same on every platform).
std::vector<double> draw_weights(std::size_t count, int binades, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<double> w(count);
  for (double& x : w) {
    const double fraction = static_cast<double>(random() >> 11) * 0x1p-53;
    const int e = static_cast<int>(random() % static_cast<std::uint64_t>(binades)) - binades / 2;
    x = std::ldexp(1.0 + fraction, e);
  }
  return w;
}

// exact_sum_note: w and u have at most 24 significant bits and |u| >= 2^-(r_max+1) |w| with
// r_max <= 28, so w + u needs at most 53 bits: exact in float64, and one rounding into the format
// is the core's w + u (stochastic rounding included). Kahan's other sums (u + c, y - d) may not be
// exact in float64, but to nearest they still round correctly: float64 has 53 >= 2p + 2 bits for
// every p <= 24 (Figueroa 1995: double rounding is innocuous for + and -).
std::vector<double> rounded(const Format& f, const Env& env, std::vector<double> x) {
  round_array(f, env, x, x, {}, false);
  return x;
}

// Part 1: of the updates u = w * 2^-r (u rounded into f), the share with round_f(w + u) == w.
struct LostCount {
  std::uint64_t nonzero = 0, lost = 0;
};
LostCount count_lost(const Format& f, const std::vector<double>& w, double r) {
  std::vector<double> u(w.size()), sum(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) u[i] = w[i] * std::exp2(-r);
  u = rounded(f, Env{}, std::move(u));
  for (std::size_t i = 0; i < w.size(); ++i) sum[i] = w[i] + u[i];  // exact (see exact_sum_note)
  sum = rounded(f, Env{}, std::move(sum));
  LostCount c;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (u[i] == 0.0) continue;
    ++c.nonzero;
    c.lost += sum[i] == w[i];
  }
  return c;
}

// Part 2: relative error of the accumulated change (w_K - w0 - K u) / (K u), u = w0 * 2^-r *
// (1 + jitter) in float64. The jitter (uniform in [0, 2^-8)) keeps u from being an exact binary
// fraction of w0, whose sums would be exact by coincidence at integer r.
struct RepeatedError {
  double mean_abs = 0, mean = 0, max_abs = 0;
  double working_copy_mean_abs = 0;  // fp32_master: of round_f(master), the copy the forward uses
};
RepeatedError repeated_updates(const Format& f, const std::string& method, const std::vector<double>& w0,
                               const std::vector<double>& jitter, double r, int repeats, std::uint64_t seed,
                               std::uint64_t stream) {
  const std::size_t n = w0.size();
  const Env nearest{};
  const Env stochastic{.rounding = Rounding::stochastic};
  const Format& arithmetic = method == "fp32_master" ? binary32 : f;
  std::vector<double> exact_u(n), u(n);
  for (std::size_t i = 0; i < n; ++i) exact_u[i] = w0[i] * std::exp2(-r) * (1.0 + jitter[i]);
  u = rounded(arithmetic, nearest, exact_u);
  std::vector<double> w = w0, c(n, 0.0), y(n), t(n), d(n);
  for (int k = 0; k < repeats; ++k) {
    if (method == "kahan") {  // as the optimizer does it: y = u + c; t = w + y; c = y - (t - w); w = t
      for (std::size_t i = 0; i < n; ++i) y[i] = u[i] + c[i];
      y = rounded(f, nearest, std::move(y));
      for (std::size_t i = 0; i < n; ++i) t[i] = w[i] + y[i];
      t = rounded(f, nearest, std::move(t));
      for (std::size_t i = 0; i < n; ++i) d[i] = t[i] - w[i];
      d = rounded(f, nearest, std::move(d));
      for (std::size_t i = 0; i < n; ++i) c[i] = y[i] - d[i];
      c = rounded(f, nearest, std::move(c));
      w = t;
    } else {
      for (std::size_t i = 0; i < n; ++i) w[i] += u[i];  // exact in float64, then one rounding
      if (method == "stochastic") {
        round_array(f, stochastic, w, w, StochasticDraws{seed, stream, static_cast<std::uint64_t>(k) * n}, false);
      } else {
        round_array(arithmetic, nearest, w, w, {}, false);
      }
    }
  }
  const std::vector<double> working = rounded(f, nearest, w);
  RepeatedError e;
  for (std::size_t i = 0; i < n; ++i) {
    const double intended = repeats * exact_u[i];
    const double error = (w[i] - w0[i] - intended) / intended;
    e.mean += error;
    e.mean_abs += std::abs(error);
    e.max_abs = std::max(e.max_abs, std::abs(error));
    e.working_copy_mean_abs += std::abs((working[i] - w0[i] - intended) / intended);
  }
  e.mean /= static_cast<double>(n);
  e.mean_abs /= static_cast<double>(n);
  e.working_copy_mean_abs /= static_cast<double>(n);
  return e;
}

std::string short_name(const Format& f) {
  if (f == binary16) return "fp16";
  if (f == bfloat16) return "bf16";
  if (f == binary32) return "fp32";
  return std::string(f.name);
}

// gnuplot: a dashed vertical line at log2 |w/u| = p for each format, labelled.
std::string threshold_lines(const std::vector<Format>& formats, double r_max, double label_y) {
  std::ostringstream g;
  for (const Format& f : formats) {
    if (f.precision() > r_max) continue;
    g << "set arrow from " << f.precision() << ", graph 0 to " << f.precision()
      << ", graph 1 nohead dashtype 2 linewidth 1.5 linecolor rgb '#7f8c8d'\n";
    g << "set label '" << short_name(f) << ": 2^{" << f.precision() << "}' at " << f.precision() + 0.25 << ", graph "
      << label_y << " font ',10' textcolor rgb '#555555'\n";
  }
  return g.str();
}

void synthetic(const Config& config, Output& out) {
  const std::vector<Format> formats = formats_of(config);
  const std::vector<double> grid = ratio_grid(config);
  const std::int64_t weights = config.integer("weights"), repeat_weights = config.integer("repeat_weights");
  const std::int64_t repeats = config.integer("repeats"), binades = config.integer("binades");
  if (weights < 1 || repeat_weights < 1 || weights > 10'000'000) throw ConfigError("weights and repeat_weights must be in 1..1e7");
  if (repeats < 1 || repeats > 100000) throw ConfigError("repeats must be in 1..100000");
  if (binades < 1 || binades > 24) throw ConfigError("binades must be in 1..24 (weights stay within fp16's range)");
  const auto seed = static_cast<std::uint64_t>(config.integer("seed"));
  const std::vector<double> drawn = draw_weights(static_cast<std::size_t>(weights), static_cast<int>(binades), seed);
  const std::vector<double> drawn_repeat =
      draw_weights(static_cast<std::size_t>(repeat_weights), static_cast<int>(binades), seed + 1);
  std::vector<double> jitter = draw_weights(static_cast<std::size_t>(repeat_weights), 1, seed + 2);
  for (double& j : jitter) j = (j - 1.0) * 0x1p-8;
  const int jobs = resolve_threads(config.integer("threads"));

  // Part 1, one case per (format, r).
  std::vector<LostCount> lost(formats.size() * grid.size());
  run_cases(lost.size(), jobs, [&](std::size_t i) {
    const Format& f = formats[i / grid.size()];
    lost[i] = count_lost(f, rounded(f, Env{}, drawn), grid[i % grid.size()]);
  });
  std::ostringstream csv;
  csv.precision(9);
  csv << "format,ratio_log2,weights,nonzero_updates,lost_updates,lost_fraction\n";
  for (std::size_t i = 0; i < lost.size(); ++i) {
    csv << formats[i / grid.size()].name << "," << grid[i % grid.size()] << "," << weights << "," << lost[i].nonzero
        << "," << lost[i].lost << ",";
    // Empty where u itself rounds to 0 in the format: there is no update to lose.
    if (lost[i].nonzero) csv << static_cast<double>(lost[i].lost) / static_cast<double>(lost[i].nonzero);
    csv << "\n";
  }
  out.write("lost_fraction.csv", csv.str());
  const double r_max = grid.back();
  std::ostringstream p;
  p << "set title 'Updates lost to round-to-nearest: round(w + u) == w, w uniform in [1, 2)" << (binades > 1 ? " x 2^e" : "")
    << "'\nset xlabel 'log_2 |w / u|'\nset ylabel '% of updates lost'\nset yrange [-2:102]\nset xrange [0:" << r_max
    << "]\nset xtics 2\nset grid\nset key at graph 0.97, graph 0.3 right box opaque\nset datafile separator ','\n";
  p << threshold_lines(formats, r_max, 0.55);
  p << "plot ";
  for (std::size_t k = 0; k < formats.size(); ++k) {
    p << (k ? ", " : "") << "'lost_fraction.csv' using 2:(strcol(1) eq '" << formats[k].name
      << "' ? 100*$6 : 1/0) with lines linewidth 2.5 title '" << short_name(formats[k]) << " (p = "
      << formats[k].precision() << ")'";
  }
  out.plot("lost_fraction", p.str() + "\n");

  // Part 2, one case per (format, method, r).
  const std::vector<std::string>& methods = method_names();
  const std::size_t per_format = methods.size() * grid.size();
  std::vector<RepeatedError> errors(formats.size() * per_format);
  run_cases(errors.size(), jobs, [&](std::size_t i) {
    const Format& f = formats[i / per_format];
    const std::string& method = methods[(i % per_format) / grid.size()];
    errors[i] = repeated_updates(f, method, rounded(f, Env{}, drawn_repeat), jitter, grid[i % grid.size()],
                                 static_cast<int>(repeats), seed, i);
  });
  std::ostringstream rcsv;
  rcsv.precision(9);
  rcsv << "format,method,ratio_log2,weights,repeats,mean_abs_relative_error,mean_relative_error,"
          "max_abs_relative_error,working_copy_mean_abs_relative_error\n";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const RepeatedError& e = errors[i];
    rcsv << formats[i / per_format].name << "," << methods[(i % per_format) / grid.size()] << ","
         << grid[i % grid.size()] << "," << repeat_weights << "," << repeats << "," << e.mean_abs << "," << e.mean
         << "," << e.max_abs << "," << e.working_copy_mean_abs << "\n";
  }
  out.write("repeated.csv", rcsv.str());

  // One panel of |error| per format, then one of the signed mean error (the bias) of the
  // narrowest format: round to nearest loses the whole update, stochastic rounding none on average.
  const Format& biased = *std::min_element(formats.begin(), formats.end(),
                                           [](const Format& a, const Format& b) { return a.precision() < b.precision(); });
  const char* colours[] = {"#c0392b", "#2e86c1", "#27ae60", "#8e44ad"};
  const char* titles[] = {"round to nearest", "stochastic rounding", "Kahan (compensated)", "fp32 master copy"};
  auto series = [&](const Format& f, const std::string& column) {
    std::string s;
    for (std::size_t k = 0; k < methods.size(); ++k) {
      s += std::string(k ? ", " : "") + "'repeated.csv' using 3:(strcol(1) eq '" + std::string(f.name) + "' && strcol(2) eq '" +
           methods[k] + "' ? " + column + " : 1/0) with lines linewidth 2 linecolor rgb '" + colours[k] + "' title '" +
           titles[k] + "'";
    }
    return s + "\n";
  };
  std::ostringstream m;
  m << "set multiplot layout " << (formats.size() + 2) / 2 << ",2 title \"" << repeats
    << " repeated updates u = w_0 2^{-r} (1 + U[0, 2^{-8})) of " << repeat_weights
    << " weights: relative error of the accumulated change, (w_K - w_0 - K u) / (K u)\" font ',12'\n";
  m << "set xlabel 'log_2 |w_0 / u|'\nset xrange [0:" << r_max
    << "]\nset xtics 4\nset grid\nset datafile separator ','\nset key top left font ',8' samplen 2\n";
  for (const Format& f : formats) {
    m << "unset arrow\nunset label\n" << threshold_lines({f}, r_max, 0.06);
    m << "set title '" << short_name(f) << " weights: mean |error| (exact results drawn at 10^{-9})'\n"
      << "set ylabel 'mean |relative error|'\nset logscale y\nset format y '10^{%L}'\nset yrange [1e-9:100]\nplot ";
    m << series(f, "($6 > 1e-9 ? $6 : 1e-9)");
  }
  m << "unset arrow\nunset label\n" << threshold_lines({biased}, r_max, 0.06);
  m << "set title '" << short_name(biased) << " weights: mean signed error (the bias)'\n"
    << "set ylabel 'mean relative error'\nunset logscale y\nset format y '%g'\nset yrange [-1.1:0.5]\nplot ";
  m << series(biased, "$7");
  m << "unset multiplot\n";
  out.plot("repeated_updates", m.str());

  // Summary: where each format starts and finishes losing updates.
  for (std::size_t k = 0; k < formats.size(); ++k) {
    double first_lost = -1, all_lost = -1, half = -1;
    for (std::size_t j = 0; j < grid.size(); ++j) {
      const LostCount& c = lost[k * grid.size() + j];
      const double fraction = c.nonzero ? static_cast<double>(c.lost) / static_cast<double>(c.nonzero) : 0.0;
      if (first_lost < 0 && c.lost > 0) first_lost = grid[j];
      if (half < 0 && fraction >= 0.5) half = grid[j];
      if (all_lost < 0 && c.nonzero > 0 && c.lost == c.nonzero) all_lost = grid[j];
    }
    nlohmann::json& s = out.summary()["synthetic"][short_name(formats[k])];
    s["precision"] = formats[k].precision();
    s["first_lost_ratio_log2"] = first_lost;
    s["half_lost_ratio_log2"] = half;
    s["all_lost_ratio_log2"] = all_lost;
    std::ostringstream line;
    line << short_name(formats[k]) << " (p = " << formats[k].precision() << "): round to nearest ";
    if (first_lost < 0) {
      line << "loses no update up to |w/u| = 2^" << r_max;
    } else {
      line << "starts losing updates at |w/u| = 2^" << first_lost << ", half at 2^" << half << ", all at 2^" << all_lost;
    }
    out.say(line.str());
  }
}

// Part 3: training under each policy, lost updates per probed step.
struct PolicyRun {
  std::string steps_csv;
  std::uint64_t nonzero = 0, lost = 0;  // over every probed step
  double accuracy = 0, seconds = 0;
  bool master = false;
  std::string update;
};

// The training config of each policy (checked before anything runs).
std::vector<train::TrainingConfig> policy_configs(const Config& config) {
  if (config.integer("probe_every") < 1) throw ConfigError("probe_every must be >= 1");
  std::vector<train::TrainingConfig> configs;
  for (const std::string& policy : config.texts("policies")) {
    train::resolve_precision_policy(policy);  // std::invalid_argument naming the presets
    configs.push_back(training_config(config, policy));
    configs.back().threads = 1;  // the runs are the parallel cases
  }
  return configs;
}

void training(const Config& config, const std::vector<train::TrainingConfig>& configs, Output& out) {
  const std::vector<std::string> policies = config.texts("policies");
  if (policies.empty()) return;
  const std::int64_t probe_every = config.integer("probe_every");
  const data::TrainTest sets = load_sets(config);
  std::vector<PolicyRun> runs(policies.size());
  run_cases(runs.size(), resolve_threads(config.integer("threads")), [&](std::size_t i) {
    PolicyRun& r = runs[i];
    train::StepProbes probes;
    probes.options = {.histograms = false, .shadow = false, .updates = true};
    const TrainedRun trained = train_run(
        configs[i], sets, "update_swamping " + policies[i],
        [&](std::int64_t step) { return step % probe_every == 0 ? &probes : nullptr; },
        [&](const train::StepRecord& record, train::StepProbes* p) {
          if (!p || record.skipped) return;
          std::uint64_t elements = 0, nonzero = 0, lost = 0;
          for (const train::UpdateStats& u : p->updates) {
            elements += u.elements, nonzero += u.nonzero_updates, lost += u.lost_updates;
          }
          r.nonzero += nonzero, r.lost += lost;
          std::ostringstream row;
          row.precision(9);
          row << policies[i] << "," << record.step << "," << elements << "," << nonzero << "," << lost << ","
              << (nonzero ? static_cast<double>(lost) / static_cast<double>(nonzero) : 0.0) << "," << record.loss << "\n";
          r.steps_csv += row.str();
        });
    const train::PrecisionPolicy policy = train::resolve_precision_policy(policies[i]);
    r.accuracy = trained.test.accuracy();
    r.seconds = trained.seconds;
    r.master = policy.master_weights();
    r.update = std::string(train::update_rounding_name(policy.update));
  });

  std::string steps_csv = "policy,step,elements,nonzero_updates,lost_updates,lost_fraction,loss\n";
  std::ostringstream table;
  table.precision(6);
  table << "policy,master_weights,update_rounding,probed_nonzero_updates,probed_lost_updates,lost_fraction,test_accuracy,seconds\n";
  std::ostringstream p;
  p << "set title \"Weight updates lost (w + u == w) during training: " << config.text("optimizer") << " lr "
    << config.number("lr") << ", MLP on " << config.text("data") << "\"\n"
    << "set xlabel 'training step'\nset ylabel '% of nonzero updates lost'\nset yrange [0:100]\nset grid\n"
       "set key outside right top font ',10'\nset datafile separator ','\nplot ";
  const char* colours[] = {"#c0392b", "#e67e22", "#27ae60", "#2e86c1", "#8e44ad", "#000000", "#7f8c8d"};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const PolicyRun& r = runs[i];
    const double fraction = r.nonzero ? static_cast<double>(r.lost) / static_cast<double>(r.nonzero) : 0.0;
    steps_csv += r.steps_csv;
    table << policies[i] << "," << (r.master ? "true" : "false") << "," << r.update << "," << r.nonzero << "," << r.lost
          << "," << fraction << "," << r.accuracy << "," << r.seconds << "\n";
    std::ostringstream title;
    title.precision(3);
    title << policies[i] << " (test acc. " << r.accuracy << ")";
    p << (i ? ", " : "") << "'training_steps.csv' using 2:(strcol(1) eq '" << policies[i]
      << "' ? 100*$6 : 1/0) with lines linewidth 2 linecolor rgb '" << colours[i % std::size(colours)] << "' title '"
      << title.str() << "'";
    nlohmann::json& s = out.summary()["training"][policies[i]];
    s["master_weights"] = r.master;
    s["update_rounding"] = r.update;
    s["lost_fraction"] = fraction;
    s["test_accuracy"] = r.accuracy;
    s["seconds"] = r.seconds;
    std::ostringstream line;
    line.precision(3);
    line << policies[i] << ": " << 100.0 * fraction << "% of nonzero updates lost, test accuracy " << r.accuracy;
    out.say(line.str());
  }
  out.write("training_steps.csv", steps_csv);
  out.write("training.csv", table.str());
  out.plot("lost_vs_step", p.str() + "\n");
}

void run(const Config& config, Output& out) {
  const std::vector<train::TrainingConfig> configs = policy_configs(config);
  synthetic(config, out);
  training(config, configs, out);
}

}  // namespace

const Experiment& update_swamping() {
  static const Experiment e{
      .name = "update_swamping",
      .question = "When is a weight update too small to change the weight (w + u == w), and do master weights, "
                  "stochastic rounding or Kahan summation recover it?",
      .defaults = [] {
        return with_training_defaults({{"formats", {"binary16", "bfloat16", "binary32"}},
                                       {"r_max", 26.0},
                                       {"r_step", 0.125},
                                       {"binades", 1},
                                       {"weights", 20000},
                                       {"repeat_weights", 256},
                                       {"repeats", 128},
                                       {"policies", {"pure-bf16", "pure-bf16-sr", "pure-bf16-kahan", "amp-bf16", "pure-fp16", "amp-fp16"}},
                                       {"optimizer", "sgd"},
                                       {"lr", 0.01},
                                       {"epochs", 4},
                                       {"probe_every", 1}});
      },
      .full = [] { return nlohmann::json{{"train_limit", 0}, {"test_limit", 0}, {"epochs", 10}, {"probe_every", 10},
                                         {"weights", 200000}, {"repeat_weights", 2048}, {"repeats", 1024}}; },
      .quick = [] {
        return nlohmann::json{{"r_max", 16.0}, {"r_step", 0.25}, {"weights", 4000}, {"repeat_weights", 64},
                              {"repeats", 32}, {"policies", {"pure-bf16", "pure-bf16-kahan", "amp-bf16"}},
                              {"train_limit", 512}, {"test_limit", 256}, {"hidden", {64, 32}}, {"epochs", 1}};
      },
      .run = run,
  };
  return e;
}

}  // namespace mpsim::experiments
