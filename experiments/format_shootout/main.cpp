// SPDX-License-Identifier: MIT
// format_shootout: the same network trained under every precision policy side by side: how
// close does each get to fp32, and how many values does each lose to underflow, overflow or NaN
// on the way? The published claims it puts next to each other (FACTS.md 5-7): amp-fp16 with
// master weights and loss scaling matches fp32 (Micikevicius et al. 2018); bf16 needs no loss
// scaling but pure-bf16 updates with round to nearest lose small updates, which stochastic
// rounding recovers (Kalamkar et al. 2019, Zamirai et al. 2020); fp8 with per-tensor delayed
// scaling trains (arXiv:2209.05433).
//
//   1. Train the MLP (or `model`) once per policy of `policies`, each run on one thread and the
//      runs in parallel (results gathered by index: the output never depends on the schedule). A
//      run whose loss stays inf/NaN for stop_after_nonfinite steps is stopped and evaluated there.
//   2. Per step: the training loss and the step's counted events (StepRecord::events:
//      underflow_to_zero, subnormal_results, overflowed, nans_created), summed per window of
//      loss_every steps; per epoch: the test accuracy.
//   3. Write curves.csv, steps.csv, policies.csv and the plots (curves, events).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <sstream>

#include "common/experiment.hpp"
#include "common/training.hpp"

namespace mpsim::experiments {
namespace {

struct PolicyResult {
  TrainedRun trained;
  EventCounts events;  // summed over every step
  std::int64_t skipped = 0;
  double stopped_epoch = 0;       // epochs done when stopped (fractional)
  std::int64_t diverged_at = -1;  // first step of the run of non-finite losses that stopped it; -1: not stopped
  std::string steps_csv;
};

// train_run (common/training.hpp) with one difference: a run whose loss has been inf or NaN for
// `stop_after` consecutive steps (0: never stop) ends there, is evaluated once, and reports the
// first of those steps in `diverged_at`. Its remaining epochs would add nothing but emulator time
// (measured: a NaN-filled pure-fp16 step costs about 20 times a finite one here).
TrainedRun train_until_diverged(const train::TrainingConfig& tc, const data::TrainTest& sets, const std::string& label,
                                std::int64_t stop_after, std::int64_t& diverged_at, double& stopped_epoch,
                                const std::function<void(const train::StepRecord&)>& after_step) {
  const auto start = std::chrono::steady_clock::now();
  train::Trainer trainer(tc, sets.train);
  TrainedRun run;
  std::int64_t nonfinite = 0;
  bool evaluated = false;
  while (!trainer.finished()) {
    const train::StepRecord record = trainer.step();
    after_step(record);
    run.steps.push_back(record);
    nonfinite = std::isfinite(record.loss) ? 0 : nonfinite + 1;
    evaluated = false;
    if (trainer.next_step() % trainer.steps_per_epoch() == 0) {
      run.test = trainer.evaluate(sets.test);
      run.epoch_test_accuracy.push_back(run.test.accuracy());
      evaluated = true;
      std::ostringstream line;  // one write, so lines of parallel runs do not interleave
      line << label << ": epoch " << run.epoch_test_accuracy.size() << "/" << tc.epochs << ", test accuracy "
           << run.test.accuracy() << ", loss " << record.loss << "\n";
      std::cerr << line.str() << std::flush;
    }
    if (stop_after > 0 && nonfinite >= stop_after) {
      diverged_at = record.step - stop_after + 1;
      stopped_epoch = static_cast<double>(trainer.next_step()) / static_cast<double>(trainer.steps_per_epoch());
      if (!evaluated) run.test = trainer.evaluate(sets.test);
      std::cerr << (label + ": loss not finite since step " + std::to_string(diverged_at) + "; stopped\n") << std::flush;
      break;
    }
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

// The four counts compared, as (column name, EventCounts field).
struct EventColumn {
  const char* name;
  std::uint64_t EventCounts::*field;
};
constexpr EventColumn event_columns[] = {{"underflow_to_zero", &EventCounts::underflow_to_zero},
                                         {"subnormal_results", &EventCounts::subnormal_results},
                                         {"overflowed", &EventCounts::overflowed},
                                         {"nans_created", &EventCounts::nans_created}};

void run(const Config& config, Output& out) {
  const std::vector<std::string> policies = config.texts("policies");
  if (policies.empty()) throw ConfigError("policies must name at least one policy");
  const std::int64_t loss_every = config.integer("loss_every");
  if (loss_every < 1) throw ConfigError("loss_every must be >= 1");
  const data::TrainTest sets = load_sets(config);
  std::vector<train::TrainingConfig> configs;
  for (const std::string& policy : policies) {
    train::resolve_precision_policy(policy);  // std::invalid_argument naming the presets
    configs.push_back(training_config(config, policy));
    configs.back().threads = 1;  // the runs themselves are the parallel cases
  }

  const std::int64_t stop_after = config.integer("stop_after_nonfinite");
  if (stop_after < 0) throw ConfigError("stop_after_nonfinite must be >= 0 (0: never stop)");
  std::vector<PolicyResult> results(policies.size());
  run_cases(results.size(), resolve_threads(config.integer("threads")), [&](std::size_t i) {
    PolicyResult& r = results[i];
    EventCounts window;
    double window_loss = 0;
    std::int64_t window_steps = 0, last_step = 0, last_epoch = 0;
    double last_scale = 1;
    auto flush = [&] {
      if (window_steps == 0) return;
      std::ostringstream row;
      row.precision(9);
      row << policies[i] << "," << last_step << "," << last_epoch << "," << window_loss / static_cast<double>(window_steps)
          << "," << last_scale;
      for (const EventColumn& c : event_columns) row << "," << window.*c.field;
      row << "," << window.operations << "\n";
      r.steps_csv += row.str();
      window = {};
      window_loss = 0;
      window_steps = 0;
    };
    r.trained = train_until_diverged(configs[i], sets, "format_shootout " + policies[i], stop_after, r.diverged_at, r.stopped_epoch,
                                     [&](const train::StepRecord& record) {
                                       r.events += record.events;
                                       r.skipped += record.skipped;
                                       window += record.events;
                                       window_loss += record.loss;
                                       last_step = record.step, last_epoch = record.epoch, last_scale = record.scale;
                                       if (++window_steps == loss_every) flush();
                                     });
    flush();  // a last partial window (a stopped run, or steps not a multiple of loss_every)
  });

  // Data files.
  std::string steps_csv = "policy,step,epoch,mean_loss,scale";
  std::string policies_csv = "policy,index,test_accuracy,test_loss,final_loss,skipped_steps";
  for (const EventColumn& c : event_columns) steps_csv += std::string(",") + c.name, policies_csv += std::string(",") + c.name;
  steps_csv += ",operations\n";
  policies_csv += ",operations,seconds,diverged_at_step\n";
  std::ostringstream curves;
  curves.precision(9);
  curves << "policy,epoch,test_accuracy\n";
  std::ostringstream table;
  table.precision(9);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const PolicyResult& r = results[i];
    steps_csv += r.steps_csv;
    for (std::size_t e = 0; e < r.trained.epoch_test_accuracy.size(); ++e) {
      curves << policies[i] << "," << e + 1 << "," << r.trained.epoch_test_accuracy[e] << "\n";
    }
    if (r.diverged_at >= 0 && r.stopped_epoch != static_cast<double>(r.trained.epoch_test_accuracy.size())) {
      curves << policies[i] << "," << r.stopped_epoch << "," << r.trained.test.accuracy() << "\n";  // where it stopped
    }
    const float final_loss = r.trained.steps.empty() ? 0.0f : r.trained.steps.back().loss;
    table << policies[i] << "," << i << "," << r.trained.test.accuracy() << "," << r.trained.test.mean_loss << ","
          << final_loss << "," << r.skipped;
    for (const EventColumn& c : event_columns) table << "," << r.events.*c.field;
    table << "," << r.events.operations << "," << r.trained.seconds << "," << r.diverged_at << "\n";
  }
  out.write("steps.csv", steps_csv);
  out.write("curves.csv", curves.str());
  out.write("policies.csv", policies_csv + table.str());

  // Curves: test accuracy per epoch and training loss per window, one colour per policy.
  const char* colours[] = {"#000000", "#c0392b", "#2e86c1", "#e67e22", "#27ae60", "#8e44ad", "#7f8c8d", "#16a085", "#d35400"};
  auto colour = [&](std::size_t i) { return std::string(colours[i % std::size(colours)]); };
  std::ostringstream p;
  p << "set multiplot layout 1,2 title \"" << (config.text("model") == "cnn" ? "CNN" : "MLP") << " on "
    << config.text("data") << " (" << sets.train.count << " training images, " << config.text("optimizer") << " lr "
    << config.number("lr") << ") under each precision policy\" font ',13'\n";
  p << "set datafile separator ','\nset grid\nset key bottom right font ',9'\n";
  p << "set title 'test accuracy after each epoch'\nset xlabel 'epoch'\nset ylabel 'test accuracy'\nset xtics 1\nplot ";
  for (std::size_t i = 0; i < policies.size(); ++i) {
    p << (i ? ", " : "") << "'curves.csv' using 2:(strcol(1) eq '" << policies[i]
      << "' ? $3 : 1/0) with linespoints pointtype 7 pointsize 0.8 linewidth 2 linecolor rgb '" << colour(i)
      << "' title '" << policies[i]
      << (results[i].diverged_at >= 0 ? " (NaN from step " + std::to_string(results[i].diverged_at) + ")" : "") << "'";
  }
  p << "\nset title 'training loss (mean over " << loss_every << " steps)'\nset xlabel 'training step'\n"
    << "set ylabel 'cross-entropy'\nset xtics autofreq\nset logscale y\nset key top right font ',9'\nplot ";
  for (std::size_t i = 0; i < policies.size(); ++i) {
    p << (i ? ", " : "") << "'steps.csv' using 2:(strcol(1) eq '" << policies[i]
      << "' && $4 > 0 ? $4 : 1/0) with lines linewidth 2 linecolor rgb '" << colour(i) << "' title '" << policies[i] << "'";
  }
  p << "\nunset multiplot\n";
  out.plot("curves", p.str());

  // Events: clustered bars per policy on a log axis (a count of 0 is drawn below the axis: no bar).
  std::uint64_t most = 1;
  for (const PolicyResult& r : results) {
    for (const EventColumn& c : event_columns) most = std::max(most, r.events.*c.field);
  }
  std::ostringstream b;
  b << "set title \"Rounding events per policy, summed over every counted rounding of every training step\"\n";
  b << "set ylabel 'events (count)'\nset logscale y\nset format y '10^{%L}'\nset yrange [0.5:" << 4.0 * static_cast<double>(most) << "]\n"
       "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.9 border -1\n"
       "set boxwidth 0.9\nset xtics rotate by -25 nomirror\nset grid ytics\nset key top left font ',10'\n"
       "set datafile separator ','\nset key autotitle columnheader\n";
  const char* event_colours[] = {"#c0392b", "#f39c12", "#2e86c1", "#2c3e50"};
  const char* event_titles[] = {"underflow to zero", "subnormal results", "overflow (inf / saturated)", "NaNs created"};
  b << "plot ";
  for (std::size_t c = 0; c < std::size(event_columns); ++c) {
    b << (c ? ", " : "") << "'policies.csv' using ($" << 7 + c << " > 0 ? $" << 7 + c << " : 0.1)"
      << (c == 0 ? ":xtic(1)" : "") << " linecolor rgb '" << event_colours[c] << "' title '" << event_titles[c] << "'";
  }
  b << "\n";
  out.plot("events", b.str());

  // Summary.
  const double fp32_accuracy = [&] {
    for (std::size_t i = 0; i < policies.size(); ++i) {
      if (policies[i] == "fp32") return results[i].trained.test.accuracy();
    }
    return -1.0;
  }();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const PolicyResult& r = results[i];
    nlohmann::json& s = out.summary()["policies"][policies[i]];
    s["test_accuracy"] = r.trained.test.accuracy();
    s["epoch_test_accuracy"] = r.trained.epoch_test_accuracy;
    s["skipped_steps"] = r.skipped;
    for (const EventColumn& c : event_columns) s[c.name] = r.events.*c.field;
    s["operations"] = r.events.operations;
    s["seconds"] = r.trained.seconds;
    s["diverged_at_step"] = r.diverged_at;
    std::ostringstream line;
    line.precision(4);
    line << policies[i] << ": test accuracy " << r.trained.test.accuracy();
    if (fp32_accuracy >= 0 && policies[i] != "fp32") {
      line.precision(2);
      line << std::fixed << " (" << (r.trained.test.accuracy() >= fp32_accuracy ? "+" : "")
           << 100.0 * (r.trained.test.accuracy() - fp32_accuracy) << " points vs fp32)";
    }
    line << "; " << r.events.underflow_to_zero << " underflows to zero, " << r.events.overflowed << " overflows, "
         << r.events.nans_created << " NaNs, " << r.skipped << " skipped steps";
    if (r.diverged_at >= 0) {
      line << "; diverged: loss not finite from step " << r.diverged_at << ", stopped after " << r.trained.steps.size()
           << " steps";
    }
    out.say(line.str());
  }
  out.say("plots: " + (out.final_dir() / "curves.png").string() + ", " + (out.final_dir() / "events.png").string());
}

}  // namespace

const Experiment& format_shootout() {
  static const Experiment e{
      .name = "format_shootout",
      .question = "How close does each precision policy get to fp32, and how many values does it lose to "
                  "underflow, overflow and NaN on the way?",
      .defaults = [] {
        return with_training_defaults(
            {{"policies", {"fp32", "amp-fp16", "amp-bf16", "pure-fp16", "pure-bf16", "pure-bf16-sr", "fp8"}},
             {"epochs", 3},
             {"loss_every", 5},
             {"stop_after_nonfinite", 10}});
      },
      .full = [] { return nlohmann::json{{"train_limit", 0}, {"test_limit", 0}, {"epochs", 15}, {"loss_every", 50}}; },
      .quick = [] {
        return nlohmann::json{{"train_limit", 512}, {"test_limit", 256}, {"hidden", {64, 32}}, {"epochs", 2},
                              {"loss_every", 1}};
      },
      .run = run,
  };
  return e;
}

}  // namespace mpsim::experiments
