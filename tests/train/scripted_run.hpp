// SPDX-License-Identifier: MIT
// Drives a LossScaler through a scripted overflow sequence and checks every step against an
// expected sequence written as runs of equal steps (first..last: skipped?, scale after update).
#pragma once

#include <bit>
#include <cstdint>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "mpsim/train/loss_scaler.hpp"

namespace mpsim::test {

// Steps first..last (1-based, inclusive) all end with this decision.
struct Run {
  std::int64_t first;
  std::int64_t last;
  bool skipped;
  double scale;  // the scale after the update; compared bit for bit
};

// The decisions of steps 1..steps where the steps in `overflows` found an inf or NaN.
inline std::vector<train::StepDecision> run_script(train::LossScaler& scaler, std::int64_t steps,
                                                   const std::set<std::int64_t>& overflows) {
  std::vector<train::StepDecision> out;
  for (std::int64_t step = 1; step <= steps; ++step) out.push_back(scaler.update(overflows.contains(step)));
  return out;
}

// Every step of `decisions` is covered by exactly one run and matches it bit for bit.
inline void check_runs(const std::vector<train::StepDecision>& decisions, const std::vector<Run>& runs) {
  std::int64_t next = 1;
  for (const Run& r : runs) {
    REQUIRE(r.first == next);  // the expected runs cover every step, in order
    for (std::int64_t step = r.first; step <= r.last; ++step) {
      REQUIRE(step <= static_cast<std::int64_t>(decisions.size()));
      const train::StepDecision& d = decisions[static_cast<std::size_t>(step - 1)];
      INFO("step " << step << ": scale " << d.scale_after << " expected " << r.scale);
      CHECK(d.skipped == r.skipped);
      CHECK(std::bit_cast<std::uint64_t>(d.scale_after) == std::bit_cast<std::uint64_t>(r.scale));
    }
    next = r.last + 1;
  }
  CHECK(next == static_cast<std::int64_t>(decisions.size()) + 1);
}

// A preset with some fields changed (a smaller growth interval, a start near the top).
inline train::LossScalerConfig preset_with(const char* name, double initial_scale, std::int64_t interval) {
  train::LossScalerConfig c = train::loss_scaler_preset(name);
  c.initial_scale = initial_scale;
  c.growth_interval = interval;
  return c;
}

}  // namespace mpsim::test
