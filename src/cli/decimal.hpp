// SPDX-License-Identifier: MIT
// Exact decimal numbers for the explain command: every binary fraction m * 2^e has a
// finite decimal expansion (2^-k = 5^k * 10^-k), so stored values, inputs, their
// differences and ulps are all printed exactly, never through double.
#pragma once

#include <cstdint>
#include <string>

#include <boost/multiprecision/cpp_int.hpp>

namespace mpsim::cli {

using boost::multiprecision::cpp_int;

// (-1)^negative * coefficient * 10^exponent, coefficient >= 0.
struct Decimal {
  bool negative = false;
  cpp_int coefficient;
  std::int64_t exponent = 0;
};

// m * 2^e (m >= 0), exactly.
Decimal decimal_from_binary(bool negative, const cpp_int& m, std::int64_t e);

// a - b, exactly.
Decimal subtract(const Decimal& a, const Decimal& b);

bool is_zero(const Decimal& d);

// The exact value: positional when the leading digit lies between 10^-7 and 10^20
// ("0.0999755859375"), else scientific with every significant digit ("5.9604644775390625e-8").
// Past `max_digits` significant digits the middle is elided, saying how many digits it has.
std::string to_string(const Decimal& d, std::size_t max_digits = 1200);

// num / den to six significant digits, like printf's %.6g but for any exponent.
std::string ratio_to_string(const Decimal& num, const Decimal& den);

}  // namespace mpsim::cli
