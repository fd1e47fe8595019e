// SPDX-License-Identifier: MIT
// Exact binary values m * 2^e read from bit patterns through the core's unpack(), for the
// formats table and the explain command (differences of neighbours, ulps, epsilons).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "decimal.hpp"
#include "mpsim/format/format.hpp"

namespace mpsim::cli {

// m * 2^e, m signed. Zero is m = 0.
struct Dyadic {
  cpp_int m;
  std::int64_t e = 0;
};

// The value of a finite bit pattern (zero, subnormal or normal) of format f.
Dyadic dyadic_of(const Format& f, std::uint64_t bits);

Dyadic subtract(const Dyadic& a, const Dyadic& b);
Decimal to_decimal(const Dyadic& d);
long double to_long_double(const Dyadic& d);

// k when |d| = 2^k, else nothing.
std::optional<std::int64_t> power_of_two_exponent(const Dyadic& d);

// "2^-24 (5.96046e-08)": a power of two and its value to six digits (%.6g).
std::string power_of_two_string(std::int64_t k);

// %.6g of a long double.
std::string short_decimal(long double x);

}  // namespace mpsim::cli
