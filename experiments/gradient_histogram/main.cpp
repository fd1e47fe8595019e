// SPDX-License-Identifier: MIT
// gradient_histogram: where do the activation gradients of a network trained in fp32 lie on
// fp16's number line, and how many would fp16 lose? The analogue of Micikevicius et al. 2018,
// Fig. 3 (FACTS.md 5), on Fashion-MNIST with the MLP and the CNN.
//
//   1. Train each model in binary32 (policy fp32); every probe_every steps, record the log2
//      histogram of every layer's tensors (probes, docs/probes.md) and scan the activation
//      gradients (role grad_output: the gradient each layer receives).
//   2. The scan multiplies each activation gradient by 2^s (exact in binary32) for
//      s = 0 .. max_scale_log2 and rounds it to fp16 with the bit-exact core (round_array,
//      round to nearest even), counting what becomes zero, subnormal, or overflows.
//   3. Write histogram.csv, scales.csv, markers.csv and the plots.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "common/experiment.hpp"
#include "common/format_ranges.hpp"
#include "common/training.hpp"
#include "mpsim/array/round_array.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/instrument/log2_histogram.hpp"
#include "mpsim/nn/probe.hpp"
#include "mpsim/train/step_probes.hpp"

namespace mpsim::experiments {
namespace {

// What becomes of the activation gradients under each scale 2^s when cast to fp16.
struct ScaleCounts {
  std::uint64_t values = 0, nonzero = 0, lost_to_zero = 0, subnormal = 0, overflow = 0;
};

class ActivationGradientScan final : public nn::TensorProbe {
 public:
  explicit ActivationGradientScan(int max_scale_log2) : counts_(static_cast<std::size_t>(max_scale_log2) + 1) {}

  void observe(std::string_view, std::string_view role, const Tensor& t) override {
    if (role != nn::probe_role::grad_output) return;
    const std::span<const float> g = t.values();
    const std::uint64_t nonzero = static_cast<std::uint64_t>(std::count_if(g.begin(), g.end(), [](float x) { return x != 0.0f; }));
    scaled_.resize(g.size());
    for (std::size_t s = 0; s < counts_.size(); ++s) {
      const float scale = std::ldexp(1.0f, static_cast<int>(s));
      for (std::size_t i = 0; i < g.size(); ++i) scaled_[i] = g[i] * scale;  // exact: a power of two
      const ArrayOutcome o = round_array(binary16, Env{}, scaled_, scaled_);
      ScaleCounts& c = counts_[s];
      c.values += g.size();
      c.nonzero += nonzero;
      c.lost_to_zero += o.counts.underflow_to_zero;
      c.subnormal += o.counts.subnormal_results;
      c.overflow += o.counts.overflowed;
    }
  }
  const std::vector<ScaleCounts>& counts() const { return counts_; }

 private:
  std::vector<ScaleCounts> counts_;
  std::vector<float> scaled_;
};

using HistogramKey = std::pair<std::string, std::string>;  // (layer, role)

std::string percent(double fraction) {
  std::ostringstream s;
  s.precision(fraction < 0.001 ? 2 : 3);
  s << 100.0 * fraction << "%";
  return s.str();
}

// The bars of one histogram for gnuplot: x_low x_high percent (of all values), the zero bin
// drawn one gap left of the smallest nonzero bin.
std::string bars(const Log2Histogram& h, int& x_min, int& x_max, double& zero_x) {
  int lo = Log2Histogram::max_exponent, hi = Log2Histogram::min_exponent;
  for (int k = Log2Histogram::min_exponent; k <= Log2Histogram::max_exponent; ++k) {
    if (h.exponent_count(k)) lo = std::min(lo, k), hi = std::max(hi, k);
  }
  x_min = std::min(lo, -26) - 5;
  x_max = std::max(hi, 16) + 2;
  zero_x = x_min + 1;  // the zero bar, two binades left of the first tick
  std::ostringstream d;
  d << "# x_low x_high percent\n";
  const double total = static_cast<double>(h.total());
  d << zero_x - 0.5 << " " << zero_x + 0.5 << " " << 100.0 * static_cast<double>(h.zeros()) / total << "\n";
  for (int k = lo; k <= hi; ++k) {
    if (h.exponent_count(k)) d << k << " " << k + 1 << " " << 100.0 * static_cast<double>(h.exponent_count(k)) / total << "\n";
  }
  return d.str();
}

void run(const Config& config, Output& out) {
  const data::TrainTest sets = load_sets(config);
  const int max_scale_log2 = static_cast<int>(config.integer("max_scale_log2"));
  if (max_scale_log2 < 0 || max_scale_log2 > 40) throw ConfigError("max_scale_log2 must be in 0..40");
  const std::int64_t probe_every = config.integer("probe_every");
  if (probe_every < 1) throw ConfigError("probe_every must be >= 1");

  std::string histogram_csv = "model,layer,role," + std::string(Log2Histogram::csv_header()) + "\n";
  std::string scales_csv = "model,scale_log2,values,nonzero,lost_to_zero,lost_fraction,subnormal,overflow\n";
  std::string plot_lost = "set title 'Activation gradients lost when cast to fp16 after scaling by 2^s (fp32 training)'\n"
                          "set xlabel 'loss scale log_2 s'\nset ylabel '% of nonzero activation gradients'\n"
                          "set logscale y\nset format y '10^{%L}'\nset grid\nset key top right\n"
                          "set datafile separator ','\nplot ";
  bool first_model = true;
  std::string zeros_line, lost_line, plots_line;  // the three summary lines, over the models
  for (const std::string& model : config.texts("models")) {
    Config model_config = config;
    model_config.merge(nlohmann::json{{"model", model}}, "models");
    const train::TrainingConfig tc = training_config(model_config, "fp32");

    ActivationGradientScan scan(max_scale_log2);
    train::StepProbes probes;
    probes.options.histograms = true;
    probes.observer = &scan;
    std::map<HistogramKey, Log2Histogram> totals;
    std::vector<HistogramKey> order;
    std::int64_t probed_steps = 0;
    const TrainedRun trained = train_run(
        tc, sets, "gradient_histogram " + model,
        [&](std::int64_t step) { return step % probe_every == 0 ? &probes : nullptr; },
        [&](const train::StepRecord&, train::StepProbes* p) {
          if (!p) return;
          ++probed_steps;
          for (const auto& e : p->histograms.entries()) {
            const HistogramKey key{e.layer, e.role};
            if (!totals.contains(key)) order.push_back(key);
            totals[key] += e.histogram;
            const HistogramKey all{"all", e.role};
            if (!totals.contains(all)) order.push_back(all);
            totals[all] += e.histogram;
          }
        });

    for (const HistogramKey& key : order) {
      totals.at(key).append_csv_rows(histogram_csv, model + "," + key.first + "," + key.second + ",");
    }
    for (std::size_t s = 0; s < scan.counts().size(); ++s) {
      const ScaleCounts& c = scan.counts()[s];
      std::ostringstream row;
      row.precision(9);
      row << model << "," << s << "," << c.values << "," << c.nonzero << "," << c.lost_to_zero << ","
          << (c.nonzero ? static_cast<double>(c.lost_to_zero) / static_cast<double>(c.nonzero) : 0.0) << ","
          << c.subnormal << "," << c.overflow << "\n";
      scales_csv += row.str();
    }

    // The histogram plot of all activation gradients.
    const Log2Histogram& all = totals.at({"all", std::string(nn::probe_role::grad_output)});
    int x_min = 0, x_max = 0;
    double zero_x = 0;
    out.write("bars_" + model + ".dat", bars(all, x_min, x_max, zero_x));
    const ScaleCounts& unscaled = scan.counts()[0];
    const double zero_share = static_cast<double>(all.zeros()) / static_cast<double>(all.total());
    const double lost_share = unscaled.nonzero ? static_cast<double>(unscaled.lost_to_zero) / static_cast<double>(unscaled.nonzero) : 0.0;
    std::ostringstream p;
    p << "set title \"Activation gradients of the " << (model == "cnn" ? "CNN" : "MLP") << ", fp32 training on "
      << config.text("data") << " (" << all.total() << " values, " << probed_steps << " steps probed)\\n"
      << percent(zero_share) << " of the values are zero; " << percent(lost_share)
      << " of the nonzero ones become 0 in fp16 without loss scaling\"\n";
    p << "set xlabel 'log_2 |activation gradient|   (leftmost bar: exact zeros)'\n";
    // A log y axis: the tail near fp16's flush threshold is a tiny share beside the zero bar.
    const double smallest = 100.0 / static_cast<double>(all.total());
    const double y_min = std::pow(10.0, std::floor(std::log10(smallest)));
    p << "set ylabel '% of all values (log scale)'\nset logscale y\nset format y '10^{%L}'\n";
    p << "set ytics " << y_min << ", 100, 100\n";
    p << "set yrange [" << y_min << ":" << 100.0 * std::pow(10.0, 0.45 * (2.0 - std::log10(y_min))) << "]\n";
    const int first_tick = 4 * static_cast<int>(std::ceil((zero_x + 3) / 4.0));
    p << "set xrange [" << x_min << ":" << x_max << "]\nset xtics " << first_tick << ", 4\nset mxtics 4\nset grid xtics\n";
    p << "set xtics add ('0' " << zero_x << ")\n";
    p << gnuplot_format_ranges(x_min, x_max);
    p << "set style fill solid 0.85 border rgb '#1f3a60'\nunset key\n";
    p << "plot 'bars_" << model << ".dat' using (($1+$2)/2):3:1:2:(" << y_min << "):3 with boxxyerror linecolor rgb '#2e86c1'\n";
    out.plot("histogram_" + model, p.str());

    plot_lost += std::string(first_model ? "" : ", ") + "'scales.csv' using ($2):(strcol(1) eq '" + model +
                 "' && $6 > 0 ? 100*$6 : 1/0) with linespoints pointtype 7 title '" + model + ": lost to zero'" +
                 ", 'scales.csv' using ($2):(strcol(1) eq '" + model + "' && $8 > 0 ? 100*$8/$4 : 1/0) with linespoints " +
                 "pointtype 5 dashtype 2 title '" + model + ": overflow to inf'";
    first_model = false;

    // The smallest scale that loses the fewest values without any overflow.
    std::size_t best = 0;
    for (std::size_t s = 0; s < scan.counts().size(); ++s) {
      const ScaleCounts& c = scan.counts()[s];
      if (c.overflow == 0 && c.lost_to_zero < scan.counts()[best].lost_to_zero) best = s;
    }
    const ScaleCounts& b = scan.counts()[best];
    const double best_lost = b.nonzero ? static_cast<double>(b.lost_to_zero) / static_cast<double>(b.nonzero) : 0.0;
    nlohmann::json& s = out.summary()[model];
    s["values"] = all.total();
    s["zero_fraction"] = zero_share;
    s["lost_fraction_unscaled"] = lost_share;
    s["best_scale_log2"] = best;
    s["lost_fraction_best_scale"] = best_lost;
    s["test_accuracy"] = trained.test.accuracy();
    s["probed_steps"] = probed_steps;
    s["seconds"] = trained.seconds;
    const double subnormal_share =
        unscaled.nonzero ? static_cast<double>(unscaled.subnormal) / static_cast<double>(unscaled.nonzero) : 0.0;
    s["subnormal_fraction_unscaled"] = subnormal_share;
    zeros_line += std::string(zeros_line.empty() ? "" : ", ") + model + " " + percent(zero_share);
    lost_line += std::string(lost_line.empty() ? "" : "; ") + model + " loses " + percent(lost_share) + " (and " +
                 percent(subnormal_share) + " become subnormals), with scale 2^" + std::to_string(best) + " " +
                 percent(best_lost);
    plots_line += std::string(plots_line.empty() ? "" : ", ") + "histogram_" + model + ".png";
  }
  out.say("Activation gradients of fp32 training that are exactly zero: " + zeros_line +
          " (Micikevicius et al. 2018, SSD: 67%)");
  out.say("Of the nonzero ones, fp16 without loss scaling: " + lost_line +
          " (the smallest scale losing the fewest without overflow)");
  out.say("Plots: " + (out.final_dir() / "").string() + "{" + plots_line + ", lost_vs_scale.png}");
  out.write("histogram.csv", histogram_csv);
  out.write("scales.csv", scales_csv);
  out.write("markers.csv", markers_csv());
  out.plot("lost_vs_scale", plot_lost + "\n");
}

}  // namespace

const Experiment& gradient_histogram() {
  static const Experiment e{
      .name = "gradient_histogram",
      .question = "Where do activation gradients lie on fp16's number line, and how many does fp16 lose at each loss scale?",
      .defaults = [] {
        return with_training_defaults({{"models", {"mlp", "cnn"}}, {"probe_every", 10}, {"max_scale_log2", 24}});
      },
      .full = [] { return nlohmann::json{{"train_limit", 0}, {"test_limit", 0}, {"epochs", 5}, {"probe_every", 50}}; },
      .quick = [] {
        return nlohmann::json{{"models", {"mlp"}}, {"train_limit", 512}, {"test_limit", 256}, {"probe_every", 2},
                              {"hidden", {64, 32}}};
      },
      .run = run,
  };
  return e;
}

}  // namespace mpsim::experiments
