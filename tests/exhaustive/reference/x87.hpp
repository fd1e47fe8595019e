// SPDX-License-Identifier: MIT
// Direct access to the x87 unit for the reference: a rounding-control scope, the status
// word, exact powers of two, and barriers that order arithmetic against status-word reads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace reference {

// The x87 rounding-control field (control word bits 11:10).
enum class Direction : std::uint16_t { nearest = 0, down = 1, up = 2, toward_zero = 3 };

// x87 status-word exception bits.
namespace x87 {
inline constexpr std::uint16_t invalid = 0x01;
inline constexpr std::uint16_t zero_divide = 0x04;
inline constexpr std::uint16_t precision = 0x20;  // inexact
}  // namespace x87

// For its lifetime: every x87 exception masked, precision control 64 bits, rounding `d`.
//   control word 0x037F | d << 10:  bit 6 reserved (1), bits 5:0 masks, bits 9:8 = 11 (64-bit)
class X87Scope {
 public:
  explicit X87Scope(Direction d) {
    asm volatile("fnstcw %0" : "=m"(saved_) : : "memory");
    const std::uint16_t cw = static_cast<std::uint16_t>(0x037F | (static_cast<unsigned>(d) << 10));
    asm volatile("fldcw %0" : : "m"(cw) : "memory");
  }
  ~X87Scope() { asm volatile("fldcw %0" : : "m"(saved_) : "memory"); }
  X87Scope(const X87Scope&) = delete;
  X87Scope& operator=(const X87Scope&) = delete;

 private:
  std::uint16_t saved_ = 0;
};

inline void clear_exceptions() { asm volatile("fnclex" : : : "memory"); }

// Returns x, computed after every earlier volatile asm (e.g. clear_exceptions).
inline long double pin(long double x) {
  asm volatile("" : "+t"(x));
  return x;
}

// The status word, read once `x` has been computed.
inline std::uint16_t status_after(long double x) {
  std::uint16_t sw;
  asm volatile("fnstsw %0" : "=a"(sw) : "f"(x));
  return sw;
}

// Exact powers of two 2^-640 .. 2^640, built by doubling and halving (exact).
inline constexpr int pow2_limit = 640;
inline constexpr auto pow2_table = [] {
  std::array<long double, 2 * pow2_limit + 1> table{};
  long double up = 1, down = 1;
  for (int k = 0; k <= pow2_limit; ++k, up *= 2, down /= 2) {
    table[pow2_limit + k] = up;
    table[pow2_limit - k] = down;
  }
  return table;
}();

inline long double pow2(int k) { return pow2_table[static_cast<std::size_t>(k + pow2_limit)]; }  // |k| <= 640

// 80-bit extended layout: bytes 0-7 significand with explicit integer bit 63,
// bytes 8-9 sign (bit 15) and biased exponent (bits 14:0, bias 16383).

// floor(log2 |x|) of a normal nonzero extended value.
inline int binade_of(long double x) {
  std::uint16_t sign_exponent;
  std::memcpy(&sign_exponent, reinterpret_cast<const char*>(&x) + 8, 2);
  return (sign_exponent & 0x7FFF) - 16383;
}

// An extended NaN: sign, quiet bit = bit 62, `fraction` left-aligned below it (bits 62..0
// are the source format's fraction, quiet bit first).
inline long double make_nan(bool sign, std::uint64_t left_aligned_fraction) {
  const std::uint64_t significand = (std::uint64_t{1} << 63) | (left_aligned_fraction >> 1);
  const auto sign_exponent = static_cast<std::uint16_t>((sign ? 0x8000 : 0) | 0x7FFF);
  long double x = 0;
  std::memcpy(&x, &significand, 8);
  std::memcpy(reinterpret_cast<char*>(&x) + 8, &sign_exponent, 2);
  return x;
}

// fistp under the current rounding direction (exact when x is an integer); x87 "integer
// indefinite" and the invalid flag when out of range.
inline std::int64_t store_int64(long double x) {
  std::int64_t n;
  asm volatile("fistpll %0" : "=m"(n) : "t"(x) : "st");
  return n;
}
inline std::int32_t store_int32(long double x) {
  std::int32_t n;
  asm volatile("fistpl %0" : "=m"(n) : "t"(x) : "st");
  return n;
}

// The status word once the integer store above has happened (memory clobber orders it).
inline std::uint16_t status_now() {
  std::uint16_t sw;
  asm volatile("fnstsw %0" : "=a"(sw) : : "memory");
  return sw;
}

}  // namespace reference
