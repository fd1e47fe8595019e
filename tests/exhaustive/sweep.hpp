// SPDX-License-Identifier: MIT
// What the exhaustive suites share: the rounding modes on both sides, the fixed random words
// for stochastic rounding, and the tally that counts cases and keeps the first mismatches.
#pragma once

#include <array>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "mpsim/round/env.hpp"
#include "reference/target.hpp"

namespace exhaustive {

struct ModeCase {
  reference::Mode ref;
  mpsim::Rounding emu;
  const char* name;
};

inline constexpr ModeCase nearest_even{reference::Mode::nearest_even, mpsim::Rounding::nearest_even, "nearest_even"};
inline constexpr ModeCase toward_zero{reference::Mode::toward_zero, mpsim::Rounding::toward_zero, "toward_zero"};
inline constexpr ModeCase upward{reference::Mode::upward, mpsim::Rounding::upward, "upward"};
inline constexpr ModeCase downward{reference::Mode::downward, mpsim::Rounding::downward, "downward"};
inline constexpr ModeCase nearest_away{reference::Mode::nearest_away, mpsim::Rounding::nearest_away, "nearest_away"};
inline constexpr ModeCase to_odd{reference::Mode::to_odd, mpsim::Rounding::to_odd, "to_odd"};
inline constexpr ModeCase stochastic{reference::Mode::stochastic, mpsim::Rounding::stochastic, "stochastic"};

inline constexpr std::array<const ModeCase*, 6> deterministic_modes{&nearest_even, &toward_zero,  &upward,
                                                                     &downward,     &nearest_away, &to_odd};
inline constexpr std::array<const ModeCase*, 7> all_modes{&nearest_even, &toward_zero, &upward,    &downward,
                                                          &nearest_away, &to_odd,      &stochastic};

// Calls f.template operator()<M>() for every mode M of `modes` (deterministic_modes or
// all_modes), so that each sweep is compiled for a constant mode.
template <const auto& modes, class F>
void for_each_mode(F&& f) {
  [&]<std::size_t... i>(std::index_sequence<i...>) {
    (f.template operator()<*modes[i]>(), ...);
  }(std::make_index_sequence<modes.size()>{});
}

// The default Env (x86 NaN propagation, tininess after rounding, no FTZ/DAZ, 32 random bits)
// with the mode's rounding.
constexpr mpsim::Env env_for(const ModeCase& m) {
  mpsim::Env env;
  env.rounding = m.emu;
  return env;
}
// The same as a constant with static storage, for template arguments.
template <const ModeCase& M>
inline constexpr mpsim::Env env_of = env_for(M);

// A fixed sequence of random words, one per case index (SplitMix64's finaliser), handed to
// the emulator and the reference alike.
constexpr std::uint32_t random_word(std::uint64_t i) {
  std::uint64_t z = i + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 32);
}

// The k-th pseudo-random 32-bit pattern: k times an odd constant, a bijection of the 32-bit
// integers, so distinct k < 2^32 give distinct patterns spread over the whole space.
constexpr std::uint32_t spread(std::uint64_t k) { return static_cast<std::uint32_t>(k * 0x9E3779B1u); }

// Counts a sweep's cases and mismatches, keeps the first ten, and times the sweep from its
// construction (wall clock and this process's CPU time).
class Tally {
 public:
  void add_cases(std::uint64_t n) { cases_ += n; }
  std::uint64_t cases() const { return cases_; }
  std::uint64_t mismatches() const { return mismatches_; }

  // Counts a mismatch; the first ten are kept as printf-formatted lines.
  [[gnu::format(printf, 2, 3)]] void mismatch(const char* format, ...) {
    if (mismatches_++ >= 10) return;
    char line[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(line, sizeof line, format, args);
    va_end(args);
    shown_ += line;
    shown_ += '\n';
  }

  std::string summary() const {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
    const double cpu = static_cast<double>(std::clock() - cpu_start_) / CLOCKS_PER_SEC;
    char times[96];
    std::snprintf(times, sizeof times, " in %.1f s (%.1f s CPU)", wall, cpu);
    return std::to_string(cases_) + " cases, " + std::to_string(mismatches_) + " mismatches" + times;
  }

  std::string report() const {
    if (shown_.empty()) return summary();
    return summary() + "; the first ones (operands: expected bits/flags, got bits/flags):\n" + shown_;
  }

 private:
  std::uint64_t cases_ = 0;
  std::uint64_t mismatches_ = 0;
  std::string shown_;
  std::chrono::steady_clock::time_point wall_start_ = std::chrono::steady_clock::now();
  std::clock_t cpu_start_ = std::clock();
};

// The verdict of a sweep: every case was checked and none differed. Sweeps of 2^24 cases or
// more also print their summary line (case count and time) to stdout.
inline void require_clean(const Tally& tally, std::uint64_t expected_cases) {
  if (expected_cases >= (std::uint64_t{1} << 24)) {
    std::printf("%s: %s\n", Catch::getResultCapture().getCurrentTestName().c_str(), tally.summary().c_str());
  }
  INFO(tally.report());
  CHECK(tally.cases() == expected_cases);
  REQUIRE(tally.mismatches() == 0);
}

}  // namespace exhaustive
