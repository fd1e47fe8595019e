// SPDX-License-Identifier: MIT
// A fixed, deterministic partition of [0, count) into `threads` contiguous ranges, run on
// std::threads. Range t is [count * t / threads, count * (t + 1) / threads): which thread does
// an item never depends on timing, and callers make each item's result independent of it.
#pragma once

#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace mpsim {

// Calls body(thread_index, begin, end) for each nonempty range; the calling thread runs range 0.
// The first exception thrown by any range is rethrown after all threads have joined.
template <class Body>
void parallel_for(std::int64_t count, int threads, Body&& body) {
  if (threads < 1) threads = 1;
  if (count < threads) threads = static_cast<int>(count < 1 ? 1 : count);
  auto range = [&](int t) -> std::pair<std::int64_t, std::int64_t> {
    return {count * t / threads, count * (t + 1) / threads};
  };
  std::vector<std::exception_ptr> errors(threads);
  auto run = [&](int t) {
    try {
      const auto [begin, end] = range(t);
      if (begin < end) body(t, begin, end);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(threads - 1);
  for (int t = 1; t < threads; ++t) workers.emplace_back(run, t);
  run(0);
  for (std::thread& w : workers) w.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace mpsim
