// SPDX-License-Identifier: MIT
// The explain command: a teaching view of one number stored in one format. The input is
// parsed exactly and rounded once by round_to_format; every printed value is exact.
#include "cmd_explain.hpp"

#include <cctype>
#include <optional>
#include <sstream>

#include "decimal.hpp"
#include "dyadic.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/format/unpacked.hpp"
#include "mpsim/ops/classify.hpp"
#include "mpsim/round/stochastic.hpp"
#include "names.hpp"
#include "neighbours.hpp"
#include "value.hpp"

namespace mpsim::cli {
namespace {

constexpr int label_width = 16;

void line(std::ostream& out, std::string_view label, std::string_view text) {
  std::string l(label);
  l.resize(label_width, ' ');
  out << l << text << '\n';
}

std::string binary_digits(std::uint64_t x, int n) {
  std::string s;
  for (int i = n - 1; i >= 0; --i) s += ((x >> i) & 1) ? '1' : '0';
  return s;
}

// "0 | 01011 | 1001100110"
std::string grouped_bits(const Format& f, std::uint64_t bits) {
  const std::uint64_t exponent = (bits & f.exponent_mask()) >> f.fraction_bits;
  std::string s = std::string((bits & f.sign_mask()) ? "1" : "0") + " | " + binary_digits(exponent, f.exponent_bits);
  if (f.fraction_bits > 0) s += " | " + binary_digits(bits & f.fraction_mask(), f.fraction_bits);
  return s;
}

std::string describe_format(const Format& f) {
  std::ostringstream s;
  s << format_name(f) << ": 1 sign, " << f.exponent_bits << " exponent, " << f.fraction_bits
    << " fraction bits; p = " << f.precision() << ", bias " << f.bias << ", emin " << f.emin() << ", emax " << f.emax();
  if (!f.infinities) s << ", no infinities";
  if (!f.subnormals) s << ", no subnormals";
  if (f.saturating) s << ", saturating";
  return s.str();
}

std::string describe_env(const Env& env, const ExplainOptions& o, std::uint32_t random) {
  std::ostringstream s;
  s << rounding_name(env.rounding);
  if (env.rounding == Rounding::stochastic) s << " (seed " << o.seed << ", random word " << std::hex << std::uppercase
                                              << "0x" << random << std::dec << ")";
  s << ", tininess " << (env.tininess == Tininess::after_rounding ? "after" : "before") << " rounding, FTZ "
    << (env.flush_to_zero ? "on" : "off") << ", DAZ " << (env.denormals_are_zero ? "on" : "off");
  return s.str();
}

std::string describe_input(const Value& v, const Format& f) {
  switch (v.kind) {
    case Value::Kind::bits: return "raw bit pattern of " + format_name(f);
    case Value::Kind::infinity: return "infinity";
    case Value::Kind::nan: return v.signaling ? "signaling NaN" : "quiet NaN";
    case Value::Kind::number: break;
  }
  if (v.radix == 10) return "decimal";
  return "hexadecimal float; a bit pattern is written bits:0x...";
}

std::string events_text(std::uint8_t events) {
  std::string s;
  auto add = [&](std::uint8_t bit, std::string_view name) {
    if (!(events & bit)) return;
    if (!s.empty()) s += ", ";
    s += name;
  };
  add(event::underflow_to_zero, "nonzero value became zero");
  add(event::subnormal_result, "subnormal result");
  add(event::overflowed, "overflowed");
  add(event::nan_created, "NaN created");
  return s.empty() ? "none" : s;
}

std::string value_text(const Format& f, std::uint64_t bits) {
  return hex_bits(f, bits) + " = " + to_string(to_decimal(dyadic_of(f, bits)));
}

std::string neighbour_text(const Format& f, std::optional<std::uint64_t> bits) {
  if (!bits) return "none";
  const Unpacked u = unpack(f, *bits);
  if (u.kind == Kind::infinity) return hex_bits(f, *bits) + (u.sign ? " = -infinity" : " = +infinity");
  return value_text(f, *bits);
}

std::string ulp_text(const Dyadic& d) {
  const auto k = power_of_two_exponent(d);
  const std::string exact = to_string(to_decimal(d));
  return k ? "2^" + std::to_string(*k) + " = " + exact : exact;
}

// The fields of the stored pattern: sign, exponent, significand and the value they make.
void print_fields(std::ostream& out, const Format& f, std::uint64_t bits) {
  const Unpacked u = unpack(f, bits);
  const int t = f.fraction_bits;
  const std::uint64_t field = (bits & f.exponent_mask()) >> t;
  const std::uint64_t fraction = bits & f.fraction_mask();
  const std::string fraction_text = binary_digits(fraction, t);
  line(out, "sign", u.sign ? "1 (-)" : "0 (+)");
  std::ostringstream e;
  e << "field " << binary_digits(field, f.exponent_bits) << " = " << field;
  if (u.kind == Kind::infinity || is_nan(u.kind)) {
    e << (f.top_binade_reserved() ? " (all ones: infinity or NaN)" : " (all ones)");
  } else if (field == 0) {
    e << (u.kind == Kind::subnormal ? ": subnormal, the exponent is emin = " + std::to_string(f.emin())
                                    : std::string(": zero"));
  } else {
    e << ", unbiased " << field << " - " << f.bias << " = " << static_cast<long long>(field) - f.bias;
  }
  line(out, "exponent", e.str());
  const std::string sign = u.sign ? "-" : "+";
  switch (u.kind) {
    case Kind::infinity: line(out, "fraction", fraction_text + " (zero: infinity)"); break;
    case Kind::quiet_nan:
    case Kind::signaling_nan:
      if (f.nan == NanEncoding::ieee) {
        const std::uint64_t payload = fraction & ~f.quiet_bit();
        std::ostringstream s;
        s << fraction_text << " (quiet bit " << ((fraction & f.quiet_bit()) ? "set" : "clear") << ", payload 0x"
          << std::hex << std::uppercase << payload << ")";
        line(out, "fraction", s.str());
      } else {
        line(out, "fraction", fraction_text + " (all ones with an all-ones exponent: the NaN)");
      }
      break;
    case Kind::zero:
      line(out, "significand", (t ? "0." + fraction_text : "0") + " (binary)");
      break;
    case Kind::subnormal:
    case Kind::normal: {
      const std::string lead = u.kind == Kind::normal ? "1" : "0";
      const std::string significand = t ? lead + "." + fraction_text : lead;
      const int exponent = u.kind == Kind::normal ? static_cast<int>(field) - f.bias : f.emin();
      line(out, "significand", significand + " (binary; the leading " + lead + " is " +
                                   (u.kind == Kind::normal ? "the hidden bit)" : "implied by exponent field 0)"));
      line(out, "", "= " + sign + significand + "b x 2^" + std::to_string(exponent));
      break;
    }
  }
}

std::string stored_text(const Format& f, std::uint64_t bits) {
  const Unpacked u = unpack(f, bits);
  if (u.kind == Kind::infinity) return u.sign ? "-infinity" : "+infinity";
  if (is_nan(u.kind)) return "NaN";
  return to_string(to_decimal(dyadic_of(f, bits)));
}

// Rounding error lines for a number input whose stored value is known.
void print_error(std::ostream& out, const Format& f, const Value& v, const Result& r) {
  const Unpacked u = unpack(f, r.bits);
  if (u.kind == Kind::infinity || is_nan(u.kind)) {
    line(out, "rounding error", "unbounded: the input is finite, the stored value is " + stored_text(f, r.bits));
    return;
  }
  const Decimal input = exact_decimal(v);
  const Decimal error = subtract(to_decimal(dyadic_of(f, r.bits)), input);
  if (is_zero(error)) {
    line(out, "rounding error", "0 (the input is representable)");
    return;
  }
  line(out, "rounding error", "stored - input = " + to_string(error) + " = " +
                                  ratio_to_string(error, to_decimal(ulp(f, r.bits))) + " ulp");
  line(out, "relative error", "(stored - input) / input = " + ratio_to_string(error, input));
}

// Stochastic rounding: the chance of rounding away from zero, |x - trunc(x)| / gap.
void print_stochastic(std::ostream& out, const Format& f, const Env& env, const Value& v) {
  Env down = env, away = env;
  down.rounding = Rounding::toward_zero;
  away.rounding = v.negative ? Rounding::downward : Rounding::upward;
  std::string ignored;
  const auto lo = store_value(f, down, v, 0, ignored), hi = store_value(f, away, v, 0, ignored);
  if (!lo || !hi || lo->bits == hi->bits) return;
  if (!is_finite(f, lo->bits) || !is_finite(f, hi->bits)) return;
  const Decimal lo_value = to_decimal(dyadic_of(f, lo->bits));
  const Decimal gap = subtract(to_decimal(dyadic_of(f, hi->bits)), lo_value);
  line(out, "P(round away)", "|input - " + hex_bits(f, lo->bits) + "| / |" + hex_bits(f, hi->bits) + " - " +
                                 hex_bits(f, lo->bits) + "| = " +
                                 ratio_to_string(subtract(exact_decimal(v), lo_value), gap) +
                                 " (the core compares 32 random bits with the dropped bits)");
}

}  // namespace

CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options) {
  CLI::App* cmd = app.add_subcommand("explain", "Show exactly how one number is stored in a format");
  cmd->add_option("VALUE", options.value, "The number: see VALUE below")->required();
  cmd->add_option("-f,--format", options.format, "Target format")->required()->check(format_name_validator());
  cmd->add_option("-r,--round", options.rounding, "Rounding mode (default nearest_even)")
      ->check(rounding_name_validator());
  cmd->add_option("--tininess", options.tininess, "Underflow tininess: after (default) or before rounding")
      ->check(CLI::IsMember({"after", "before"}));
  cmd->add_flag("--ftz", options.ftz, "Flush tiny results to zero");
  cmd->add_flag("--daz", options.daz, "Read subnormal operands as zero (affects bits: inputs)");
  cmd->add_option("--seed", options.seed, "Seed of the stochastic-rounding random bits (default 0)");
  cmd->footer(
      "VALUE is one of:\n"
      "  a decimal          0.1  -1e-8  65520  2.5E+3   (read exactly, rounded once)\n"
      "  a C99 hex float    0x1.8p-3  -0x1p-24  0xAp0    (starts with 0x; p gives the power of two)\n"
      "  a special value    inf  -inf  nan  -nan  snan\n"
      "  a raw bit pattern  bits:0x3C00  bits:0b0011110000000000   (the stored bits themselves)\n"
      "A hex float is a number (0x3C00 is 15360); only the bits: prefix means a bit pattern.\n"
      "Exponents are limited to |e| <= 100000; values beyond every format's range still round correctly.\n"
      "Formats: " + std::string(format_names_help()) + "\n"
      "Rounding modes: " + std::string(rounding_names_help()));
  return cmd;
}

std::vector<std::string> translate_explain_arguments(const std::vector<std::string>& args) {
  std::vector<std::string> out, moved;
  for (const std::string& a : args) {
    if (a == "--") return args;  // the user already separated VALUE
    std::string lower;
    for (const char c : a) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool negative_special =
        lower == "-inf" || lower == "-infinity" || lower == "-nan" || lower == "-qnan" || lower == "-snan";
    (negative_special ? moved : out).push_back(a);
  }
  if (moved.empty()) return args;
  out.push_back("--");
  out.insert(out.end(), moved.begin(), moved.end());
  return out;
}

int run_explain_command(const ExplainOptions& o, std::ostream& out, std::ostream& err) {
  const Format f = parse_format(o.format);
  Env env;
  env.rounding = *find_rounding(o.rounding);
  env.tininess = o.tininess == "before" ? Tininess::before_rounding : Tininess::after_rounding;
  env.flush_to_zero = o.ftz;
  env.denormals_are_zero = o.daz;
  std::string error;
  const std::optional<Value> v = parse_value(o.value, error);
  if (!v) {
    err << "mpsim explain: " << error << '\n';
    return 2;
  }
  if (v->kind == Value::Kind::bits && (v->bits & ~f.storage_mask()) != 0) {
    err << "mpsim explain: " << o.value << " does not fit in the " << f.storage_bits() << " bits of "
        << format_name(f) << '\n';
    return 2;
  }
  const std::uint32_t random = env.rounding == Rounding::stochastic ? stochastic_bits_for(o.seed, 0, 0) : 0;
  const std::optional<Result> stored = store_value(f, env, *v, random, error);
  if (!stored) {
    err << "mpsim explain: " << error << '\n';
    return 2;
  }
  const std::uint64_t bits = stored->bits;
  const Unpacked u = unpack(f, bits);

  line(out, "input", o.value + " (" + describe_input(*v, f) + ")");
  if (v->kind == Value::Kind::number) line(out, "exact input", to_string(exact_decimal(*v)));
  line(out, "format", describe_format(f));
  line(out, "environment", describe_env(env, o, random));
  line(out, "stored bits", grouped_bits(f, bits) + "  = " + hex_bits(f, bits));
  print_fields(out, f, bits);
  line(out, "stored value", stored_text(f, bits));
  line(out, "class", std::string(class_name(classify(f, bits))));
  if (v->kind == Value::Kind::bits && env.denormals_are_zero && u.kind == Kind::subnormal)
    line(out, "note", std::string("under DAZ operations read this operand as ") + (u.sign ? "-0" : "+0"));
  line(out, "next down", neighbour_text(f, next_down(f, bits)));
  line(out, "next up", neighbour_text(f, next_up(f, bits)));
  if (u.kind != Kind::infinity && !is_nan(u.kind)) line(out, "ulp", ulp_text(ulp(f, bits)));
  if (v->kind == Value::Kind::number) {
    print_error(out, f, *v, *stored);
    if (env.rounding == Rounding::stochastic && (stored->flags & flag::inexact)) print_stochastic(out, f, env, *v);
  }
  if (v->kind != Value::Kind::bits) {
    line(out, "flags", flag_names(stored->flags));
    line(out, "events", events_text(stored->events));
  }
  return 0;
}

}  // namespace mpsim::cli
