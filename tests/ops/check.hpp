// SPDX-License-Identifier: MIT
// Bookkeeping for the oracle comparisons: counts cases, keeps the first mismatches with a
// diagnosable description (operands, env, expected and actual bits/flags/events in hex).
#pragma once

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cases.hpp"
#include "mpsim/format/format.hpp"
#include "mpsim/round/status.hpp"
#include "oracle.hpp"

namespace mpsim::testing {

class Mismatches {
 public:
  static constexpr std::size_t kept = 8;

  // Records one case; `describe` is called only for the first few mismatches.
  template <class Describe>
  void record(bool ok, Describe&& describe) {
    ++cases_;
    if (ok) return;
    ++mismatches_;
    if (first_.size() < kept) first_.push_back(describe());
  }
  // Notes the flags and events an expected result carries (coverage of the sweep).
  void saw(std::uint8_t flags, std::uint8_t events) {
    flags_seen_ |= flags;
    events_seen_ |= events;
  }
  std::size_t cases() const { return cases_; }
  std::size_t mismatches() const { return mismatches_; }

  // One failed check per kept mismatch, then the total; then that the sweep produced every
  // flag and event in `flags` and `events` at least once (a sweep that never reaches them
  // could not catch their bugs).
  void report(std::uint8_t flags = 0, std::uint8_t events = 0) const {
    for (const std::string& m : first_) FAIL_CHECK(m);
    INFO(mismatches_ << " mismatches in " << cases_ << " cases");
    CHECK(mismatches_ == 0);
    INFO("flags seen 0x" << std::hex << int{flags_seen_} << ", events seen 0x" << int{events_seen_});
    CHECK((flags_seen_ & flags) == flags);
    CHECK((events_seen_ & events) == events);
  }

 private:
  std::size_t cases_ = 0;
  std::size_t mismatches_ = 0;
  std::uint8_t flags_seen_ = 0;
  std::uint8_t events_seen_ = 0;
  std::vector<std::string> first_;
};

// The flags a format can produce at all: invalid needs an infinity or a signaling NaN.
inline std::uint8_t possible_flags(const Format& f, std::uint8_t flags) {
  if (!f.infinities && f.nan != NanEncoding::ieee) flags &= static_cast<std::uint8_t>(~flag::invalid);
  return flags;
}

// Flags and events of rounding, which random sweeps must reach.
inline constexpr std::uint8_t rounding_flags = flag::inexact | flag::underflow | flag::overflow;
inline constexpr std::uint8_t rounding_events = event::underflow_to_zero | event::subnormal_result | event::overflowed;

// The events a format can produce at all: no subnormal results or DAZ flushes without
// subnormals.
inline std::uint8_t possible_events(const Format& f, std::uint8_t events) {
  if (!f.subnormals) events &= static_cast<std::uint8_t>(~(event::subnormal_result | event::flushed_inputs));
  return events;
}

inline std::string operands_text(const Format& f, std::initializer_list<std::uint64_t> operands) {
  std::string s;
  char name = 'a';
  for (std::uint64_t x : operands) s += std::string(" ") + name++ + "=" + oracle::describe(f, x);
  return s;
}

// "<op> <format> a=... b=... | env | expected ... | actual ..."
inline std::string mismatch_text(const std::string& op, const Format& f, const Format& out,
                                 std::initializer_list<std::uint64_t> operands, const Env& env, std::uint32_t random,
                                 const Result& expected, const Result& actual) {
  return op + " " + format_name(f) + (out == f ? "" : " -> " + format_name(out)) + operands_text(f, operands) +
         "\n  env: " + oracle::describe(env, random) + "\n  expected: " + oracle::describe(out, expected) +
         "\n  actual:   " + oracle::describe(out, actual);
}

// Records one Result comparison of operation `op` (operands in format `in`, result in `out`).
inline void compare_results(Mismatches& log, const char* op, const Format& in, const Format& out,
                            std::initializer_list<std::uint64_t> operands, const Env& env, std::uint32_t random,
                            const Result& expected, const Result& actual) {
  log.saw(expected.flags, expected.events);
  log.record(expected == actual, [&] { return mismatch_text(op, in, out, operands, env, random, expected, actual); });
}

// Calls check(env, random, a, b) for every ordered pair of f's interesting patterns
// and every rounding configuration, each with `envs_per_case` environments drawn from `seed`.
template <class Check>
void sweep_pairs(const Format& f, int envs_per_case, std::uint64_t seed, Check&& check) {
  std::mt19937_64 rng(seed);
  const auto patterns = cases::interesting_patterns(f);
  for (const cases::RoundingConfig& rc : cases::rounding_configs())
    for (std::uint64_t a : patterns)
      for (std::uint64_t b : patterns)
        for (int k = 0; k < envs_per_case; ++k)
          check(cases::make_env(rc, static_cast<int>(rng() % cases::env_combos)), rc.random, a, b);
}

// Calls check(env, random, operands) `per_config` times for every rounding configuration,
// each with an environment drawn from the seeded generator; every other case replaces the
// configuration's random word by a fresh one.
template <class Check>
void sweep_random(const Format& f, int per_config, std::uint64_t seed, Check&& check) {
  cases::Operands src(f, seed);
  for (const cases::RoundingConfig& rc : cases::rounding_configs())
    for (int i = 0; i < per_config; ++i) {
      const Env env = cases::make_env(rc, src.pick(cases::env_combos));
      const auto random = i % 2 == 0 ? rc.random : static_cast<std::uint32_t>(src.rng()());
      check(env, random, src);
    }
}

}  // namespace mpsim::testing

// Results print as hex in Catch's expansions: "{bits 0x7E00 flags 0x10 events 0x08}".
template <>
struct Catch::StringMaker<mpsim::Result> {
  static std::string convert(const mpsim::Result& r) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "{bits 0x%llX flags 0x%02X events 0x%02X}", static_cast<unsigned long long>(r.bits),
                  r.flags, r.events);
    return buf;
  }
};
