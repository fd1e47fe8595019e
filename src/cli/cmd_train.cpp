// SPDX-License-Identifier: MIT
// `mpsim train`: options, config files, the progress bar and the final report.
#include "cmd_train.hpp"

#include <unistd.h>


#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/config.hpp"
#include "mpsim/data/atomic_file.hpp"
#include "mpsim/data/error.hpp"
#include "mpsim/data/named_sets.hpp"
#include "mpsim/train/run.hpp"
#include "mpsim/train/trainer.hpp"

namespace mpsim::cli {
namespace {

constexpr int usage_error = 2;

std::vector<int> parse_widths(const std::string& text) {
  std::vector<int> widths;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    int w = 0;
    try {
      w = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || w < 1) {
      throw std::invalid_argument("--hidden: '" + item + "' is not a positive width (expected e.g. 256,128,100)");
    }
    widths.push_back(w);
  }
  return widths;
}

std::string duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buffer[32];
  if (s >= 3600) std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
  return buffer;
}

// One progress line on stderr, redrawn in place at most 5 times a second on a terminal;
// elsewhere (logs, pipes) one line per 10% of the run.
class ProgressBar {
 public:
  ProgressBar(std::ostream& err, bool enabled) : err_(err), enabled_(enabled), tty_(::isatty(2) == 1) {}

  void update(const train::StepRecord& r, const train::Trainer& t) {
    if (!enabled_) return;
    using clock = std::chrono::steady_clock;
    const auto now = clock::now();
    if (!started_) start_ = now, first_step_ = r.step, started_ = true;
    const std::int64_t done = r.step + 1, total = t.total_steps();
    const bool last = done == total;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (tty_ ? !last && now - drawn_ < std::chrono::milliseconds(200)
             : !last && done * 10 / total == (done - 1) * 10 / total) {
      return;
    }
    drawn_ = now;
    const double rate = elapsed > 0 ? static_cast<double>(done - first_step_) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total - done) / rate : NAN;
    constexpr int width = 24;
    const int filled = static_cast<int>(width * done / total);
    char line[256];
    std::snprintf(line, sizeof line, "epoch %lld/%d [%s%s] %3d%% step %lld/%lld  %.1f steps/s  ETA %s  loss %.4f  scale %g",
                  static_cast<long long>(r.epoch + 1), t.config().epochs, std::string(filled, '#').c_str(),
                  std::string(width - filled, '.').c_str(), static_cast<int>(100 * done / total),
                  static_cast<long long>(done), static_cast<long long>(total), rate, duration(eta).c_str(),
                  static_cast<double>(r.loss), r.scale);
    err_ << (tty_ ? "\r" : "") << line << (tty_ && !last ? "\033[K" : "\n") << std::flush;
  }

 private:
  std::ostream& err_;
  bool enabled_, tty_;
  bool started_ = false;
  std::int64_t first_step_ = 0;
  std::chrono::steady_clock::time_point start_{}, drawn_{};
};

// TOML tables become the same JSON object config.json holds (the experiments' reader).
std::string toml_as_json(const std::string& path) { return experiments::read_toml_as_json(path).dump(); }

}  // namespace

train::TrainingConfig load_training_config_file(const std::string& path) {
  const std::string text = path.ends_with(".toml") ? toml_as_json(path) : data::read_whole_file(path);
  try {
    return train::training_config_from_json(text);
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    if (message.starts_with("config.json: ")) message = message.substr(13);
    throw std::runtime_error(path + ": " + message);
  }
}

CLI::App* add_train_command(CLI::App& app, TrainOptions& o) {
  CLI::App* cmd = app.add_subcommand("train", "Train the MLP or CNN through the emulated arithmetic");
  o.command = cmd;
  // An option given twice takes its last value, so scripts can append overrides to common flags.
  cmd->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  train::TrainingConfig& c = o.config;
  cmd->add_option("--config", o.config_file, "A .json or .toml file with config.json's keys; flags override it");
  cmd->add_option("--model", c.model, "mlp | cnn")->capture_default_str();
  cmd->add_option("--hidden", o.hidden, "MLP hidden widths, comma-separated")->capture_default_str();
  cmd->add_option("--data", c.data, "fashion-mnist | spirals | a directory of MNIST-format IDX files")->capture_default_str();
  cmd->add_option("--train-limit", c.train_limit, "Use only the first N training samples (0: all)");
  cmd->add_option("--test-limit", c.test_limit, "Use only the first N test samples (0: all)");
  cmd->add_option("--policy", c.policy, "Precision policy: a preset (fp32, amp-fp16, amp-bf16, pure-fp16, ...) or a .toml/.json file")
      ->capture_default_str();
  cmd->add_option("--scaler", c.scaler, "Loss scaler preset (pytorch, apex, deepspeed, megatron, keras3, tf-keras, flax, static, none); default: the policy's");
  cmd->add_option("--scale", c.scale, "Initial scale of the scaler (the fixed scale of 'static')");
  cmd->add_option("--optimizer", o.optimizer, "sgd | adam | adamw")->capture_default_str();
  cmd->add_option("--lr", c.optimizer.learning_rate, "Learning rate")->capture_default_str();
  cmd->add_option("--momentum", c.optimizer.momentum, "SGD momentum")->capture_default_str();
  cmd->add_option("--weight-decay", c.optimizer.weight_decay, "Weight decay (AdamW: decoupled)")->capture_default_str();
  cmd->add_option("--beta1", c.optimizer.beta1, "Adam beta1")->capture_default_str();
  cmd->add_option("--beta2", c.optimizer.beta2, "Adam beta2")->capture_default_str();
  cmd->add_option("--eps", c.optimizer.epsilon, "Adam epsilon (rounded into the optimizer-state format)")->capture_default_str();
  cmd->add_option("--epochs", c.epochs, "Epochs")->capture_default_str();
  cmd->add_option("--batch", c.batch, "Mini-batch size")->capture_default_str();
  cmd->add_option("--seed", c.seed, "Seed of initialisation, shuffles and stochastic rounding")->capture_default_str();
  cmd->add_option("--threads", c.threads, "Threads for matrix products (never changes a result bit)")->capture_default_str();
  cmd->add_flag("--no-count", o.no_count, "Do not count rounding events (the steps.csv event columns stay 0)");
  cmd->add_option("--checkpoint-every", c.checkpoint_every, "Steps between checkpoints (0: at epoch ends only)");
  cmd->add_option("--probe-every", c.probe_every,
                  "Probe every N-th step (step % N == 0): histograms.csv of every layer's tensors (0: off)");
  cmd->add_flag("--shadow", c.probe_shadow,
                "With --probe-every: run each probed step again in binary32 and write what it lost to shadow.csv");
  cmd->add_flag("--lost-updates", c.probe_lost_updates,
                "With --probe-every: count weight updates w + u == w of each probed step in updates.csv");
  cmd->add_option("--out", o.out, "Run directory to create (config.json, steps.csv, epochs.csv, checkpoint.bin, summary.json)");
  cmd->add_option("--resume", o.resume, "Continue the run in this directory from its checkpoint (other options ignored but --threads)");
  cmd->add_flag("--quiet", o.quiet, "No progress bar");
  return cmd;
}

int run_train_command(TrainOptions& o, std::ostream& out, std::ostream& err) {
  train::TrainingConfig config;
  try {
    if (o.resume.empty() == o.out.empty()) {
      err << "mpsim train: give exactly one of --out DIR (a new run) or --resume DIR\n";
      return usage_error;
    }
    if (!o.config_file.empty() && o.resume.empty()) {
      config = load_training_config_file(o.config_file);
      // Flags given on the command line override the file.
      const train::TrainingConfig& f = o.config;
      auto given = [&](const char* name) { return o.command->count(name) > 0; };
      if (given("--model")) config.model = f.model;
      if (given("--data")) config.data = f.data;
      if (given("--train-limit")) config.train_limit = f.train_limit;
      if (given("--test-limit")) config.test_limit = f.test_limit;
      if (given("--policy")) config.policy = f.policy;
      if (given("--scaler")) config.scaler = f.scaler;
      if (given("--scale")) config.scale = f.scale;
      if (given("--lr")) config.optimizer.learning_rate = f.optimizer.learning_rate;
      if (given("--momentum")) config.optimizer.momentum = f.optimizer.momentum;
      if (given("--weight-decay")) config.optimizer.weight_decay = f.optimizer.weight_decay;
      if (given("--beta1")) config.optimizer.beta1 = f.optimizer.beta1;
      if (given("--beta2")) config.optimizer.beta2 = f.optimizer.beta2;
      if (given("--eps")) config.optimizer.epsilon = f.optimizer.epsilon;
      if (given("--epochs")) config.epochs = f.epochs;
      if (given("--batch")) config.batch = f.batch;
      if (given("--seed")) config.seed = f.seed;
      if (given("--threads")) config.threads = f.threads;
      if (given("--checkpoint-every")) config.checkpoint_every = f.checkpoint_every;
      if (given("--probe-every")) config.probe_every = f.probe_every;
      if (given("--shadow")) config.probe_shadow = true;
      if (given("--lost-updates")) config.probe_lost_updates = true;
      if (given("--hidden")) config.hidden = parse_widths(o.hidden);
      if (given("--optimizer")) config.optimizer.kind = train::optimizer_kind(o.optimizer);
      if (given("--no-count")) config.count = false;
    } else if (o.resume.empty()) {
      config = o.config;
      config.hidden = parse_widths(o.hidden);
      config.optimizer.kind = train::optimizer_kind(o.optimizer);
      config.count = !o.no_count;
    } else {
      config = train::read_run_config(o.resume);
    }
    if (const std::string p = config.problem(); !p.empty()) {
      err << "mpsim train: " << p << "\n";
      return usage_error;
    }
    // Unknown names are usage errors, found before any data is loaded.
    const train::PrecisionPolicy policy = train::resolve_precision_policy(config.policy);
    train::scaler_config(config, policy);
  } catch (const std::exception& e) {
    err << "mpsim train: " << e.what() << "\n";
    return usage_error;
  }

  try {
    const data::TrainTest sets = data::load_named_sets(config.data, config.seed, config.train_limit, config.test_limit);
    ProgressBar bar(err, !o.quiet);
    train::RunHooks hooks;
    hooks.after_step = [&](const train::StepRecord& r, const train::Trainer& t) { bar.update(r, t); };
    hooks.after_epoch = [&](const train::EpochRecord& e) {
      char line[200];
      std::snprintf(line, sizeof line, "epoch %lld: train loss %.4f, test loss %.4f, test accuracy %.4f, skipped %lld, %.1f s\n",
                    static_cast<long long>(e.epoch + 1), e.train_loss, e.test.mean_loss, e.test.accuracy(),
                    static_cast<long long>(e.skipped), e.seconds);
      out << line << std::flush;
    };
    const std::string dir = o.resume.empty() ? o.out : o.resume;
    const int threads = o.command->count("--threads") ? o.config.threads : config.threads;
    const train::RunSummary s = o.resume.empty() ? train::start_run(config, sets, dir, hooks)
                                                 : train::resume_run(dir, sets, threads, hooks);
    char line[400];
    std::snprintf(line, sizeof line,
                  "final train loss %.4f, test accuracy %.4f (%zu/%zu), %lld steps, %lld skipped, "
                  "%llu underflows to zero, %llu overflows; run directory %s\n",
                  s.final_train_loss, s.test.accuracy(), s.test.correct, s.test.samples, static_cast<long long>(s.steps),
                  static_cast<long long>(s.skipped), static_cast<unsigned long long>(s.events.underflow_to_zero),
                  static_cast<unsigned long long>(s.events.overflowed), dir.c_str());
    out << line;
    return 0;
  } catch (const std::exception& e) {
    err << "\nmpsim train: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mpsim::cli
