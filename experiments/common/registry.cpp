// SPDX-License-Identifier: MIT
// The list of experiments (experiment.hpp).
#include <functional>
#include <string>
#include <vector>

#include "experiment.hpp"

namespace mpsim::experiments {

std::span<const Experiment> experiments() {
  // One line per experiment, in the order of docs/experiments.md.
  static const std::vector<Experiment> all{
      gradient_histogram(),
      loss_scale_sweep(),
      dynamic_scaling(),
      update_swamping(),
      format_shootout(),
      memory_and_speed(),
  };
  return all;
}

const Experiment* find_experiment(std::string_view name) {
  for (const Experiment& e : experiments()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string experiment_names() {
  std::string names;
  for (const Experiment& e : experiments()) names += (names.empty() ? "" : ", ") + std::string(e.name);
  return names;
}

}  // namespace mpsim::experiments
