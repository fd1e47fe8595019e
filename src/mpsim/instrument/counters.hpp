// SPDX-License-Identifier: MIT
// Event counters: how many results underflowed to zero, became subnormal, overflowed, were
// NaN or inexact, and how many inputs DAZ flushed, collected per named scope and step.
// Counting observes Results; it never changes one.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "mpsim/round/status.hpp"

namespace mpsim {

struct EventCounts {
  std::uint64_t operations = 0;
  std::uint64_t inexact = 0;
  std::uint64_t underflow = 0;  // IEEE underflow flag raised (tiny and inexact)
  std::uint64_t overflow = 0;   // IEEE overflow flag raised
  std::uint64_t invalid = 0;
  std::uint64_t divide_by_zero = 0;
  std::uint64_t underflow_to_zero = 0;  // nonzero exact results that became +-0
  std::uint64_t subnormal_results = 0;
  std::uint64_t overflowed = 0;  // results that became inf, NaN or saturated by overflow
  std::uint64_t nans_created = 0;
  std::uint64_t inputs_flushed = 0;  // operands read as zero under DAZ

  constexpr void record(std::uint8_t flags, std::uint8_t events) {
    ++operations;
    inexact += (flags & flag::inexact) != 0;
    underflow += (flags & flag::underflow) != 0;
    overflow += (flags & flag::overflow) != 0;
    invalid += (flags & flag::invalid) != 0;
    divide_by_zero += (flags & flag::divide_by_zero) != 0;
    underflow_to_zero += (events & event::underflow_to_zero) != 0;
    subnormal_results += (events & event::subnormal_result) != 0;
    overflowed += (events & event::overflowed) != 0;
    nans_created += (events & event::nan_created) != 0;
    inputs_flushed += ((events & event::flushed_input_a) != 0) + ((events & event::flushed_input_b) != 0) +
                      ((events & event::flushed_input_c) != 0);
  }
  constexpr void record(const Result& r) { record(r.flags, r.events); }

  EventCounts& operator+=(const EventCounts& o);
  friend bool operator==(const EventCounts&, const EventCounts&) = default;
};

// Where events happened: a slash-separated scope path ("fc2/weight_grad") and a step
// (-1 when the events are not tied to a training step).
struct ScopeKey {
  std::string path;
  std::int64_t step = -1;
  friend auto operator<=>(const ScopeKey&, const ScopeKey&) = default;
};

// Counts collected per scope. Entries are created on first use and never move, so a
// pointer to an entry stays valid while the registry lives.
class CounterRegistry {
 public:
  EventCounts& at(const ScopeKey& key) { return scopes_[key]; }
  const std::map<ScopeKey, EventCounts>& scopes() const { return scopes_; }
  // Sum over every step of the scopes whose path is `path` or lies below it.
  EventCounts total(std::string_view path = {}) const;
  // One header line and one line per scope: scope,step,operations,inexact,...
  std::string to_csv() const;

 private:
  std::map<ScopeKey, EventCounts> scopes_;
};

}  // namespace mpsim
