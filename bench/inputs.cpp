// SPDX-License-Identifier: MIT
// The benchmark inputs (fixed seeds) and the event-share report.
#include <cmath>
#include <random>

#include "benchmarks.hpp"
#include "mpsim/instrument/counters.hpp"
#include "mpsim/ops/classify.hpp"

namespace mpsim::bench {

std::string_view dataset_name(Dataset d) {
  switch (d) {
    case Dataset::normal: return "normal";
    case Dataset::gradient: return "gradient";
    case Dataset::constant: return "constant";
  }
  return "?";
}

std::vector<float> make_floats(Dataset d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<float> x(batch);
  std::normal_distribution<double> normal(0.0, 1.0);
  if (d == Dataset::normal) {
    for (float& v : x) v = static_cast<float>(normal(rng));
  } else if (d == Dataset::constant) {
    const auto v = static_cast<float>(normal(rng));
    for (float& e : x) e = v;
  } else {
    std::uniform_real_distribution<double> log2_magnitude(-40.0, 20.0);
    std::bernoulli_distribution negative(0.5);
    for (float& v : x) {
      const double m = std::exp2(log2_magnitude(rng));
      v = static_cast<float>(negative(rng) ? -m : m);
    }
  }
  return x;
}

void report_events(benchmark::State& state, const Format& out, std::span<const Result> results) {
  EventCounts c;
  std::size_t nans = 0;
  for (const Result& r : results) {
    c.record(r);
    nans += is_nan(out, r.bits);
  }
  const double n = results.empty() ? 1.0 : static_cast<double>(results.size());
  state.counters["uflow"] = static_cast<double>(c.underflow_to_zero) / n;
  state.counters["subn"] = static_cast<double>(c.subnormal_results) / n;
  state.counters["ovfl"] = static_cast<double>(c.overflowed) / n;
  state.counters["nan"] = static_cast<double>(nans) / n;
}

}  // namespace mpsim::bench
