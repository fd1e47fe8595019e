// SPDX-License-Identifier: MIT
// How a validation kernel judges one case: the emulator's bits against the hardware's, sorted
// into the classes `mpsim validate` reports. Host-and-device, so the host tests check it too.
#pragma once

#include <cstdint>

#include "mpsim/format/unpacked.hpp"

namespace mpsim::cuda {

enum class MismatchClass : std::uint8_t {
  none,          // the same bits
  value,         // different values (also: one side NaN, the other not)
  sign_of_zero,  // both zero, signs differ
  nan_pattern,   // both NaN, bit patterns differ
};
inline constexpr int mismatch_classes = 3;  // value, sign_of_zero, nan_pattern (index = class - 1)

// `expected` (emulator) and `actual` (hardware) are bit patterns of format f.
MPSIM_HD constexpr MismatchClass classify_mismatch(const Format& f, std::uint64_t expected, std::uint64_t actual) {
  if (expected == actual) return MismatchClass::none;
  const Kind e = unpack(f, expected).kind;
  const Kind a = unpack(f, actual).kind;
  if (is_nan(e) && is_nan(a)) return MismatchClass::nan_pattern;
  if (e == Kind::zero && a == Kind::zero) return MismatchClass::sign_of_zero;
  return MismatchClass::value;
}

// One mismatching case as a kernel records it: its index in the sweep, its operands (as many
// as the operation takes, the rest zero) and both results.
struct MismatchRecord {
  std::uint64_t index = 0;
  std::uint32_t operands[3] = {0, 0, 0};
  std::uint32_t expected = 0;  // emulator
  std::uint32_t actual = 0;    // hardware
  std::uint32_t kind = 0;      // MismatchClass
};

// What a sweep accumulates in device memory: counts per class and the first few records
// (first to arrive; the host sorts them by index).
inline constexpr int max_records = 64;
struct Tally {
  unsigned long long counts[mismatch_classes];
  unsigned long long recorded;  // records claimed; only the first min(recorded, limit) were written
  MismatchRecord records[max_records];
};

}  // namespace mpsim::cuda
