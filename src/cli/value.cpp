// SPDX-License-Identifier: MIT
// Exact parsing of VALUE and its single rounding into a format.
#include "value.hpp"

#include <cctype>

namespace mpsim::cli {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

int digit_value(char c, int radix) {
  int d = -1;
  if (c >= '0' && c <= '9') d = c - '0';
  else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
  else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
  return d < radix ? d : -1;
}

// Reads "[+-]digits" at the front of s; fails past max_written_exponent.
bool parse_exponent(std::string_view s, std::int64_t& out, std::string& error) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) negative = s[0] == '-', s.remove_prefix(1);
  if (s.empty()) return error = "missing exponent digits", false;
  std::int64_t e = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return error = std::string("unexpected character '") + c + "' in the exponent", false;
    e = e * 10 + (c - '0');
    if (e > max_written_exponent)
      return error = "exponent out of range (|exponent| must be <= " + std::to_string(max_written_exponent) + ")", false;
  }
  out = negative ? -e : e;
  return true;
}

// "digits[.digits][<marker>exponent]" in `radix` (10 or 16); the exponent is decimal and
// counts powers of 10 (marker e) or of 2 (marker p).
bool parse_mantissa(std::string_view s, int radix, char marker, Value& v, std::string& error) {
  const std::size_t m = s.find_first_of(marker == 'e' ? "eE" : "pP");
  std::string_view mantissa = s.substr(0, m);
  std::int64_t exponent = 0;
  if (m != std::string_view::npos && !parse_exponent(s.substr(m + 1), exponent, error)) return false;
  cpp_int coefficient = 0;
  std::int64_t fraction_digits = 0;
  bool seen_point = false, seen_digit = false;
  for (char c : mantissa) {
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    const int d = digit_value(c, radix);
    if (d < 0) return error = std::string("unexpected character '") + c + "'", false;
    coefficient = coefficient * radix + d;
    seen_digit = true;
    if (seen_point) ++fraction_digits;
  }
  if (!seen_digit) return error = "no digits", false;
  v.kind = Value::Kind::number;
  v.coefficient = coefficient;
  v.radix = radix == 16 ? 2 : 10;
  v.exponent = radix == 16 ? exponent - 4 * fraction_digits : exponent - fraction_digits;
  return true;
}

bool parse_bits(std::string_view s, Value& v, std::string& error) {
  int radix = 0, bits_per_digit = 0;
  if (s.starts_with("0x") || s.starts_with("0X")) radix = 16, bits_per_digit = 4;
  else if (s.starts_with("0b") || s.starts_with("0B")) radix = 2, bits_per_digit = 1;
  else return error = "a bit pattern is written bits:0x<hex digits> or bits:0b<binary digits>", false;
  s.remove_prefix(2);
  if (s.empty()) return error = "the bit pattern has no digits", false;
  std::uint64_t bits = 0;
  for (char c : s) {
    const int d = digit_value(c, radix);
    if (d < 0) return error = std::string("unexpected character '") + c + "' in the bit pattern", false;
    if (bits >> (64 - bits_per_digit)) return error = "the bit pattern has more than 64 bits", false;
    bits = bits << bits_per_digit | static_cast<std::uint64_t>(d);
  }
  v.kind = Value::Kind::bits;
  v.bits = bits;
  v.bit_digits = static_cast<int>(s.size()) * bits_per_digit;
  return true;
}

int bit_length(const cpp_int& x) { return x == 0 ? 0 : static_cast<int>(msb(x)) + 1; }

u128 to_u128(const cpp_int& x) {
  const cpp_int mask64 = (cpp_int(1) << 64) - 1;
  return (u128{static_cast<std::uint64_t>((x >> 64) & mask64)} << 64) | static_cast<std::uint64_t>(x & mask64);
}

}  // namespace

std::optional<Value> parse_value(std::string_view text, std::string& error) {
  if (text.empty()) return error = "VALUE is empty", std::nullopt;
  if (text.size() > max_value_length)
    return error = "VALUE is longer than " + std::to_string(max_value_length) + " characters", std::nullopt;
  Value v;
  std::string_view s = text;
  if (s.starts_with("bits:")) {
    if (!parse_bits(s.substr(5), v, error)) return std::nullopt;
    return v;
  }
  if (s[0] == '+' || s[0] == '-') v.negative = s[0] == '-', s.remove_prefix(1);
  if (iequals(s, "inf") || iequals(s, "infinity")) {
    v.kind = Value::Kind::infinity;
    return v;
  }
  if (iequals(s, "nan") || iequals(s, "qnan") || iequals(s, "snan")) {
    v.kind = Value::Kind::nan;
    v.signaling = iequals(s, "snan");
    return v;
  }
  const bool hex = s.starts_with("0x") || s.starts_with("0X");
  if (hex) s.remove_prefix(2);
  if (!parse_mantissa(s, hex ? 16 : 10, hex ? 'p' : 'e', v, error)) {
    error = "cannot read '" + std::string(text) + "' as a number: " + error;
    return std::nullopt;
  }
  return v;
}

Decimal exact_decimal(const Value& v) {
  if (v.radix == 2) return decimal_from_binary(v.negative, v.coefficient, v.exponent);
  return {v.negative, v.coefficient, v.exponent};
}

Exact exact_for_rounding(const Value& v) {
  cpp_int c = v.coefficient;
  std::int64_t e = v.exponent;
  if (v.radix == 2) {
    // |v| in [2^lead, 2^(lead+1)). Outside [2^-1200, 2^1100] every format overflows, or
    // lies more than 32 bits below its smallest subnormal, in every rounding mode.
    const std::int64_t lead = e + bit_length(c) - 1;
    if (lead > 1100) c = 1, e = 1100;
    if (lead < -1200) c = 1, e = -1200;
    const int n = bit_length(c);
    if (n > 125) {  // keep 125 bits, jam the rest into bit 0
      const unsigned drop = static_cast<unsigned>(n - 125);
      const bool sticky = (c & ((cpp_int(1) << drop) - 1)) != 0;
      c = (c >> drop) | (sticky ? 1 : 0);
      e += drop;
    } else {
      c <<= static_cast<unsigned>(125 - n);
      e -= 125 - n;
    }
    return {v.negative, static_cast<int>(e), to_u128(c)};
  }
  // Decimal: |v| = c * 10^e with its leading digit at 10^lead. 10^331 exceeds every
  // format's range (< 2^1024), 10^-345 lies below 2^-1106, 32 bits under the smallest
  // subnormal any format has (2^-1074).
  const std::int64_t lead = e + static_cast<std::int64_t>(c.str().size()) - 1;
  if (lead > 331) c = 1, e = 331;
  if (lead < -345) c = 1, e = -345;
  const cpp_int num = e >= 0 ? c * boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(e)) : c;
  const cpp_int den = e >= 0 ? cpp_int(1) : boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(-e));
  // num / den in (2^(a-b-1), 2^(a-b+1)); scaled by 2^s with s = 124 - (a - b) the
  // quotient q lies in (2^123, 2^125): 124+ exact bits, then the remainder as a jam bit.
  const int s = 124 - (bit_length(num) - bit_length(den));
  cpp_int q, r;
  if (s >= 0) divide_qr(cpp_int(num << static_cast<unsigned>(s)), den, q, r);
  else divide_qr(num, cpp_int(den << static_cast<unsigned>(-s)), q, r);
  const cpp_int sig = (q << 1) | (r != 0 ? 1 : 0);
  return {v.negative, -s - 1, to_u128(sig)};
}

std::optional<Result> store_value(const Format& f, const Env& env, const Value& v, std::uint32_t random,
                                  std::string& error) {
  switch (v.kind) {
    case Value::Kind::bits: return Result{v.bits, 0, 0};
    case Value::Kind::infinity: return pack_infinity(f, env, v.negative);
    case Value::Kind::nan:
      if (!f.has_nan()) return error = format_name(f) + " has no NaN", std::nullopt;
      if (!v.signaling) return Result{quiet_nan_from(f, env, v.negative, 0), 0, 0};
      if (f.nan != NanEncoding::ieee || f.fraction_bits < 2)
        return error = format_name(f) + " has no signaling NaN", std::nullopt;
      return Result{pack_zero(f, v.negative) | f.exponent_mask() | 1, 0, 0};
    case Value::Kind::number: break;
  }
  if (v.coefficient == 0) return Result{pack_zero(f, v.negative), 0, 0};
  return round_to_format(f, env, exact_for_rounding(v), random);
}

}  // namespace mpsim::cli
