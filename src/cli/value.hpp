// SPDX-License-Identifier: MIT
// The VALUE argument of `mpsim explain`: a decimal ("0.1", "-1e-8"), a C99 hexadecimal
// float ("0x1.8p-3"), "inf"/"nan"/"snan", or a raw bit pattern ("bits:0x3C00"), parsed
// exactly and rounded into a format with one correct rounding by round_to_format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "decimal.hpp"
#include "mpsim/format/format.hpp"
#include "mpsim/round/round.hpp"

namespace mpsim::cli {

// The largest |exponent| VALUE may write (after "e" or "p"); beyond it the exact decimal
// expansions explain prints would run to hundreds of thousands of digits.
inline constexpr std::int64_t max_written_exponent = 100000;
inline constexpr std::size_t max_value_length = 4096;

struct Value {
  enum class Kind : std::uint8_t { number, infinity, nan, bits };
  Kind kind = Kind::number;
  bool negative = false;
  bool signaling = false;  // Kind::nan: "snan"
  // Kind::number: |value| = coefficient * radix^exponent, radix 10 (decimal) or 2 (hex float).
  cpp_int coefficient;
  std::int64_t exponent = 0;
  int radix = 10;
  std::uint64_t bits = 0;  // Kind::bits
  int bit_digits = 0;      // Kind::bits: how many binary digits the pattern was written with
};

// Parses VALUE; on failure returns nothing and sets `error` to what is wrong.
std::optional<Value> parse_value(std::string_view text, std::string& error);

// The exact value of a Kind::number.
Decimal exact_decimal(const Value& v);

// A nonzero Kind::number as an Exact for round_to_format: a significand of 124-126 bits
// whose bit 0 is a jam bit. Magnitudes far outside every format's range (beyond 2^1100 or
// below 2^-1200) are replaced by one that rounds identically in every mode.
Exact exact_for_rounding(const Value& v);

// A number, infinity or NaN stored into format f under env (with the conversion's flags).
// NaN inputs give a quiet NaN of the input's sign (payload 0), "snan" a signaling NaN with
// payload 1. Returns nothing, with `error` set, when the format cannot hold the NaN asked for.
std::optional<Result> store_value(const Format& f, const Env& env, const Value& v, std::uint32_t random,
                                  std::string& error);

}  // namespace mpsim::cli
