// SPDX-License-Identifier: MIT
// TestFloat lines in, TestFloat lines out. One line per test case:
//   operands (fixed-width upper-case hex) [expected result, expected flags]
// The expected fields, when present, are replaced by mpsim's result and its flags as two
// hex digits. Buffered I/O and no allocation per line: millions of lines are normal use.
#include "cmd_testfloat.hpp"

#include <array>
#include <cstring>
#include <string_view>

#include "mpsim/ops/ops.hpp"
#include "names.hpp"

namespace mpsim::cli {
namespace {

// Lines of a FILE through a large buffer; a line is valid until the next call.
class LineReader {
 public:
  explicit LineReader(std::FILE* in) : in_(in), buf_(1 << 20) {}

  bool next(std::string_view& line) {
    for (;;) {
      const char* start = buf_.data() + begin_;
      if (const void* nl = std::memchr(start, '\n', end_ - begin_)) {
        const std::size_t len = static_cast<const char*>(nl) - start;
        line = {start, len};
        begin_ += len + 1;
        return true;
      }
      if (eof_) {
        if (begin_ == end_) return false;
        line = {start, end_ - begin_};  // last line without a newline
        begin_ = end_;
        return true;
      }
      refill();
    }
  }

 private:
  void refill() {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);  // a line longer than the buffer
    const std::size_t n = std::fread(buf_.data() + end_, 1, buf_.size() - end_, in_);
    end_ += n;
    if (n == 0) eof_ = true;
  }

  std::FILE* in_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
};

// Output through a large buffer.
class Writer {
 public:
  explicit Writer(std::FILE* out) : out_(out) { buf_.reserve(1 << 16); }
  ~Writer() { flush(); }
  void hex(std::uint64_t x, int digits) {
    static constexpr char table[] = "0123456789ABCDEF";
    for (int i = digits - 1; i >= 0; --i) buf_.push_back(table[(x >> (4 * i)) & 0xF]);
  }
  void put(char c) { buf_.push_back(c); }
  void end_line() {
    buf_.push_back('\n');
    if (buf_.size() >= (1 << 16) - 64) flush();
  }
  void flush() {
    if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), out_);
    buf_.clear();
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  std::string buf_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

struct Outcome {
  std::uint64_t value = 0;
  std::uint8_t flags = 0;
};

Outcome compute(const TestfloatFunction& fn, const Env& env, bool exact, const std::array<std::uint64_t, 3>& x) {
  const Format& in = fn.in ? *fn.in : *fn.out;
  auto from = [](const Result& r) { return Outcome{r.bits, r.flags}; };
  auto predicate = [](const Predicate& p) { return Outcome{p.value ? 1u : 0u, p.flags}; };
  auto integer = [](const IntResult& r, int width) {
    const auto bits = static_cast<std::uint64_t>(r.value);
    return Outcome{width == 32 ? bits & 0xFFFFFFFFu : bits, r.flags};
  };
  switch (fn.op) {
    case TestfloatOp::add: return from(add(in, x[0], x[1], env));
    case TestfloatOp::sub: return from(sub(in, x[0], x[1], env));
    case TestfloatOp::mul: return from(mul(in, x[0], x[1], env));
    case TestfloatOp::div: return from(div(in, x[0], x[1], env));
    case TestfloatOp::sqrt: return from(sqrt(in, x[0], env));
    case TestfloatOp::mul_add: return from(fma(in, x[0], x[1], x[2], env));
    case TestfloatOp::eq: return predicate(equal(in, x[0], x[1], Signaling::quiet, env));
    case TestfloatOp::le: return predicate(less_equal(in, x[0], x[1], Signaling::signaling, env));
    case TestfloatOp::lt: return predicate(less(in, x[0], x[1], Signaling::signaling, env));
    case TestfloatOp::eq_signaling: return predicate(equal(in, x[0], x[1], Signaling::signaling, env));
    case TestfloatOp::le_quiet: return predicate(less_equal(in, x[0], x[1], Signaling::quiet, env));
    case TestfloatOp::lt_quiet: return predicate(less(in, x[0], x[1], Signaling::quiet, env));
    case TestfloatOp::to_i32: return integer(to_int(in, x[0], 32, env, exact), 32);
    case TestfloatOp::to_i64: return integer(to_int(in, x[0], 64, env, exact), 64);
    case TestfloatOp::from_i32:
      return from(from_int(*fn.out, static_cast<std::int32_t>(static_cast<std::uint32_t>(x[0])), env));
    case TestfloatOp::from_i64: return from(from_int(*fn.out, static_cast<std::int64_t>(x[0]), env));
    case TestfloatOp::convert: return from(convert(*fn.out, in, x[0], env));
  }
  return {};
}

// Splits on runs of spaces and tabs; returns the number of fields (counting past the array).
int split_fields(std::string_view line, std::array<std::string_view, 6>& fields) {
  int n = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (n < static_cast<int>(fields.size())) fields[static_cast<std::size_t>(n)] = line.substr(start, i - start);
    ++n;
  }
  return n;
}

}  // namespace

CLI::App* add_testfloat_command(CLI::App& app, TestfloatOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "testfloat", "Act as the program under test for Berkeley TestFloat: testfloat_gen F | mpsim testfloat F | "
                   "testfloat_ver F");
  cmd->add_option("FUNCTION", options.function, "TestFloat function name, e.g. f16_add, f32_to_bf16")
      ->check(CLI::Validator(
          [](std::string& name) -> std::string {
            if (find_testfloat_function(name)) return {};
            return "unknown function '" + name + "'; accepted: " + testfloat_names_help();
          },
          "FUNCTION"));
  cmd->add_option("-r,--rounding", options.rounding,
                  "Rounding mode, TestFloat style -rnear_even (default), -rminMag, -rmin, -rmax, -rnear_maxMag, -rodd")
      ->check(CLI::Validator(
          [](std::string& name) -> std::string {
            const auto mode = find_rounding(name);
            if (mode && *mode != Rounding::stochastic) return {};
            return "unknown rounding mode '" + name +
                   "'; accepted: near_even, minMag, min, max, near_maxMag, odd (or mpsim's names but stochastic)";
          },
          "MODE"));
  cmd->add_option("--tininess", options.tininess, "Tininess detection: after (default) or before rounding "
                                                  "(TestFloat's -tininessafter / -tininessbefore)")
      ->check(CLI::IsMember({"after", "before"}));
  cmd->add_flag("--exact,!--notexact", options.exact,
                "Float-to-integer conversions raise inexact (TestFloat's -exact; default -notexact)");
  cmd->add_flag("--list", options.list, "Print every accepted FUNCTION name and exit");
  cmd->parse_complete_callback([&options] {
    if (!options.list && options.function.empty()) throw CLI::RequiredError("FUNCTION");
  });
  cmd->footer(
      "Each stdin line holds the operands as fixed-width hex (2 digits for e4m3/e5m2, 4 for f16/bf16, 8 for f32\n"
      "and i32, 16 for f64 and i64), optionally followed by an expected result and flags, which are ignored.\n"
      "Each output line is the operands, mpsim's result (0/1 for comparisons) and its flags as two hex digits\n"
      "(01 inexact, 02 underflow, 04 overflow, 08 infinite, 10 invalid). NaN results follow x86 (propagate).\n"
      "A malformed line stops the run with its line number on stderr and exit status 1.\n"
      "Functions: " + testfloat_names_help());
  return cmd;
}

std::vector<std::string> translate_testfloat_options(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const std::string& a : args) {
    if (a == "-exact") out.push_back("--exact");
    else if (a == "-notexact") out.push_back("--notexact");
    else if (a == "-tininessbefore") out.push_back("--tininess=before");
    else if (a == "-tininessafter") out.push_back("--tininess=after");
    else out.push_back(a);
  }
  return out;
}

int run_testfloat(const TestfloatFunction& fn, const Env& env, bool exact, std::FILE* in, std::FILE* out,
                  std::ostream& err) {
  LineReader reader(in);
  Writer writer(out);
  std::string_view line;
  std::array<std::string_view, 6> fields;
  std::array<std::uint64_t, 3> x{};
  for (std::uint64_t number = 1; reader.next(line); ++number) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const int n = split_fields(line, fields);
    if (n != fn.operands && n != fn.operands + 2) {
      writer.flush();
      err << "mpsim testfloat: line " << number << ": expected " << fn.operands << " operand field"
          << (fn.operands > 1 ? "s" : "") << " (optionally followed by a result and flags, " << fn.operands + 2
          << " fields), got " << n << '\n';
      return 1;
    }
    for (int i = 0; i < fn.operands; ++i) {
      const std::string_view f = fields[static_cast<std::size_t>(i)];
      if (static_cast<int>(f.size()) != fn.operand_digits) {
        writer.flush();
        err << "mpsim testfloat: line " << number << ": operand " << i + 1 << " '" << f << "' has " << f.size()
            << " hex digits, expected " << fn.operand_digits << '\n';
        return 1;
      }
      std::uint64_t v = 0;
      for (const char c : f) {
        const int d = hex_value(c);
        if (d < 0) {
          writer.flush();
          err << "mpsim testfloat: line " << number << ": operand " << i + 1 << " '" << f
              << "' has the non-hex character '" << c << "'\n";
          return 1;
        }
        v = v << 4 | static_cast<std::uint64_t>(d);
      }
      x[static_cast<std::size_t>(i)] = v;
    }
    const Outcome r = compute(fn, env, exact, x);
    for (int i = 0; i < fn.operands; ++i) {
      writer.hex(x[static_cast<std::size_t>(i)], fn.operand_digits);
      writer.put(' ');
    }
    writer.hex(r.value, fn.result_digits);
    writer.put(' ');
    writer.hex(r.flags, 2);
    writer.end_line();
  }
  return 0;
}

int run_testfloat_command(const TestfloatOptions& o, std::FILE* in, std::FILE* out, std::ostream& err) {
  if (o.list) {
    for (const std::string& name : testfloat_function_names()) std::fprintf(out, "%s\n", name.c_str());
    return 0;
  }
  Env env;  // x86 conventions: NaN propagation, no FTZ/DAZ
  env.rounding = *find_rounding(o.rounding);
  env.tininess = o.tininess == "before" ? Tininess::before_rounding : Tininess::after_rounding;
  return run_testfloat(*find_testfloat_function(o.function), env, o.exact, in, out, err);
}

}  // namespace mpsim::cli
