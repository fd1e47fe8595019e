// SPDX-License-Identifier: MIT
// `mpsim dot`: hex dot products in, the model's result out. Line format (fixed-width output,
// any width of input up to the format's storage):
//   a_0 .. a_(k-1)  b_0 .. b_(k-1)  c      ->   result [flags]
#include "cmd_dot.hpp"

#include <string_view>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/dot.hpp"
#include "names.hpp"

namespace mpsim::cli {
namespace {

constexpr int malformed = 1;
constexpr int usage_error = 2;

int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  return -1;
}

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// The word as a bit pattern of f, or an error message.
std::string parse_word(std::string_view word, const Format& f, std::uint64_t& bits) {
  bits = 0;
  for (const char ch : word) {
    const int d = hex_digit(ch);
    if (d < 0) return "'" + std::string(word) + "' has the non-hex character '" + std::string(1, ch) + "'";
    if (bits >> 60) return "'" + std::string(word) + "' has more than 64 bits";
    bits = bits << 4 | static_cast<std::uint64_t>(d);
  }
  if (bits & ~f.storage_mask()) {
    return "'" + std::string(word) + "' does not fit in the " + std::to_string(f.storage_bits()) + " bits of " +
           format_name(f);
  }
  return {};
}

void put_hex(std::string& out, std::uint64_t x, int digits) {
  static constexpr char table[] = "0123456789ABCDEF";
  for (int i = digits - 1; i >= 0; --i) out.push_back(table[(x >> (4 * i)) & 0xF]);
}

// The table's Format object equal to f (models hold pointers), or null.
const Format* named(const Format& f) {
  for (const Format* n : named_formats)
    if (*n == f) return n;
  return nullptr;
}

bool is_tensor_core_input(const Format& f) { return f == binary16 || f == bfloat16; }

}  // namespace

CLI::App* add_dot_command(CLI::App& app, DotOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "dot", "Dot products under an accumulation model: each stdin line 'a_0..a_(k-1) b_0..b_(k-1) c' (hex) gives "
             "one result c + sum a_i*b_i");
  cmd->add_option("--in", options.in, "Format of a and b (e.g. fp16, bf16)")->required()->check(format_name_validator());
  cmd->add_option("--acc", options.acc,
                  "Format of c and the result (default: the model's); sm90 with fp16 selects sm90-fp16")
      ->check(format_name_validator());
  std::string names;
  for (const std::string& n : accumulation_preset_names()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--model", options.model, "Accumulation model: " + names)
      ->required()
      ->check(CLI::Validator(
          [names](std::string& name) -> std::string {
            for (const std::string& n : accumulation_preset_names())
              if (n == name) return {};
            return "unknown accumulation model '" + name + "'; accepted: " + names;
          },
          "MODEL"));
  cmd->add_flag("--flags", options.flags, "Follow each result with the OR of its exception flags (two hex digits, "
                                          "TestFloat's bits: 01 inexact, 02 underflow, 04 overflow, 10 invalid)");
  cmd->footer(
      "Each line: k words of a and k of b as bit patterns of --in, then c as a bit pattern of the accumulator\n"
      "(hex, case-insensitive, at most the format's width). Output: the result as upper-case hex of the\n"
      "accumulator's fixed width (8 digits for fp32, 4 for fp16/bf16). docs/accumulation.md defines the models.\n"
      "--acc changes the accumulator of fp32-sequential, fp16-accumulate, chunked and kahan (order and fusion\n"
      "stay); sm90 and sm90-fp16 accept fp32 (sm90) or fp16 (sm90-fp16) and fp16/bf16 inputs only.\n"
      "A malformed line stops the run with its line number on stderr and exit status 1.");
  return cmd;
}

int run_dot_command(const DotOptions& o, std::FILE* in, std::FILE* out, std::ostream& err) {
  AccumulationModel m = accumulation_preset(o.model);
  const Format in_format = parse_format(o.in);
  if (!o.acc.empty()) {
    const Format acc = parse_format(o.acc);
    if (m.tensor_core) {
      if (acc == binary32) m = accumulation_preset("sm90");
      else if (acc == binary16) m = accumulation_preset("sm90-fp16");
      else {
        err << "mpsim dot: the sm90 models accumulate in fp32 (sm90) or fp16 (sm90-fp16), not " << format_name(acc)
            << '\n';
        return usage_error;
      }
    } else if (const Format* table = named(acc)) {
      m.accumulator = table;
    } else {
      err << "mpsim dot: --acc must be a named format (" << format_names_help() << "), not " << o.acc << '\n';
      return usage_error;
    }
  }
  if (m.tensor_core && !is_tensor_core_input(in_format)) {
    err << "mpsim dot: the " << m.name << " model is defined for fp16 and bf16 inputs (FACTS.md 8), not "
        << format_name(in_format) << '\n';
    return usage_error;
  }
  return run_dot(m, in_format, o.flags, in, out, err);
}

int run_dot(const AccumulationModel& m, const Format& in_format, bool print_flags, std::FILE* in, std::FILE* out,
            std::ostream& err) {
  const Format& acc = *m.accumulator;
  const int digits = (acc.storage_bits() + 3) / 4;
  std::string buffer;
  auto flush = [&] {
    std::fwrite(buffer.data(), 1, buffer.size(), out);
    std::fflush(out);
    buffer.clear();
  };
  std::vector<std::uint64_t> a, b;
  char* line = nullptr;
  std::size_t capacity = 0;
  int status = 0;
  for (std::uint64_t number = 1;; ++number) {
    const ssize_t length = ::getline(&line, &capacity, in);
    if (length < 0) break;
    std::string_view text(line, static_cast<std::size_t>(length));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    const std::vector<std::string_view> words = words_of(text);
    auto fail = [&](const std::string& what) {
      flush();
      err << "mpsim dot: line " << number << ": " << what << '\n';
      status = malformed;
    };
    if (words.size() % 2 == 0) {
      fail("expected 2k+1 hex words (k of a, k of b, then c), got " + std::to_string(words.size()));
      break;
    }
    const std::size_t k = words.size() / 2;
    a.assign(k, 0);
    b.assign(k, 0);
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < words.size() && status == 0; ++i) {
      const bool is_c = i == words.size() - 1;
      std::uint64_t& target = is_c ? c : (i < k ? a[i] : b[i - k]);
      const std::string problem = parse_word(words[i], is_c ? acc : in_format, target);
      if (!problem.empty()) fail("word " + std::to_string(i + 1) + " " + problem);
    }
    if (status != 0) break;
    const Result r = dot(m, in_format, a, b, c);
    put_hex(buffer, r.bits, digits);
    if (print_flags) {
      buffer.push_back(' ');
      put_hex(buffer, r.flags, 2);
    }
    buffer.push_back('\n');
    if (buffer.size() >= (1 << 16)) flush();
  }
  std::free(line);
  flush();
  return status;
}

}  // namespace mpsim::cli
