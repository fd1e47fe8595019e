// SPDX-License-Identifier: MIT
// memory_and_speed: how many bytes do the weights, gradients, optimizer state and activations of
// a training step take under each precision policy (the "halves memory" claim of mixed precision,
// Micikevicius et al. 2018, FACTS.md 5, counted rather than assumed), what does emulating each
// policy cost on the CPU, and, where the CUDA backend is built and a GPU is present, how much
// faster are fp16 and bf16 matrix products than fp32 on the real card?
//
//   1. For each policy: build the Trainer (MLP by default), run one step with probes whose
//      observer sees every activation of the forward (role "activation": what the layers keep for
//      backward), then count from the tensors themselves: each Parameter's value and grad, the
//      optimizer's state() tensors, fp8 scaling state, and the observed activations, each as
//      elements x the storage bytes of its format (1, 2, 4 or 8), not of the float container.
//   2. Time `timed_steps` further plain steps on one thread: CPU seconds per step, against fp32.
//      This is the emulator's cost (every rounding done in software), not a hardware speed.
//   3. measure_gemm_speed (mpsim/cuda/gemm_speed.hpp): cuBLAS fp32, fp16 and bf16 GEMMs of
//      gemm_size^3 on the first device; without CUDA or a device it measures nothing and the
//      summary says "not measured: <why>".
//   4. Write memory.csv, memory_totals.csv, speed.csv, gemm.csv (when measured) and the plots.
#include <time.h>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "common/experiment.hpp"
#include "common/training.hpp"
#include "mpsim/cuda/gemm_speed.hpp"
#include "mpsim/nn/probe.hpp"
#include "mpsim/train/step_probes.hpp"
#include "mpsim/train/trainer.hpp"

namespace mpsim::experiments {
namespace {

// Bytes one element of `f` occupies in memory: its storage bits in the smallest power-of-two
// container (TF32's 19 bits sit in 4 bytes, as on a GPU).
std::uint64_t storage_bytes(const Format& f) {
  const int bits = f.storage_bits();
  return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}

const std::vector<std::string>& categories() {
  static const std::vector<std::string> names{"weights", "weight_gradients", "optimizer_state", "activations",
                                              "scaling_state"};
  return names;
}

// Elements and bytes per (category, format name).
struct Usage {
  std::uint64_t tensors = 0, elements = 0, bytes = 0;
};
using MemoryCount = std::map<std::pair<std::string, std::string>, Usage>;

void add(MemoryCount& count, const std::string& category, const Tensor& t) {
  Usage& u = count[{category, std::string(t.format().name)}];
  ++u.tensors;
  u.elements += t.size();
  u.bytes += t.size() * storage_bytes(t.format());
}

// The activations one forward produces (role "activation"), counted as they pass, and one
// "layer,format,elements,bytes" row each.
class ActivationCounter final : public nn::TensorProbe {
 public:
  explicit ActivationCounter(MemoryCount& count) : count_(count) {}
  void observe(std::string_view layer, std::string_view role, const Tensor& t) override {
    if (role != nn::probe_role::activation) return;
    add(count_, "activations", t);
    rows_ += std::string(layer) + "," + std::string(t.format().name) + "," + std::to_string(t.size()) + "," +
             std::to_string(t.size() * storage_bytes(t.format())) + "\n";
  }
  const std::string& rows() const { return rows_; }

 private:
  MemoryCount& count_;
  std::string rows_;
};

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct PolicyMeasurement {
  MemoryCount memory;
  std::string activation_rows;  // layer,format,elements,bytes
  std::map<std::string, std::uint64_t> category_bytes;
  std::uint64_t total_bytes = 0;
  int timed_steps = 0, nonfinite_losses = 0;  // timed steps whose loss was inf/NaN (a diverged run)
  double cpu_per_step = 0, wall_per_step = 0;
};

// Steps 1 and 2 for one policy, on the calling thread (the trainer runs with one thread).
PolicyMeasurement measure(const train::TrainingConfig& tc, const data::Dataset& train_set, int timed_steps) {
  PolicyMeasurement m;
  train::Trainer trainer(tc, train_set);
  if (trainer.total_steps() < 1 + timed_steps) {
    throw ConfigError("the run has " + std::to_string(trainer.total_steps()) + " steps; timed_steps + 1 = " +
                      std::to_string(timed_steps + 1) + " needed (raise train_limit or epochs)");
  }
  ActivationCounter activations(m.memory);
  train::StepProbes probes;
  probes.options = {.histograms = false, .shadow = false, .updates = false};
  probes.observer = &activations;
  trainer.step(&probes);
  m.activation_rows = activations.rows();
  for (const nn::Parameter* p : trainer.parameters()) {
    add(m.memory, "weights", p->value);
    add(m.memory, "weight_gradients", p->grad);
  }
  const train::Trainer::Snapshot snapshot = trainer.snapshot();
  for (const train::NamedTensor& t : snapshot.optimizer) add(m.memory, "optimizer_state", t.tensor);
  for (const train::NamedTensor& t : snapshot.fp8) add(m.memory, "scaling_state", t.tensor);
  for (const auto& [key, usage] : m.memory) {
    m.category_bytes[key.first] += usage.bytes;
    m.total_bytes += usage.bytes;
  }

  const double cpu_start = cpu_seconds();
  const auto wall_start = std::chrono::steady_clock::now();
  for (int s = 0; s < timed_steps; ++s) m.nonfinite_losses += !std::isfinite(trainer.step().loss);
  m.timed_steps = timed_steps;
  m.cpu_per_step = (cpu_seconds() - cpu_start) / timed_steps;
  m.wall_per_step = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count() / timed_steps;
  return m;
}

std::string mib(std::uint64_t bytes) {
  std::ostringstream s;
  s.precision(3);
  s << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MiB";
  return s.str();
}

void gpu_speed(const Config& config, Output& out) {
  const std::int64_t size = config.integer("gemm_size"), repeats = config.integer("gemm_repeats");
  if (size < 1 || size > 65536 || repeats < 1 || repeats > 1000) {
    throw ConfigError("gemm_size must be in 1..65536 and gemm_repeats in 1..1000");
  }
  std::string why;
  const int n = static_cast<int>(size);
  const std::optional<cuda::GemmSpeed> g = config.flag("gpu") ? cuda::measure_gemm_speed(n, n, n, static_cast<int>(repeats), why)
                                                              : std::nullopt;
  if (!config.flag("gpu")) why = "gpu = false in the config";
  nlohmann::json& s = out.summary()["gpu"];
  if (!g) {
    s["measured"] = false;
    s["why"] = why;
    out.say("GPU speed-up of fp16/bf16 over fp32 GEMMs: not measured: " + why);
    return;
  }
  std::ostringstream csv;
  csv.precision(9);
  csv << "device,m,n,k,repeats,format,seconds,tflops,speedup_vs_fp32\n";
  const struct {
    const char* name;
    double seconds, tflops;
  } rows[] = {{"fp32", g->seconds_fp32, g->tflops_fp32}, {"fp16", g->seconds_fp16, g->tflops_fp16},
              {"bf16", g->seconds_bf16, g->tflops_bf16}};
  for (const auto& r : rows) {
    csv << '"' << g->device << "\"," << g->m << "," << g->n << "," << g->k << "," << g->repeats << "," << r.name << ","
        << r.seconds << "," << r.tflops << "," << g->seconds_fp32 / r.seconds << "\n";
  }
  out.write("gemm.csv", csv.str());
  s["measured"] = true;
  s["device"] = g->device;
  s["m"] = g->m, s["n"] = g->n, s["k"] = g->k, s["repeats"] = g->repeats;
  s["seconds_fp32"] = g->seconds_fp32, s["seconds_fp16"] = g->seconds_fp16, s["seconds_bf16"] = g->seconds_bf16;
  s["tflops_fp32"] = g->tflops_fp32, s["tflops_fp16"] = g->tflops_fp16, s["tflops_bf16"] = g->tflops_bf16;
  s["speedup_fp16"] = g->seconds_fp32 / g->seconds_fp16;
  s["speedup_bf16"] = g->seconds_fp32 / g->seconds_bf16;
  std::ostringstream line;
  line.precision(3);
  line << g->device << ", cuBLAS " << g->m << "x" << g->n << "x" << g->k << " GEMM: fp32 " << g->tflops_fp32
       << " TFLOP/s, fp16 " << g->tflops_fp16 << " (x" << g->seconds_fp32 / g->seconds_fp16 << "), bf16 " << g->tflops_bf16
       << " (x" << g->seconds_fp32 / g->seconds_bf16 << ")";
  out.say(line.str());
  std::ostringstream p;
  p << "set title \"cuBLAS GEMM " << g->m << "x" << g->n << "x" << g->k << " on " << g->device
    << " (median of " << g->repeats << ", float32 accumulation)\"\n"
    << "set ylabel 'TFLOP/s'\nset yrange [0:*]\nset style data histograms\nset style fill solid 0.9 border -1\n"
       "set boxwidth 0.6\nset grid ytics\nset datafile separator ','\nset key autotitle columnheader\n"
       "plot 'gemm.csv' using 8:xtic(6) linecolor rgb '#2e86c1' notitle, '' using 0:8:(sprintf('%.1f TFLOP/s (x%.2f)', $8, $9)) "
       "with labels offset 0,1 notitle\n";
  out.plot("gemm", p.str());
}

void run(const Config& config, Output& out) {
  const std::vector<std::string> policies = config.texts("policies");
  if (policies.empty()) throw ConfigError("policies must name at least one policy");
  const std::int64_t timed_steps = config.integer("timed_steps");
  if (timed_steps < 1 || timed_steps > 100000) throw ConfigError("timed_steps must be in 1..100000");
  const data::TrainTest sets = load_sets(config);

  std::vector<train::TrainingConfig> configs;
  for (const std::string& policy : policies) {
    train::resolve_precision_policy(policy);  // std::invalid_argument naming the presets
    configs.push_back(training_config(config, policy));
    configs.back().threads = 1;
  }
  // Sequential, one thread each: the CPU times are of one policy at a time.
  std::vector<PolicyMeasurement> measured;
  for (const train::TrainingConfig& tc : configs) measured.push_back(measure(tc, sets.train, static_cast<int>(timed_steps)));
  const std::size_t reference = [&] {
    for (std::size_t i = 0; i < policies.size(); ++i) {
      if (policies[i] == "fp32") return i;
    }
    return std::size_t{0};
  }();

  std::ostringstream memory_csv, totals_csv, speed_csv, activations_csv;
  memory_csv << "policy,category,format,tensors,elements,bytes\n";
  activations_csv << "policy,layer,format,elements,bytes\n";
  totals_csv << "policy";
  for (const std::string& c : categories()) totals_csv << "," << c;
  totals_csv << ",total,ratio_vs_" << policies[reference] << "\n";
  speed_csv.precision(6);
  speed_csv << "policy,timed_steps,cpu_seconds_per_step,wall_seconds_per_step,cpu_ratio_vs_" << policies[reference]
            << ",nonfinite_losses\n";
  const PolicyMeasurement& ref = measured[reference];
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const PolicyMeasurement& m = measured[i];
    for (const auto& [key, u] : m.memory) {
      memory_csv << policies[i] << "," << key.first << "," << key.second << "," << u.tensors << "," << u.elements << ","
                 << u.bytes << "\n";
    }
    std::istringstream rows(m.activation_rows);
    for (std::string row; std::getline(rows, row);) activations_csv << policies[i] << "," << row << "\n";
    totals_csv << policies[i];
    for (const std::string& c : categories()) totals_csv << "," << (m.category_bytes.contains(c) ? m.category_bytes.at(c) : 0);
    const double ratio = static_cast<double>(m.total_bytes) / static_cast<double>(ref.total_bytes);
    totals_csv << "," << m.total_bytes << "," << ratio << "\n";
    speed_csv << policies[i] << "," << m.timed_steps << "," << m.cpu_per_step << "," << m.wall_per_step << ","
              << m.cpu_per_step / ref.cpu_per_step << "," << m.nonfinite_losses << "\n";

    nlohmann::json& s = out.summary()["policies"][policies[i]];
    for (const std::string& c : categories()) s[c + "_bytes"] = m.category_bytes.contains(c) ? m.category_bytes.at(c) : 0;
    s["total_bytes"] = m.total_bytes;
    s["memory_ratio_vs_reference"] = ratio;
    s["cpu_seconds_per_step"] = m.cpu_per_step;
    s["cpu_ratio_vs_reference"] = m.cpu_per_step / ref.cpu_per_step;
    s["timed_nonfinite_losses"] = m.nonfinite_losses;
    std::ostringstream line;
    line.precision(3);
    line << policies[i] << ": " << mib(m.total_bytes) << " (x" << ratio << " of " << policies[reference]
         << "; activations " << mib(m.category_bytes.contains("activations") ? m.category_bytes.at("activations") : 0)
         << "), emulated step " << 1e3 * m.cpu_per_step << " ms CPU (x" << m.cpu_per_step / ref.cpu_per_step << ")"
         << (m.nonfinite_losses ? " [" + std::to_string(m.nonfinite_losses) + " of the timed steps had a NaN/inf loss]" : "");
    out.say(line.str());
  }
  out.summary()["reference_policy"] = policies[reference];
  out.summary()["batch"] = config.integer("batch");
  out.write("memory.csv", memory_csv.str());
  out.write("memory_totals.csv", totals_csv.str());
  out.write("speed.csv", speed_csv.str());
  out.write("activations.csv", activations_csv.str());

  // Stacked bars of bytes per category, one bar per policy.
  const char* colours[] = {"#2e86c1", "#e67e22", "#8e44ad", "#27ae60", "#7f8c8d"};
  const char* titles[] = {"weights (Parameter values)", "weight gradients", "optimizer state", "activations (one batch)",
                          "fp8 scaling state"};
  std::ostringstream p;
  p << "set title \"Training-step memory per policy, counted from the tensors (MLP, batch " << config.integer("batch")
    << "; storage bytes of each tensor's format)\"\n"
    << "set ylabel 'MiB'\nset yrange [0:*]\nset style data histograms\nset style histogram rowstacked\n"
       "set style fill solid 0.9 border -1\nset boxwidth 0.6\nset grid ytics\nset key outside right top\n"
       "set xtics rotate by -25 nomirror\nset datafile separator ','\nset key autotitle columnheader\nplot ";
  for (std::size_t c = 0; c < categories().size(); ++c) {
    p << (c ? ", " : "") << "'memory_totals.csv' using ($" << c + 2 << "/1048576)" << (c == 0 ? ":xtic(1)" : "")
      << " linecolor rgb '" << colours[c] << "' title '" << titles[c] << "'";
  }
  const std::size_t total_column = categories().size() + 2;
  p << ", '' using 0:($" << total_column << "/1048576):(sprintf('x%.2f', $" << total_column + 1
    << ")) with labels offset 0,0.8 notitle\n";
  out.plot("memory", p.str());

  std::ostringstream q;
  q << "set title \"Emulator CPU time per training step (one thread, " << timed_steps
    << " steps; the cost of software rounding, not hardware speed)\"\n"
    << "set ylabel 'CPU milliseconds per step'\nset logscale y\nset yrange [*:*]\nset style data histograms\n"
       "set style fill solid 0.9 border -1\nset boxwidth 0.6\nset grid ytics\nunset key\n"
       "set xtics rotate by -25 nomirror\nset datafile separator ','\nset key autotitle columnheader\n"
       "plot 'speed.csv' using ($3*1000):xtic(1) linecolor rgb '#c0392b' notitle, '' using 0:($3*1000):($6 > 0 ? "
       "sprintf('x%.1f (NaN loss)', $5) : sprintf('x%.1f', $5)) "
       "with labels offset 0,0.8 notitle\n";
  out.plot("speed", q.str());

  gpu_speed(config, out);
}

}  // namespace

const Experiment& memory_and_speed() {
  static const Experiment e{
      .name = "memory_and_speed",
      .question = "How many bytes do weights, gradients, optimizer state and activations take per policy, what does "
                  "emulating each cost, and how much faster are fp16/bf16 GEMMs than fp32 on a GPU?",
      .defaults = [] {
        return with_training_defaults(
            {{"policies", {"fp32", "amp-fp16", "amp-bf16", "pure-fp16", "pure-bf16", "pure-bf16-sr", "pure-bf16-kahan", "fp8"}},
             {"timed_steps", 10},
             {"gpu", true},
             {"gemm_size", 8192},
             {"gemm_repeats", 20}});
      },
      .full = [] { return nlohmann::json{{"timed_steps", 40}, {"gemm_repeats", 100}}; },
      .quick = [] {
        return nlohmann::json{{"policies", {"fp32", "amp-fp16", "pure-bf16", "fp8"}}, {"train_limit", 512},
                              {"test_limit", 64}, {"hidden", {64, 32}}, {"timed_steps", 2}, {"gemm_size", 1024},
                              {"gemm_repeats", 5}};
      },
      .run = run,
  };
  return e;
}

}  // namespace mpsim::experiments
