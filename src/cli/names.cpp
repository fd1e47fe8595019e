// SPDX-License-Identifier: MIT
// Names of formats, rounding modes and flags for the command line.
#include "names.hpp"

#include <array>
#include <cstdio>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/round/rounding_name.hpp"
#include "mpsim/round/status.hpp"

namespace mpsim::cli {
namespace {

struct RoundingName {
  std::string_view name;
  Rounding mode;
};
constexpr std::array<RoundingName, 13> rounding_names{{
    {"nearest_even", Rounding::nearest_even},
    {"toward_zero", Rounding::toward_zero},
    {"upward", Rounding::upward},
    {"downward", Rounding::downward},
    {"nearest_away", Rounding::nearest_away},
    {"to_odd", Rounding::to_odd},
    {"stochastic", Rounding::stochastic},
    // TestFloat's spellings (-rnear_even, -rminMag, ...).
    {"near_even", Rounding::nearest_even},
    {"minMag", Rounding::toward_zero},
    {"max", Rounding::upward},
    {"min", Rounding::downward},
    {"near_maxMag", Rounding::nearest_away},
    {"odd", Rounding::to_odd},
}};

}  // namespace

std::optional<Rounding> find_rounding(std::string_view name) {
  for (const RoundingName& r : rounding_names)
    if (r.name == name) return r.mode;
  return std::nullopt;
}

std::string_view rounding_name(Rounding mode) { return mpsim::rounding_name(mode); }

std::string_view rounding_names_help() {
  return "nearest_even (default), toward_zero, upward, downward, nearest_away, to_odd, stochastic; "
         "or TestFloat's near_even, minMag, max, min, near_maxMag, odd";
}

std::string flag_names(std::uint8_t flags) {
  constexpr std::array<std::pair<std::uint8_t, std::string_view>, 5> names{{
      {flag::inexact, "inexact"},
      {flag::underflow, "underflow"},
      {flag::overflow, "overflow"},
      {flag::divide_by_zero, "divide-by-zero"},
      {flag::invalid, "invalid"},
  }};
  std::string out;
  for (const auto& [bit, name] : names) {
    if (!(flags & bit)) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

std::string hex_bits(const Format& f, std::uint64_t bits) {
  const int digits = (f.storage_bits() + 3) / 4;
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llX", digits, static_cast<unsigned long long>(bits));
  return buf;
}

Format parse_format(std::string_view name) {
  const std::optional<Format> f = find_format(name);
  if (!f) {
    throw CLI::ValidationError("unknown format '" + std::string(name) + "'; accepted: " +
                               std::string(format_names_help()));
  }
  return *f;
}

CLI::Validator format_name_validator() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        if (find_format(name)) return {};
        return "unknown format '" + name + "'; accepted: " + std::string(format_names_help());
      },
      "FORMAT");
}

CLI::Validator rounding_name_validator() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        if (find_rounding(name)) return {};
        return "unknown rounding mode '" + name + "'; accepted: " + std::string(rounding_names_help());
      },
      "MODE");
}

}  // namespace mpsim::cli
