// SPDX-License-Identifier: MIT
// `mpsim scaler --preset P [--init S] [--growth G] [--backoff B] [--interval N] [--hysteresis H]
// [--min M] [--max M] --steps N [--overflow-at LIST]`: what a loss scaler does, step by step,
// for a scripted sequence of overflowing steps (src/mpsim/train/loss_scaler.hpp).
#pragma once

#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace mpsim::cli {

struct ScalerOptions {
  std::string preset;
  // Overrides of the preset's parameters; empty: the preset's value. Kept as text so that every
  // value, given or not, is read and checked the same way.
  std::string init, growth, backoff, interval, hysteresis, min, max;
  std::int64_t steps = 0;
  std::string overflow_at;  // "3,10-12": steps 3, 10, 11 and 12 found an inf or NaN
};

CLI::App* add_scaler_command(CLI::App& app, ScalerOptions& options);
// 0 success; 1 the scaler raised at its minimum (DeepSpeed) after the lines so far; 2 bad arguments.
int run_scaler_command(const ScalerOptions& options, std::ostream& out, std::ostream& err);

// The steps of a list like "3,10-12" (1-based, each at most `steps`); an empty text is no step.
// Throws std::invalid_argument saying what is wrong.
std::set<std::int64_t> parse_step_list(std::string_view text, std::int64_t steps);

}  // namespace mpsim::cli
