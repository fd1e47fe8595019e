// SPDX-License-Identifier: MIT
// loss_scale_sweep: what does a static loss scale do to amp-fp16 training, from 2^0 to 2^24?
// Too small a scale lets activation gradients underflow to zero in fp16; too large a scale
// overflows them to inf, and every overflowing step is skipped. Micikevicius et al. 2018 used
// static scales from 8 to 32K (FACTS.md 5); this measures the whole range.
//
//   1. For each scale 2^s, train the model under amp-fp16 with the static scaler (scale fixed,
//      a step whose gradients hold an inf or NaN is skipped), all scales in parallel.
//   2. Every probe_every steps, the step's binary32 shadow (docs/probes.md) gives the share of
//      nonzero activation gradients (role grad_output) and weight gradients the fp16 step made
//      zero.
//   3. Write sweep.csv and plot accuracy, underflow and skipped steps against s: the U between
//      underflow and overflow.
#include <cmath>
#include <sstream>

#include "common/experiment.hpp"
#include "common/training.hpp"
#include "mpsim/nn/probe.hpp"
#include "mpsim/train/step_probes.hpp"

namespace mpsim::experiments {
namespace {

struct ScaleResult {
  int scale_log2 = 0;
  TrainedRun trained;
  std::uint64_t activation_gradients = 0, activation_lost = 0;  // nonzero in the shadow / zero in fp16
  std::uint64_t weight_gradients = 0, weight_lost = 0;
  std::uint64_t overflow_events = 0, underflow_events = 0;      // counted roundings of the whole run
  std::int64_t skipped = 0;
};

void run(const Config& config, Output& out) {
  const data::TrainTest sets = load_sets(config);
  const std::int64_t lo = config.integer("min_scale_log2"), hi = config.integer("max_scale_log2");
  if (lo < 0 || hi < lo || hi > 60) throw ConfigError("need 0 <= min_scale_log2 <= max_scale_log2 <= 60");
  const std::int64_t probe_every = config.integer("probe_every");
  if (probe_every < 1) throw ConfigError("probe_every must be >= 1");
  const std::string policy = config.text("policy");

  std::vector<ScaleResult> results(static_cast<std::size_t>(hi - lo + 1));
  Config one_thread = config;  // each scale trains on one thread; the scales run in parallel
  one_thread.merge(nlohmann::json{{"threads", 1}}, "loss_scale_sweep");
  run_cases(results.size(), resolve_threads(config.integer("threads")), [&](std::size_t i) {
    ScaleResult& r = results[i];
    r.scale_log2 = static_cast<int>(lo + static_cast<std::int64_t>(i));
    train::TrainingConfig tc = training_config(one_thread, policy);
    tc.scaler = "static";
    tc.scale = std::ldexp(1.0, r.scale_log2);
    train::StepProbes probes;
    probes.options = {.histograms = false, .shadow = true, .updates = false};
    r.trained = train_run(
        tc, sets, "loss_scale_sweep 2^" + std::to_string(r.scale_log2),
        [&](std::int64_t step) { return step % probe_every == 0 ? &probes : nullptr; },
        [&](const train::StepRecord& record, train::StepProbes* p) {
          r.overflow_events += record.events.overflowed;
          r.underflow_events += record.events.underflow_to_zero;
          r.skipped += record.skipped;
          if (!p) return;
          for (const train::ShadowStats& s : p->shadow) {
            if (s.role == nn::probe_role::grad_output) {
              r.activation_gradients += s.shadow_nonzero;
              r.activation_lost += s.lost_to_zero;
            } else if (s.role == nn::probe_role::weight_gradient) {
              r.weight_gradients += s.shadow_nonzero;
              r.weight_lost += s.lost_to_zero;
            }
          }
        });
  });

  std::ostringstream csv;
  csv.precision(9);
  csv << "scale_log2,scale,test_accuracy,final_train_loss,skipped_steps,steps,activation_underflow_fraction,"
         "weight_gradient_underflow_fraction,underflow_events,overflow_events\n";
  auto fraction = [](std::uint64_t part, std::uint64_t whole) {
    return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  };
  const ScaleResult* best = &results.front();
  for (const ScaleResult& r : results) {
    csv << r.scale_log2 << "," << std::ldexp(1.0, r.scale_log2) << "," << r.trained.test.accuracy() << ","
        << r.trained.steps.back().loss << "," << r.skipped << "," << r.trained.steps.size() << ","
        << fraction(r.activation_lost, r.activation_gradients) << "," << fraction(r.weight_lost, r.weight_gradients)
        << "," << r.underflow_events << "," << r.overflow_events << "\n";
    if (r.trained.test.accuracy() > best->trained.test.accuracy()) best = &r;
  }
  out.write("sweep.csv", csv.str());

  std::ostringstream p;
  p << "set datafile separator ','\n"
       "set multiplot layout 3,1 title \"Static loss scale under amp-fp16: "
    << config.text("model") << " on " << config.text("data") << ", " << config.integer("epochs") << " epoch(s)\"\n"
    << "set xrange [" << lo - 0.5 << ":" << hi + 0.5 << "]\nset xtics 2\nset grid\nset key top left\n"
       "set lmargin 12\n"
       "set ylabel 'test accuracy'\nunset xlabel\n"
       "plot 'sweep.csv' using 1:3 with linespoints pointtype 7 linecolor rgb '#2e86c1' title 'test accuracy'\n"
       "set ylabel \"% of nonzero gradients\\nmade zero by fp16\"\nset logscale y\nset format y '10^{%L}'\nset yrange [1e-5:1]\n"
       "plot 'sweep.csv' using 1:($7 > 0 ? 100*$7 : 1/0) with linespoints pointtype 7 title 'activation gradients', "
       "'' using 1:($8 > 0 ? 100*$8 : 1/0) with linespoints pointtype 5 title 'weight gradients'\n"
       "unset logscale y\nset format y '%g'\nset xlabel 'loss scale log_2 s'\n"
       "set ylabel \"skipped steps\\n(overflow)\"\nset yrange [0:*]\n"
       "plot 'sweep.csv' using 1:5 with linespoints pointtype 9 linecolor rgb '#c0392b' title 'skipped steps'\n"
       "unset multiplot\n";
  out.plot("sweep", p.str());

  const ScaleResult& none = results.front();
  out.summary()["best_scale_log2"] = best->scale_log2;
  out.summary()["best_test_accuracy"] = best->trained.test.accuracy();
  out.summary()["smallest_scale_log2"] = none.scale_log2;
  out.summary()["smallest_scale_test_accuracy"] = none.trained.test.accuracy();
  out.summary()["smallest_scale_activation_underflow_fraction"] = fraction(none.activation_lost, none.activation_gradients);
  out.summary()["largest_scale_skipped_steps"] = results.back().skipped;
  std::ostringstream line;
  line.precision(4);
  line << "scale 2^" << none.scale_log2 << ": " << 100.0 * fraction(none.activation_lost, none.activation_gradients)
       << "% of nonzero activation gradients underflow, accuracy " << none.trained.test.accuracy() << "; best scale 2^"
       << best->scale_log2 << ": accuracy " << best->trained.test.accuracy() << "; scale 2^" << results.back().scale_log2
       << ": " << results.back().skipped << " of " << results.back().trained.steps.size() << " steps skipped";
  out.say(line.str());
}

}  // namespace

const Experiment& loss_scale_sweep() {
  static const Experiment e{
      .name = "loss_scale_sweep",
      .question = "How do accuracy, gradient underflow and skipped steps depend on a static loss scale 2^0..2^24?",
      .defaults = [] {
        return with_training_defaults({{"policy", "amp-fp16"}, {"min_scale_log2", 0}, {"max_scale_log2", 24},
                                       {"probe_every", 10}});
      },
      .full = [] { return nlohmann::json{{"train_limit", 0}, {"test_limit", 0}, {"epochs", 5}, {"probe_every", 50}}; },
      .quick = [] {
        return nlohmann::json{{"train_limit", 512}, {"test_limit", 256}, {"hidden", {64, 32}}, {"probe_every", 2},
                              {"min_scale_log2", 0}, {"max_scale_log2", 24}};
      },
      .run = run,
  };
  return e;
}

}  // namespace mpsim::experiments
