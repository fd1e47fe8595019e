// SPDX-License-Identifier: MIT
// dynamic_scaling: how do the dynamic loss scalers of PyTorch, Apex, DeepSpeed, Megatron-LM,
// Keras and Flax move their scale through amp-fp16 training, and how many steps do they skip?
// Each preset reproduces its framework's state machine step by step (FACTS.md 6,
// docs/loss_scaling.md): initial scale, growth interval, backoff, hysteresis, bounds.
//
//   1. Train the same model, data and seed under amp-fp16 once per scaler preset, in parallel.
//   2. Record the scale, found_inf and skipped flag of every step (trajectory.csv).
//   3. Plot the scale trajectories on a log2 axis with the skipped steps marked, and tabulate
//      skips, final scale and accuracy per scaler (scalers.csv).
#include <cmath>
#include <sstream>

#include "common/experiment.hpp"
#include "common/training.hpp"

namespace mpsim::experiments {
namespace {

void run(const Config& config, Output& out) {
  const data::TrainTest sets = load_sets(config);
  const std::vector<std::string> scalers = config.texts("scalers");
  if (scalers.empty()) throw ConfigError("scalers: name at least one loss-scaler preset");
  Config one_thread = config;  // each scaler trains on one thread; the scalers run in parallel
  one_thread.merge(nlohmann::json{{"threads", 1}}, "dynamic_scaling");
  std::vector<TrainedRun> runs(scalers.size());
  // Resolve every name before the first run starts (an unknown preset is a config error).
  std::vector<train::TrainingConfig> configs;
  for (const std::string& s : scalers) {
    train::TrainingConfig tc = training_config(one_thread, config.text("policy"));
    tc.scaler = s;
    (void)train::scaler_config(tc, train::resolve_precision_policy(tc.policy));  // throws for an unknown preset
    configs.push_back(tc);
  }
  run_cases(scalers.size(), resolve_threads(config.integer("threads")),
            [&](std::size_t i) { runs[i] = train_run(configs[i], sets, "dynamic_scaling " + scalers[i]); });

  std::ostringstream trajectory, table;
  trajectory.precision(17);
  trajectory << "scaler,step,scale,scale_log2,found_inf,skipped,loss\n";
  table.precision(9);
  table << "scaler,steps,overflow_steps,skipped,first_scale_log2,final_scale_log2,min_scale_log2,max_scale_log2,"
           "test_accuracy\n";
  for (std::size_t i = 0; i < scalers.size(); ++i) {
    std::int64_t overflows = 0, skipped = 0;
    double min_scale = INFINITY, max_scale = 0;
    for (const train::StepRecord& r : runs[i].steps) {
      trajectory << scalers[i] << "," << r.step << "," << r.scale << "," << std::log2(r.scale) << "," << r.found_inf
                 << "," << r.skipped << "," << r.loss << "\n";
      overflows += r.found_inf;
      skipped += r.skipped;
      min_scale = std::min(min_scale, r.scale);
      max_scale = std::max(max_scale, r.scale);
    }
    const TrainedRun& t = runs[i];
    table << scalers[i] << "," << t.steps.size() << "," << overflows << "," << skipped << ","
          << std::log2(t.steps.front().scale) << "," << std::log2(t.steps.back().scale) << "," << std::log2(min_scale)
          << "," << std::log2(max_scale) << "," << t.test.accuracy() << "\n";
    nlohmann::json& s = out.summary()[scalers[i]];
    s["skipped"] = skipped;
    s["overflow_steps"] = overflows;
    s["final_scale_log2"] = std::log2(t.steps.back().scale);
    s["test_accuracy"] = t.test.accuracy();
    std::ostringstream line;
    line.precision(4);
    line << scalers[i] << ": 2^" << std::log2(t.steps.front().scale) << " -> 2^" << std::log2(t.steps.back().scale)
         << ", " << skipped << " of " << t.steps.size() << " steps skipped, test accuracy " << t.test.accuracy();
    out.say(line.str());
  }
  out.write("trajectory.csv", trajectory.str());
  out.write("scalers.csv", table.str());

  std::ostringstream p;
  p << "set datafile separator ','\n"
    << "set title \"Dynamic loss scalers under " << config.text("policy") << ": " << config.text("model") << " on "
    << config.text("data") << " (" << runs.front().steps.size() << " steps; crosses: skipped steps)\"\n"
    << "set xlabel 'step + 1 (log scale)'\nset logscale x 2\nset ylabel 'loss scale log_2 s'\nset grid\n"
       "set key outside right top\n"
       "set ytics 2\nplot ";
  for (std::size_t i = 0; i < scalers.size(); ++i) {
    const std::string match = "strcol(1) eq '" + scalers[i] + "'";
    // A small vertical offset per scaler keeps coinciding trajectories apart (said in the title of the key).
    const double offset = 0.12 * static_cast<double>(i);
    std::ostringstream o;
    o << offset;
    p << (i ? ", " : "") << "'trajectory.csv' using ($2 + 1):(" << match << " ? $4 + " << o.str()
      << " : 1/0) with steps linewidth 2 linecolor " << i + 1 << " title '" << scalers[i] << (i ? " (+" + o.str() + ")" : "")
      << "', '' using ($2 + 1):(" << match << " && $6 == 1 ? $4 + " << o.str() << " : 1/0) with points pointtype 2 linecolor "
      << i + 1 << " notitle";
  }
  p << "\n";
  out.plot("trajectory", p.str());
}

}  // namespace

const Experiment& dynamic_scaling() {
  static const Experiment e{
      .name = "dynamic_scaling",
      .question = "How do the framework loss scalers move their scale through amp-fp16 training, and what do they skip?",
      .defaults = [] {
        return with_training_defaults({{"policy", "amp-fp16"},
                                       {"scalers", {"pytorch", "apex", "deepspeed", "megatron", "keras3", "tf-keras", "flax"}},
                                       {"epochs", 3},
                                       {"train_limit", 12000}});
      },
      .full = [] { return nlohmann::json{{"train_limit", 0}, {"test_limit", 0}, {"epochs", 15}}; },
      .quick = [] {
        return nlohmann::json{{"train_limit", 512}, {"test_limit", 256}, {"hidden", {64, 32}}, {"epochs", 2},
                              {"scalers", {"pytorch", "megatron"}}};
      },
      .run = run,
  };
  return e;
}

}  // namespace mpsim::experiments
