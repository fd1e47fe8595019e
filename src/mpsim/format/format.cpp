// SPDX-License-Identifier: MIT
// Validation of user-defined formats and lookup of formats by name.
#include <charconv>
#include <string>

#include "mpsim/format/named_formats.hpp"

namespace mpsim {

std::string validate(const Format& f) {
  if (f.exponent_bits < 2 || f.exponent_bits > max_exponent_bits)
    return "exponent bits must be 2.." + std::to_string(max_exponent_bits) + ", got " + std::to_string(f.exponent_bits);
  if (f.fraction_bits < 0 || f.precision() > max_precision)
    return "fraction bits must be 0.." + std::to_string(max_precision - 1) + ", got " + std::to_string(f.fraction_bits);
  if (f.storage_bits() > 64) return "a format must fit in 64 bits";
  if (f.nan == NanEncoding::ieee && f.fraction_bits == 0)
    return "IEEE NaN encoding needs at least one fraction bit";
  if (f.infinities && f.nan == NanEncoding::all_ones)
    return "the all-ones NaN encoding is for formats without infinities";
  // With no fraction bits the single NaN pattern fills the whole top binade, which emax()
  // and max_significand() count as finite.
  if (f.nan == NanEncoding::all_ones && f.fraction_bits == 0)
    return "the all-ones NaN encoding needs at least one fraction bit";
  if (f.emax() < 1 || f.emin() > 0) return "bias " + std::to_string(f.bias) + " leaves no exponent range around 1";
  if (f.emax() > 1023 || f.emin() < -1022) return "exponent range exceeds binary64's";
  return {};
}

std::string format_name(const Format& f) {
  if (!f.name.empty()) return std::string(f.name);
  std::string n = "e";  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "e" + std::string
  n += std::to_string(f.exponent_bits);
  n += 'm';
  n += std::to_string(f.fraction_bits);
  if (f.saturating) n += "-sat";
  if (!f.infinities) n += "-noinf";
  if (!f.subnormals) n += "-nosub";
  return n;
}

namespace {

struct Alias {
  std::string_view name;
  const Format* format;
};
constexpr Alias aliases[] = {
    {"binary16", &binary16}, {"fp16", &binary16},  {"half", &binary16},     {"f16", &binary16},
    {"bfloat16", &bfloat16}, {"bf16", &bfloat16},  {"binary32", &binary32}, {"fp32", &binary32},
    {"float", &binary32},    {"f32", &binary32},   {"binary64", &binary64}, {"fp64", &binary64},
    {"double", &binary64},   {"f64", &binary64},   {"e4m3", &fp8_e4m3},     {"fp8_e4m3", &fp8_e4m3},
    {"e4m3fn", &fp8_e4m3},   {"e5m2", &fp8_e5m2},  {"fp8_e5m2", &fp8_e5m2}, {"tf32", &tf32},
};

bool parse_int(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

}  // namespace

std::optional<Format> find_format(std::string_view name) {
  for (const Alias& a : aliases)
    if (a.name == name) return *a.format;
  // eXmY[-sat][-noinf][-nosub]
  if (name.size() < 4 || name[0] != 'e') return std::nullopt;
  const auto m = name.find('m');
  if (m == std::string_view::npos) return std::nullopt;
  auto rest = name.substr(m + 1);
  const auto dash = rest.find('-');
  Format f{.name = {}};
  if (!parse_int(name.substr(1, m - 1), f.exponent_bits) || !parse_int(rest.substr(0, dash), f.fraction_bits))
    return std::nullopt;
  if (f.exponent_bits < 2 || f.exponent_bits > max_exponent_bits) return std::nullopt;
  f.bias = (1 << (f.exponent_bits - 1)) - 1;
  while (rest.find('-') != std::string_view::npos) {
    rest = rest.substr(rest.find('-') + 1);
    const auto option = rest.substr(0, rest.find('-'));
    if (option == "sat") f.saturating = true;
    else if (option == "noinf") f.infinities = false, f.nan = NanEncoding::all_ones;
    else if (option == "nosub") f.subnormals = false;
    else return std::nullopt;
  }
  if (!validate(f).empty()) return std::nullopt;
  return f;
}

std::string_view format_names_help() {
  return "binary16|fp16, bfloat16|bf16, binary32|fp32, binary64|fp64, e4m3, e5m2, tf32, or eXmY[-sat][-noinf][-nosub] "
         "(X exponent bits, Y fraction bits, IEEE layout; -noinf: OCP E4M3-style NaN only at all ones)";
}

}  // namespace mpsim
