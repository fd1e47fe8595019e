// SPDX-License-Identifier: MIT
// Experiment: one research question of mpsim, run as `mpsim run NAME` or as the standalone
// binary build/bin/NAME. Its configuration has three sizes: the default (the short version: a
// few minutes on 2 cores), `--full` (the published-length version) and `--quick` (seconds:
// tests and notebooks in CI). The registry lists every experiment (registry.cpp).
#pragma once

#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "output.hpp"

namespace mpsim::experiments {

struct Experiment {
  std::string_view name;      // "gradient_histogram"
  std::string_view question;  // one line: what it measures
  nlohmann::json (*defaults)();         // every key with its short-version value
  nlohmann::json (*full)();             // overrides for the full-length version
  nlohmann::json (*quick)();            // overrides for the seconds-long version
  void (*run)(const Config& config, Output& out);  // writes data, plots, summary; throws on failure
};

// Every experiment, in the order of issue 5.
std::span<const Experiment> experiments();
// The experiment called `name`, or null.
const Experiment* find_experiment(std::string_view name);
// "a, b, c": the names, for error messages.
std::string experiment_names();

// The experiments (each defined in experiments/NAME/main.cpp).
const Experiment& gradient_histogram();
const Experiment& loss_scale_sweep();
const Experiment& dynamic_scaling();
const Experiment& update_swamping();
const Experiment& format_shootout();
const Experiment& memory_and_speed();

}  // namespace mpsim::experiments
