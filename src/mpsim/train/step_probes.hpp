// SPDX-License-Identifier: MIT
// Step probes: what Trainer::step(&probes) measures of one training step besides its record
// (docs/probes.md): log2 histograms of every layer's tensors, a binary32 shadow of the same
// forward/backward (what the low-precision step lost against it), and the weight updates the
// optimizer step lost (w + u == w). Off (a null StepProbes*) costs nothing; on, the real step is
// bit-identical to one without probes.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mpsim/nn/probe.hpp"
#include "mpsim/nn/sequential.hpp"
#include "mpsim/nn/softmax_cross_entropy.hpp"
#include "mpsim/train/histogram_probe.hpp"
#include "mpsim/train/precision_policy.hpp"

namespace mpsim::train {

struct StepProbeOptions {
  bool histograms = true;  // a HistogramProbe over every (layer, role) of this step
  bool shadow = false;     // the same forward/backward in binary32 from the same inputs
  bool updates = false;    // lost weight updates of this step's optimizer step
};

// What the low-precision step lost against its binary32 shadow, per (layer, role) observed.
struct ShadowStats {
  std::string layer, role;
  std::uint64_t values = 0;          // elements compared
  std::uint64_t shadow_nonzero = 0;  // nonzero in the binary32 shadow (inf and NaN are nonzero)
  std::uint64_t lost_to_zero = 0;    // nonzero in the shadow, zero in the run
  std::uint64_t to_nonfinite = 0;    // finite in the shadow, inf/NaN in the run
};

// w + u == w: per parameter, elements whose computed update u was nonzero but the stored weight
// (master copy where the policy has one, else the working copy) did not change (compared as
// values: +0 and -0 are the same weight).
struct UpdateStats {
  std::string parameter;
  std::uint64_t elements = 0, nonzero_updates = 0, lost_updates = 0;
};

struct StepProbes {
  StepProbeOptions options;
  // Also shown every tensor of the real step (after the histograms and the shadow comparison),
  // for an experiment's own measurements; it must not change a tensor. Null: none.
  nn::TensorProbe* observer = nullptr;
  // filled by Trainer::step(&probes) (cleared first):
  HistogramProbe histograms;
  std::vector<ShadowStats> shadow;   // in the order the real step observed them
  std::vector<UpdateStats> updates;  // parameter order; empty when the step was skipped
  void clear();
};

// The run directory's shadow.csv and updates.csv (docs/probes.md): header lines (no newline)
// and the rows of one step.
std::string_view shadow_csv_header();
void append_shadow_csv_rows(std::string& out, std::int64_t step, const std::vector<ShadowStats>& stats);
std::string_view updates_csv_header();
void append_updates_csv_rows(std::string& out, std::int64_t step, const std::vector<UpdateStats>& stats);

namespace detail {

// Whether each element of the shadow's tensors was nonzero and finite, per (layer, role), then
// the comparison of the real step's tensors against them. A TensorProbe in two phases:
// record() while the shadow runs, compare() while the real step runs.
class ShadowComparison final : public nn::TensorProbe {
 public:
  void record();                       // forgets everything; observe() records the shadow
  void compare();                      // observe() compares the real step's tensors
  void observe(std::string_view layer, std::string_view role, const Tensor& t) override;
  std::vector<ShadowStats> take_stats();  // the comparison, in first-compared order

 private:
  struct Recorded {
    std::vector<std::uint8_t> flags;  // bit 0 nonzero, bit 1 finite
    std::size_t compared = 0;         // elements compared so far (a role observed twice continues)
    std::size_t stats = SIZE_MAX;     // index into stats_
  };
  bool recording_ = true;
  std::map<std::pair<std::string, std::string>, Recorded> recorded_;
  std::vector<ShadowStats> stats_;
};

// Shows every tensor to each non-null probe in turn.
class ProbeFanOut final : public nn::TensorProbe {
 public:
  ProbeFanOut(nn::TensorProbe* a, nn::TensorProbe* b) : a_(a), b_(b) {}
  void observe(std::string_view layer, std::string_view role, const Tensor& t) override;

 private:
  nn::TensorProbe* a_;
  nn::TensorProbe* b_;
};

// The binary32 twin of a run's model: the "fp32" preset's LayerPrecision, its own loss and
// Context (no counters, no stochastic draws, no fp8 caster). run() copies the real parameter
// values (low-precision values are binary32 values) and runs forward, loss and backward of the
// unscaled loss, showing every tensor to `probe`. It never touches the real model.
class ShadowModel {
 public:
  // `model` built like the real one but with binary32 parameters.
  explicit ShadowModel(nn::Sequential model);
  void run(const std::vector<nn::Parameter*>& real_parameters, const Tensor& x, std::span<const int> labels,
           int threads, nn::TensorProbe& probe);

 private:
  PrecisionPolicy fp32_;
  nn::Sequential model_;
  nn::SoftmaxCrossEntropy loss_;
};

}  // namespace detail
}  // namespace mpsim::train
