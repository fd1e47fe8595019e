// SPDX-License-Identifier: MIT
// The formats table. Every limit is read back from bit patterns through the core (unpack,
// from_int, round_to_format), not re-derived from formulas.
#include "cmd_formats.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "dyadic.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/integer.hpp"
#include "mpsim/round/round.hpp"
#include "names.hpp"
#include "table.hpp"

namespace mpsim::cli {
namespace {

struct FormatFacts {
  Format format;
  std::string name;
  Dyadic max_finite;
  std::int64_t min_normal_exp2 = 0;
  std::optional<std::int64_t> min_subnormal_exp2;
  std::int64_t epsilon_exp2 = 0;
  // Under nearest_even, |x| <= 2^zero_exp2 (or < when the tie goes up) rounds to zero.
  std::int64_t zero_exp2 = 0;
  bool zero_tie_to_zero = true;
};

std::int64_t exponent_of_power(const Dyadic& d) {
  const auto k = power_of_two_exponent(d);
  if (!k) throw std::logic_error("expected a power of two");
  return *k;
}

FormatFacts facts_of(const Format& f) {
  FormatFacts facts;
  facts.format = f;
  facts.name = format_name(f);
  facts.max_finite = dyadic_of(f, f.max_finite_bits());
  const std::uint64_t min_normal_bits = std::uint64_t{1} << f.fraction_bits;  // biased exponent 1, fraction 0
  facts.min_normal_exp2 = exponent_of_power(dyadic_of(f, min_normal_bits));
  const bool has_subnormals = f.subnormals && f.fraction_bits > 0;
  if (has_subnormals) facts.min_subnormal_exp2 = exponent_of_power(dyadic_of(f, 1));
  // epsilon: the gap between 1 and the next value.
  const std::uint64_t one = from_int(f, 1).bits;
  facts.epsilon_exp2 = exponent_of_power(subtract(dyadic_of(f, one + 1), dyadic_of(f, one)));
  // Half the smallest positive value: ask round_to_format which way the tie goes.
  const std::int64_t smallest = has_subnormals ? *facts.min_subnormal_exp2 : facts.min_normal_exp2;
  facts.zero_exp2 = smallest - 1;
  const Result tie = round_to_format(f, ieee_env, Exact{false, static_cast<int>(smallest - 1), 1});
  facts.zero_tie_to_zero = tie.bits == 0;
  return facts;
}

std::string nan_patterns(const Format& f) {
  switch (f.nan) {
    case NanEncoding::ieee: return "E=" + std::to_string(f.exponent_field_max()) + ", F!=0";
    case NanEncoding::all_ones:
      return "only S." + std::string(static_cast<std::size_t>(f.exponent_bits), '1') + "." +
             std::string(static_cast<std::size_t>(f.fraction_bits), '1');
    case NanEncoding::none: break;
  }
  return "none";
}

std::string_view nan_encoding_name(NanEncoding n) {
  switch (n) {
    case NanEncoding::ieee: return "ieee";
    case NanEncoding::all_ones: return "all_ones";
    case NanEncoding::none: break;
  }
  return "none";
}

std::string zero_threshold(const FormatFacts& x) {
  return (x.zero_tie_to_zero ? "<= " : "< ") + power_of_two_string(x.zero_exp2);
}

void print_text(std::ostream& out, const std::vector<FormatFacts>& all) {
  std::vector<std::vector<std::string>> layout{
      {"format", "s/e/f", "storage bits", "p", "bias", "emax", "emin", "infinities", "NaN encoding"}};
  std::vector<std::vector<std::string>> values{
      {"format", "max finite", "min normal", "min subnormal", "epsilon 2^(1-p)", "nearest_even gives 0 for |x|"}};
  for (const FormatFacts& x : all) {
    const Format& f = x.format;
    layout.push_back({x.name,
                      "1/" + std::to_string(f.exponent_bits) + "/" + std::to_string(f.fraction_bits),
                      std::to_string(f.storage_bits()), std::to_string(f.precision()), std::to_string(f.bias),
                      std::to_string(f.emax()), std::to_string(f.emin()), f.infinities ? "yes" : "no",
                      nan_patterns(f)});
    values.push_back({x.name, short_decimal(to_long_double(x.max_finite)), power_of_two_string(x.min_normal_exp2),
                      x.min_subnormal_exp2 ? power_of_two_string(*x.min_subnormal_exp2) : "none",
                      power_of_two_string(x.epsilon_exp2), zero_threshold(x)});
  }
  print_table(out, layout);
  out << '\n';
  print_table(out, values);
  out << "\nE = biased exponent field, F = fraction field. Decimals in parentheses are %.6g.\n"
         "Under nearest_even a value exactly half the smallest positive one ties to 0 (the even neighbour).\n";
}

nlohmann::ordered_json power_json(std::int64_t k) {
  const double x = std::ldexp(1.0, static_cast<int>(k));
  return x == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x);  // below double's range: null
}

void print_json(std::ostream& out, const std::vector<FormatFacts>& all) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const FormatFacts& x : all) {
    const Format& f = x.format;
    list.push_back({
        {"name", x.name},
        {"sign_bits", 1},
        {"exponent_bits", f.exponent_bits},
        {"fraction_bits", f.fraction_bits},
        {"storage_bits", f.storage_bits()},
        {"precision", f.precision()},
        {"bias", f.bias},
        {"emax", f.emax()},
        {"emin", f.emin()},
        {"max_finite", static_cast<double>(to_long_double(x.max_finite))},
        {"max_finite_bits", hex_bits(f, f.max_finite_bits())},
        {"min_normal", power_json(x.min_normal_exp2)},
        {"min_normal_exp2", x.min_normal_exp2},
        {"min_subnormal", x.min_subnormal_exp2 ? power_json(*x.min_subnormal_exp2) : nlohmann::ordered_json(nullptr)},
        {"min_subnormal_exp2", x.min_subnormal_exp2 ? nlohmann::ordered_json(*x.min_subnormal_exp2) : nlohmann::ordered_json(nullptr)},
        {"epsilon", power_json(x.epsilon_exp2)},
        {"epsilon_exp2", x.epsilon_exp2},
        {"nearest_even_zero_threshold", power_json(x.zero_exp2)},
        {"nearest_even_zero_threshold_exp2", x.zero_exp2},
        {"nearest_even_zero_threshold_inclusive", x.zero_tie_to_zero},
        {"infinities", f.infinities},
        {"nan_encoding", nan_encoding_name(f.nan)},
        {"nan_patterns", nan_patterns(f)},
        {"saturating", f.saturating},
        {"subnormals", f.subnormals},
    });
  }
  out << list.dump(2) << '\n';
}

}  // namespace

CLI::App* add_formats_command(CLI::App& app, FormatsOptions& options) {
  CLI::App* cmd = app.add_subcommand("formats", "Print the named formats and their limits");
  cmd->add_option("FORMAT", options.names, "Formats to show instead of the named table (names as for --format)")
      ->check(format_name_validator());
  cmd->add_flag("--json", options.json, "Write a JSON array instead of text tables");
  cmd->footer(
      "Every value is read back from bit patterns through the arithmetic core. Powers of two print as 2^k with\n"
      "their %.6g decimal; 'nearest_even gives 0 for |x| <= 2^k' means exactly 2^k ties to zero.");
  return cmd;
}

int run_formats_command(const FormatsOptions& options, std::ostream& out) {
  std::vector<FormatFacts> all;
  if (options.names.empty()) {
    for (const Format* f : named_formats) all.push_back(facts_of(*f));
  } else {
    for (const std::string& name : options.names) all.push_back(facts_of(parse_format(name)));
  }
  if (options.json) print_json(out, all);
  else print_text(out, all);
  return 0;
}

}  // namespace mpsim::cli
