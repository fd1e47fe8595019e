// SPDX-License-Identifier: MIT
// Summing and printing event counters.
#include "mpsim/instrument/counters.hpp"

namespace mpsim {

EventCounts& EventCounts::operator+=(const EventCounts& o) {
  operations += o.operations;
  inexact += o.inexact;
  underflow += o.underflow;
  overflow += o.overflow;
  invalid += o.invalid;
  divide_by_zero += o.divide_by_zero;
  underflow_to_zero += o.underflow_to_zero;
  subnormal_results += o.subnormal_results;
  overflowed += o.overflowed;
  nans_created += o.nans_created;
  inputs_flushed += o.inputs_flushed;
  return *this;
}

EventCounts CounterRegistry::total(std::string_view path) const {
  EventCounts sum;
  for (const auto& [key, counts] : scopes_) {
    const bool below = path.empty() || key.path == path ||
                       (key.path.size() > path.size() && key.path.starts_with(path) && key.path[path.size()] == '/');
    if (below) sum += counts;
  }
  return sum;
}

std::string CounterRegistry::to_csv() const {
  std::string out =
      "scope,step,operations,inexact,underflow,overflow,invalid,divide_by_zero,underflow_to_zero,"
      "subnormal_results,overflowed,nans_created,inputs_flushed\n";
  for (const auto& [key, c] : scopes_) {
    out += key.path + ',' + std::to_string(key.step);
    for (std::uint64_t v : {c.operations, c.inexact, c.underflow, c.overflow, c.invalid, c.divide_by_zero,
                            c.underflow_to_zero, c.subnormal_results, c.overflowed, c.nans_created, c.inputs_flushed})
      out += ',' + std::to_string(v);
    out += '\n';
  }
  return out;
}

}  // namespace mpsim
