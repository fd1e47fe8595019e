// SPDX-License-Identifier: MIT
// The run loop and its files (run.hpp).
#include "mpsim/train/run.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "mpsim/data/atomic_file.hpp"
#include "mpsim/train/checkpoint.hpp"
#include "mpsim/train/probe_log.hpp"

namespace mpsim::train {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view steps_header =
    "step,epoch,loss,scale,found_inf,skipped,operations,inexact,underflow,underflow_to_zero,subnormal_results,"
    "overflow,overflowed,nans_created\n";
constexpr std::string_view epochs_header = "epoch,train_loss,test_loss,test_accuracy,skipped,seconds\n";

// What the loop needs of a steps.csv row, kept with its text.
struct StepRow {
  std::int64_t step = 0, epoch = 0;
  double loss = 0.0;
  bool skipped = false;
  EventCounts events;
  std::string line;
};

std::string step_line(const StepRecord& r) {
  const EventCounts& e = r.events;
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%lld,%lld,%.9g,%.17g,%d,%d,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
                static_cast<long long>(r.step), static_cast<long long>(r.epoch), static_cast<double>(r.loss), r.scale,
                r.found_inf ? 1 : 0, r.skipped ? 1 : 0, static_cast<unsigned long long>(e.operations),
                static_cast<unsigned long long>(e.inexact), static_cast<unsigned long long>(e.underflow),
                static_cast<unsigned long long>(e.underflow_to_zero),
                static_cast<unsigned long long>(e.subnormal_results), static_cast<unsigned long long>(e.overflow),
                static_cast<unsigned long long>(e.overflowed), static_cast<unsigned long long>(e.nans_created));
  return buffer;
}

std::string epoch_line(const EpochRecord& r) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "%lld,%.9g,%.9g,%.6f,%lld,%.3f\n", static_cast<long long>(r.epoch), r.train_loss,
                r.test.mean_loss, r.test.accuracy(), static_cast<long long>(r.skipped), r.seconds);
  return buffer;
}

std::vector<std::string> split_fields(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      fields.emplace_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return fields;
}

template <class T>
T number(const std::string& text, const fs::path& file) {
  T x{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), x);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) {
    throw std::runtime_error(file.string() + ": cannot read '" + text + "' as a number");
  }
  return x;
}

// The rows of a steps.csv before step `end` (a run resumed from a checkpoint at `end`).
std::vector<StepRow> read_step_rows(const fs::path& file, std::int64_t end) {
  std::vector<StepRow> rows;
  std::istringstream in(data::read_whole_file(file));
  std::string line;
  std::getline(in, line);
  if (line + "\n" != steps_header) throw std::runtime_error(file.string() + ": not a steps.csv of this mpsim");
  while (std::getline(in, line)) {
    const std::vector<std::string> f = split_fields(line);
    if (f.size() != 14) throw std::runtime_error(file.string() + ": malformed row '" + line + "'");
    StepRow r;
    r.step = number<std::int64_t>(f[0], file);
    if (r.step >= end) break;
    if (r.step != static_cast<std::int64_t>(rows.size())) {
      throw std::runtime_error(file.string() + ": row for step " + f[0] + " out of order");
    }
    r.epoch = number<std::int64_t>(f[1], file);
    r.loss = number<double>(f[2], file);
    r.skipped = f[5] == "1";
    EventCounts& e = r.events;
    e.operations = number<std::uint64_t>(f[6], file);
    e.inexact = number<std::uint64_t>(f[7], file);
    e.underflow = number<std::uint64_t>(f[8], file);
    e.underflow_to_zero = number<std::uint64_t>(f[9], file);
    e.subnormal_results = number<std::uint64_t>(f[10], file);
    e.overflow = number<std::uint64_t>(f[11], file);
    e.overflowed = number<std::uint64_t>(f[12], file);
    e.nans_created = number<std::uint64_t>(f[13], file);
    r.line = line + "\n";
    rows.push_back(std::move(r));
  }
  if (static_cast<std::int64_t>(rows.size()) != end) {
    throw std::runtime_error(file.string() + ": holds " + std::to_string(rows.size()) +
                             " steps, the checkpoint was taken after " + std::to_string(end));
  }
  return rows;
}

std::vector<std::string> read_epoch_lines(const fs::path& file, std::int64_t epochs_done) {
  std::vector<std::string> lines;
  std::istringstream in(data::read_whole_file(file));
  std::string line;
  std::getline(in, line);
  if (line + "\n" != epochs_header) throw std::runtime_error(file.string() + ": not an epochs.csv of this mpsim");
  while (static_cast<std::int64_t>(lines.size()) < epochs_done && std::getline(in, line)) lines.push_back(line + "\n");
  if (static_cast<std::int64_t>(lines.size()) != epochs_done) {
    throw std::runtime_error(file.string() + ": fewer epoch rows than the checkpoint's " + std::to_string(epochs_done));
  }
  return lines;
}

// The probe files of a run that probes (config.probe_every > 0), each present when its probe is on.
struct ProbeLogs {
  std::optional<ProbeLog> histograms, shadow, updates;

  ProbeLogs(const fs::path& dir, const TrainingConfig& c) {
    if (c.probe_every <= 0) return;
    histograms.emplace(dir / "histograms.csv", HistogramProbe::csv_header(true));
    if (c.probe_shadow) shadow.emplace(dir / "shadow.csv", std::string(shadow_csv_header()));
    if (c.probe_lost_updates) updates.emplace(dir / "updates.csv", std::string(updates_csv_header()));
  }
  template <class F>
  void each(F f) {
    for (std::optional<ProbeLog>* log : {&histograms, &shadow, &updates})
      if (*log) f(**log);
  }
};

struct RunState {
  fs::path dir;
  std::string config_json;
  std::vector<StepRow> steps;
  std::vector<std::string> epoch_lines;
  EpochRecord last_epoch;
  bool has_last_epoch = false;
  ProbeLogs probes;
};

void write_logs(const RunState& s) {
  std::string steps(steps_header);
  for (const StepRow& r : s.steps) steps += r.line;
  data::write_file_atomically(s.dir / "steps.csv", steps);
  std::string epochs(epochs_header);
  for (const std::string& l : s.epoch_lines) epochs += l;
  data::write_file_atomically(s.dir / "epochs.csv", epochs);
}

void write_summary(const RunState& s, const RunSummary& r) {
  const EventCounts& e = r.events;
  const nlohmann::json j{{"steps", r.steps},
                         {"skipped_steps", r.skipped},
                         {"final_train_loss", r.final_train_loss},
                         {"test_accuracy", r.test.accuracy()},
                         {"test_loss", r.test.mean_loss},
                         {"test_samples", r.test.samples},
                         {"events",
                          {{"operations", e.operations},
                           {"inexact", e.inexact},
                           {"underflow", e.underflow},
                           {"underflow_to_zero", e.underflow_to_zero},
                           {"subnormal_results", e.subnormal_results},
                           {"overflow", e.overflow},
                           {"overflowed", e.overflowed},
                           {"nans_created", e.nans_created}}}};
  data::write_file_atomically(s.dir / "summary.json", j.dump(2) + "\n");
}

RunSummary run_loop(Trainer& t, const data::TrainTest& sets, RunState& s, const RunHooks& hooks) {
  const std::int64_t per_epoch = t.steps_per_epoch();
  const std::int64_t every = t.config().checkpoint_every;
  auto checkpoint = [&] {
    write_logs(s);
    s.probes.each([](ProbeLog& log) { log.flush(); });
    save_checkpoint(s.dir / "checkpoint.bin", {s.config_json, t.snapshot()});
  };
  auto epoch_started = std::chrono::steady_clock::now();
  const std::int64_t probe_every = t.config().probe_every;
  StepProbes probes;
  probes.options = {.histograms = true, .shadow = t.config().probe_shadow, .updates = t.config().probe_lost_updates};
  while (!t.finished()) {
    const bool probed = probe_every > 0 && t.next_step() % probe_every == 0;
    const StepRecord r = t.step(probed ? &probes : nullptr);
    if (probed) {
      probes.histograms.append_csv_rows(s.probes.histograms->pending(), r.step, /*skip_empty=*/true);
      if (s.probes.shadow) append_shadow_csv_rows(s.probes.shadow->pending(), r.step, probes.shadow);
      if (s.probes.updates) append_updates_csv_rows(s.probes.updates->pending(), r.step, probes.updates);
    }
    s.steps.push_back({r.step, r.epoch, r.loss, r.skipped, r.events, step_line(r)});
    if (hooks.after_step) hooks.after_step(r, t);
    const bool epoch_end = t.next_step() % per_epoch == 0;
    if (epoch_end) {
      EpochRecord e;
      e.epoch = r.epoch;
      std::int64_t n = 0;
      for (std::int64_t i = r.epoch * per_epoch; i < t.next_step(); ++i) {
        e.train_loss += s.steps[static_cast<std::size_t>(i)].loss;
        e.skipped += s.steps[static_cast<std::size_t>(i)].skipped;
        ++n;
      }
      e.train_loss /= static_cast<double>(n);
      e.test = t.evaluate(sets.test);
      e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_started).count();
      s.epoch_lines.push_back(epoch_line(e));
      s.last_epoch = e;
      s.has_last_epoch = true;
      if (hooks.after_epoch) hooks.after_epoch(e);
      epoch_started = std::chrono::steady_clock::now();
    }
    if (epoch_end || (every > 0 && t.next_step() % every == 0)) checkpoint();
  }
  RunSummary summary;
  summary.steps = t.next_step();
  for (const StepRow& r : s.steps) {
    summary.skipped += r.skipped;
    summary.events += r.events;
  }
  if (!s.has_last_epoch) {  // resumed after the last checkpoint: the last epoch's numbers again
    const std::int64_t last = t.config().epochs - 1;
    for (const StepRow& r : s.steps) {
      if (r.epoch == last) s.last_epoch.train_loss += r.loss / static_cast<double>(per_epoch);
    }
    s.last_epoch.test = t.evaluate(sets.test);
  }
  summary.final_train_loss = s.last_epoch.train_loss;
  summary.test = s.last_epoch.test;
  write_summary(s, summary);
  return summary;
}

}  // namespace

TrainingConfig read_run_config(const fs::path& dir) {
  try {
    return training_config_from_json(data::read_whole_file(dir / "config.json"));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error((dir / "config.json").string() + ": " + e.what());
  }
}

RunSummary start_run(const TrainingConfig& config, const data::TrainTest& sets, const fs::path& dir,
                     const RunHooks& hooks) {
  Trainer t(config, sets.train);  // checks the config and data before anything is written
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir.string() + ": cannot create the run directory: " + ec.message());
  if (fs::exists(dir / "config.json")) {
    throw std::runtime_error(dir.string() + ": already holds a run (config.json); continue it with --resume or pick another --out");
  }
  RunState s{dir, to_json(config), {}, {}, {}, false, ProbeLogs(dir, config)};
  data::write_file_atomically(dir / "policy.json", to_json(t.policy()));
  s.probes.each([](ProbeLog& log) { log.create(); });
  data::write_file_atomically(dir / "config.json", s.config_json);
  return run_loop(t, sets, s, hooks);
}

RunSummary resume_run(const fs::path& dir, const data::TrainTest& sets, int threads, const RunHooks& hooks) {
  TrainingConfig config = read_run_config(dir);
  const Checkpoint c = load_checkpoint(dir / "checkpoint.bin");
  if (!same_results(training_config_from_json(c.config_json), config)) {
    throw std::runtime_error((dir / "checkpoint.bin").string() + ": taken from another config than config.json");
  }
  config.threads = threads;
  Trainer t(config, sets.train);
  t.restore(c.snapshot);
  RunState s{dir, c.config_json, {}, {}, {}, false, ProbeLogs(dir, config)};
  s.steps = read_step_rows(dir / "steps.csv", c.snapshot.next_step);
  s.probes.each([&](ProbeLog& log) { log.resume(c.snapshot.next_step); });
  s.epoch_lines = read_epoch_lines(dir / "epochs.csv", c.snapshot.next_step / t.steps_per_epoch());
  return run_loop(t, sets, s, hooks);
}

}  // namespace mpsim::train
