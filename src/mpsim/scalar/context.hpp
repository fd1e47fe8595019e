// SPDX-License-Identifier: MIT
// The explicit arithmetic context of Float<F>: environment, sticky flags, event counters and
// the stochastic-rounding stream. Each thread has a default; ScopedContext makes another
// context current for a block (operator syntax cannot take a context argument).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mpsim/instrument/counters.hpp"
#include "mpsim/round/env.hpp"
#include "mpsim/round/status.hpp"
#include "mpsim/round/stochastic.hpp"

namespace mpsim {

// Draws for stochastic rounding: draw i of (seed, stream) is always the same bits.
struct StochasticStream {
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;
  std::uint64_t next_index = 0;
  constexpr std::uint32_t draw() { return stochastic_bits_for(seed, stream, next_index++); }
};

struct Context {
  Env env{};
  std::uint8_t flags = 0;                 // IEEE flags raised since the last clear (sticky)
  EventCounts* counters = nullptr;        // null: counting off
  StochasticStream stochastic{};
  std::string scope_path;                 // where counted events are filed (see CounterScope)
  std::int64_t step = -1;

  // Random bits for the next rounding; draws only under stochastic rounding.
  constexpr std::uint32_t random() { return env.rounding == Rounding::stochastic ? stochastic.draw() : 0; }
  // Takes in one operation's outcome: raises its flags, counts its events.
  constexpr std::uint64_t absorb(const Result& r) {
    flags |= r.flags;
    if (counters) counters->record(r);
    return r.bits;
  }
};

namespace detail {
inline Context& thread_default_context() {
  thread_local Context context;
  return context;
}
inline Context*& current_context_slot() {
  thread_local Context* current = &thread_default_context();
  return current;
}
}  // namespace detail

// The context Float<F> operators use on this thread.
inline Context& current_context() { return *detail::current_context_slot(); }

// Makes `c` the current context of this thread until the end of the scope.
class ScopedContext {
 public:
  explicit ScopedContext(Context& c) : previous_(detail::current_context_slot()) { detail::current_context_slot() = &c; }
  ~ScopedContext() { detail::current_context_slot() = previous_; }
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  Context* previous_;
};

// Files the current context's events under `name` (appended to the enclosing scope path)
// and `step` (-1: keep the enclosing step) in `registry` until the end of the scope:
//   { CounterScope fc2(reg, "fc2", 37); { CounterScope g(reg, "weight_grad"); ... } }
// counts into ScopeKey{"fc2/weight_grad", 37}.
class CounterScope {
 public:
  CounterScope(CounterRegistry& registry, std::string_view name, std::int64_t step = -1)
      : context_(current_context()),
        saved_path_(context_.scope_path),
        saved_step_(context_.step),
        saved_counters_(context_.counters) {
    if (!context_.scope_path.empty()) context_.scope_path += '/';
    context_.scope_path += name;
    if (step >= 0) context_.step = step;
    context_.counters = &registry.at({context_.scope_path, context_.step});
  }
  ~CounterScope() {
    context_.scope_path = saved_path_;
    context_.step = saved_step_;
    context_.counters = saved_counters_;
  }
  CounterScope(const CounterScope&) = delete;
  CounterScope& operator=(const CounterScope&) = delete;

 private:
  Context& context_;
  std::string saved_path_;
  std::int64_t saved_step_;
  EventCounts* saved_counters_;
};

}  // namespace mpsim
