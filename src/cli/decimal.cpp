// SPDX-License-Identifier: MIT
// Exact decimal arithmetic on Boost cpp_int coefficients.
#include "decimal.hpp"

#include <cmath>
#include <cstdio>

namespace mpsim::cli {
namespace {

cpp_int power(unsigned base, std::uint64_t k) { return boost::multiprecision::pow(cpp_int(base), static_cast<unsigned>(k)); }

// The coefficient's digits and the decimal exponent of its leading digit.
struct Digits {
  std::string digits;  // no leading zeros; "0" for zero
  std::int64_t lead_exponent = 0;
};

Digits digits_of(const Decimal& d) {
  Digits out{d.coefficient.str(), 0};
  out.lead_exponent = d.exponent + static_cast<std::int64_t>(out.digits.size()) - 1;
  return out;
}

// Leading digits as a long double in [1, 10) (at most 30 digits read).
long double leading_mantissa(const Digits& d) {
  long double m = 0;
  long double scale = 1;
  for (std::size_t i = 0; i < d.digits.size() && i < 30; ++i, scale /= 10) m += (d.digits[i] - '0') * scale;
  return m;
}

}  // namespace

Decimal decimal_from_binary(bool negative, const cpp_int& m, std::int64_t e) {
  if (e >= 0) return {negative, m << static_cast<unsigned>(e), 0};
  // m * 2^e = m * 5^-e * 10^e
  return {negative, m * power(5, static_cast<std::uint64_t>(-e)), e};
}

bool is_zero(const Decimal& d) { return d.coefficient == 0; }

Decimal subtract(const Decimal& a, const Decimal& b) {
  const std::int64_t e = std::min(a.exponent, b.exponent);
  const cpp_int ca = a.coefficient * power(10, static_cast<std::uint64_t>(a.exponent - e));
  const cpp_int cb = b.coefficient * power(10, static_cast<std::uint64_t>(b.exponent - e));
  // signed values: sa = (-1)^a.negative * ca, sb likewise; result sa - sb
  const cpp_int sa = a.negative ? cpp_int(-ca) : ca;
  const cpp_int sb = b.negative ? cpp_int(-cb) : cb;
  const cpp_int diff = sa - sb;
  return {diff < 0, abs(diff), e};
}

std::string to_string(const Decimal& d, std::size_t max_digits) {
  if (is_zero(d)) return d.negative ? "-0" : "0";
  Digits dg = digits_of(d);
  while (dg.digits.size() > 1 && dg.digits.back() == '0') dg.digits.pop_back();  // value unchanged
  const std::int64_t lead = dg.lead_exponent;
  const auto n = static_cast<std::int64_t>(dg.digits.size());
  std::string out = d.negative ? "-" : "";
  if (static_cast<std::size_t>(n) > max_digits) {
    const std::size_t keep = max_digits / 2;
    out += dg.digits.substr(0, 1) + "." + dg.digits.substr(1, keep) + "...(" + std::to_string(n) +
           " significant digits in all)..." + dg.digits.substr(dg.digits.size() - keep);
    return out + "e" + std::to_string(lead);
  }
  if (lead >= -7 && lead < 21) {
    if (lead < 0) return out + "0." + std::string(static_cast<std::size_t>(-lead - 1), '0') + dg.digits;
    if (n <= lead + 1) return out + dg.digits + std::string(static_cast<std::size_t>(lead + 1 - n), '0');
    return out + dg.digits.substr(0, static_cast<std::size_t>(lead + 1)) + "." +
           dg.digits.substr(static_cast<std::size_t>(lead + 1));
  }
  out += dg.digits.substr(0, 1);
  if (n > 1) out += "." + dg.digits.substr(1);
  return out + "e" + std::to_string(lead);
}

std::string ratio_to_string(const Decimal& num, const Decimal& den) {
  if (is_zero(num)) return "0";
  if (is_zero(den)) return num.negative == den.negative ? "inf" : "-inf";
  const Digits a = digits_of(num), b = digits_of(den);
  long double m = leading_mantissa(a) / leading_mantissa(b);  // in (0.1, 10)
  std::int64_t e = a.lead_exponent - b.lead_exponent;
  const bool negative = num.negative != den.negative;
  char buf[64];
  if (e > -4900 && e < 4900) {
    std::snprintf(buf, sizeof buf, "%.6Lg", (negative ? -m : m) * std::pow(10.0L, static_cast<long double>(e)));
    return buf;
  }
  if (m < 1) m *= 10, e -= 1;
  std::snprintf(buf, sizeof buf, "%.5Le", m);  // "d.ddddde+00"; may round up to 1.00000e+01
  std::string s = buf;
  const std::int64_t carry = std::stoll(s.substr(s.find('e') + 1));
  s = s.substr(0, s.find('e'));
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return (negative ? "-" : "") + s + "e" + std::to_string(e + carry);
}

}  // namespace mpsim::cli
