// SPDX-License-Identifier: MIT
// What an operation reports besides its result bits: the five IEEE 754 exception flags
// (with Berkeley TestFloat's bit values) and the events a precision study counts.
#pragma once

#include <cstdint>

namespace mpsim {

namespace flag {
inline constexpr std::uint8_t inexact = 0x01;
inline constexpr std::uint8_t underflow = 0x02;
inline constexpr std::uint8_t overflow = 0x04;
inline constexpr std::uint8_t divide_by_zero = 0x08;  // TestFloat calls it "infinite"
inline constexpr std::uint8_t invalid = 0x10;
}  // namespace flag

namespace event {
inline constexpr std::uint8_t underflow_to_zero = 0x01;  // nonzero exact result became +-0
inline constexpr std::uint8_t subnormal_result = 0x02;   // nonzero result is subnormal
inline constexpr std::uint8_t overflowed = 0x04;         // result overflowed: to inf, NaN or saturated
inline constexpr std::uint8_t nan_created = 0x08;        // NaN result not propagated from an operand
inline constexpr std::uint8_t flushed_input_a = 0x10;    // DAZ read operand a as zero
inline constexpr std::uint8_t flushed_input_b = 0x20;
inline constexpr std::uint8_t flushed_input_c = 0x40;
inline constexpr std::uint8_t flushed_inputs = 0x70;
}  // namespace event

// The outcome of one operation: result bits in the result format, flags raised, events.
struct Result {
  std::uint64_t bits = 0;
  std::uint8_t flags = 0;
  std::uint8_t events = 0;
  friend constexpr bool operator==(const Result&, const Result&) = default;
};

}  // namespace mpsim
