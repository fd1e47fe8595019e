// SPDX-License-Identifier: MIT
// Exact binary values of bit patterns.
#include "dyadic.hpp"

#include <cmath>
#include <cstdio>

#include "mpsim/format/unpacked.hpp"

namespace mpsim::cli {

Dyadic dyadic_of(const Format& f, std::uint64_t bits) {
  const Unpacked u = unpack(f, bits);
  if (u.kind != Kind::normal && u.kind != Kind::subnormal) return {0, 0};
  const cpp_int m = u.sig;
  return {u.sign ? cpp_int(-m) : m, u.exp};
}

Dyadic subtract(const Dyadic& a, const Dyadic& b) {
  const std::int64_t e = std::min(a.e, b.e);
  return {(a.m << static_cast<unsigned>(a.e - e)) - (b.m << static_cast<unsigned>(b.e - e)), e};
}

Decimal to_decimal(const Dyadic& d) { return decimal_from_binary(d.m < 0, abs(d.m), d.e); }

long double to_long_double(const Dyadic& d) {
  if (d.m == 0) return 0;
  // Keep the top 64 bits of m; the rest cannot change a long double's 64-bit significand much.
  const cpp_int a = abs(d.m);
  const auto n = static_cast<std::int64_t>(msb(a)) + 1;
  const std::int64_t drop = n > 64 ? n - 64 : 0;
  const auto top = static_cast<unsigned long long>(a >> static_cast<unsigned>(drop));
  const long double x = std::ldexp(static_cast<long double>(top), static_cast<int>(d.e + drop));
  return d.m < 0 ? -x : x;
}

std::optional<std::int64_t> power_of_two_exponent(const Dyadic& d) {
  if (d.m == 0) return std::nullopt;
  const cpp_int a = abs(d.m);
  const auto low = static_cast<std::int64_t>(lsb(a)), high = static_cast<std::int64_t>(msb(a));
  if (low != high) return std::nullopt;
  return d.e + low;
}

std::string short_decimal(long double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6Lg", x);
  return buf;
}

std::string power_of_two_string(std::int64_t k) {
  return "2^" + std::to_string(k) + " (" + short_decimal(std::ldexp(1.0L, static_cast<int>(k))) + ")";
}

}  // namespace mpsim::cli
