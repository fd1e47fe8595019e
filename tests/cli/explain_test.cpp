// SPDX-License-Identifier: MIT
// Tests of `mpsim explain`: exact input parsing, one correct rounding, and the printed
// fields, neighbours, errors and flags.
#include <catch2/catch.hpp>

#include "process.hpp"

using mpsim::test::lines_of;
using mpsim::test::run_mpsim;

namespace {

// Runs explain and returns its output; fails the test on a non-zero exit.
std::string explain(std::vector<std::string> args) {
  args.insert(args.begin(), "explain");
  const auto r = run_mpsim(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// The text of the line labelled `label` (labels fill the first 16 columns); "" if absent.
std::string field(const std::string& out, const std::string& label) {
  for (const std::string& line : lines_of(out)) {
    if (line.size() < 16) continue;
    std::string l = line.substr(0, 16);
    l.erase(l.find_last_not_of(' ') + 1);
    if (l == label) return line.substr(16);
  }
  return "";
}

std::string stored_hex(const std::string& out) {
  const std::string bits = field(out, "stored bits");
  return bits.substr(bits.rfind("0x"));
}

}  // namespace

TEST_CASE("explain 0.1 in fp16 stores 0x2E66 = 0.0999755859375, inexact", "[cli][explain][fp16]") {
  const std::string out = explain({"0.1", "--format", "fp16"});
  CHECK(field(out, "exact input") == "0.1");
  CHECK(field(out, "stored bits") == "0 | 01011 | 1001100110  = 0x2E66");
  CHECK(field(out, "sign") == "0 (+)");
  CHECK(field(out, "exponent") == "field 01011 = 11, unbiased 11 - 15 = -4");
  CHECK(field(out, "stored value") == "0.0999755859375");
  CHECK(field(out, "class") == "+normal");
  CHECK(field(out, "next down") == "0x2E65 = 0.09991455078125");
  CHECK(field(out, "next up") == "0x2E67 = 0.10003662109375");
  CHECK(field(out, "ulp") == "2^-14 = 0.00006103515625");
  // 0.0999755859375 - 0.1 = -0.0000244140625 = -0.4 * 2^-14
  CHECK(field(out, "rounding error") == "stored - input = -0.0000244140625 = -0.4 ulp");
  CHECK(field(out, "relative error") == "(stored - input) / input = -0.000244141");
  CHECK(field(out, "flags") == "inexact");
}

TEST_CASE("explain reads decimals exactly, not through double", "[cli][explain][fp64]") {
  // binary64's 0.1 is 0x3FB999999999999A; its exact value has 55 significant digits.
  const std::string out = explain({"0.1", "-f", "fp64"});
  CHECK(stored_hex(out) == "0x3FB999999999999A");
  CHECK(field(out, "stored value") == "0.1000000000000000055511151231257827021181583404541015625");
  // Halfway between 1 and 1 + 2^-52, plus 10^-60: a double-based parser would tie to 1.
  const std::string above = explain({"1.00000000000000011102230246251565404236316680908203125000000000000000000000000001",
                                     "-f", "fp64"});
  CHECK(stored_hex(above) == "0x3FF0000000000001");
  const std::string tie = explain({"1.00000000000000011102230246251565404236316680908203125", "-f", "fp64"});
  CHECK(stored_hex(tie) == "0x3FF0000000000000");
}

TEST_CASE("explain of a subnormal fp16 result shows emin and raises underflow", "[cli][explain][fp16]") {
  const std::string out = explain({"1e-7", "-f", "fp16"});
  CHECK(field(out, "stored bits") == "0 | 00000 | 0000000010  = 0x0002");
  CHECK(field(out, "exponent") == "field 00000 = 0: subnormal, the exponent is emin = -14");
  CHECK(field(out, "stored value") == "0.00000011920928955078125");  // 2 * 2^-24
  CHECK(field(out, "class") == "+subnormal");
  CHECK(field(out, "ulp") == "2^-24 = 5.9604644775390625e-8");
  CHECK(field(out, "flags") == "inexact, underflow");
  CHECK(field(out, "events") == "subnormal result");
}

TEST_CASE("explain: exactly 2^-25 ties to zero in fp16, anything above goes to 2^-24", "[cli][explain][fp16]") {
  const std::string tie = explain({"2.98023223876953125e-8", "-f", "fp16"});  // 2^-25 exactly
  CHECK(stored_hex(tie) == "0x0000");
  CHECK(field(tie, "flags") == "inexact, underflow");
  CHECK(stored_hex(explain({"2.98023223876953125000000001e-8", "-f", "fp16"})) == "0x0001");
  CHECK(stored_hex(explain({"0x1.0000000000001p-25", "-f", "fp16"})) == "0x0001");
  CHECK(stored_hex(explain({"0x1p-25", "-f", "fp16"})) == "0x0000");
}

TEST_CASE("explain 65520 overflows fp16 to +inf under nearest_even, not under toward_zero", "[cli][explain][fp16]") {
  const std::string out = explain({"65520", "-f", "fp16"});
  CHECK(stored_hex(out) == "0x7C00");
  CHECK(field(out, "stored value") == "+infinity");
  CHECK(field(out, "class") == "+infinity");
  CHECK(field(out, "flags") == "inexact, overflow");
  CHECK(field(out, "next down") == "0x7BFF = 65504");
  CHECK(field(out, "next up") == "none");
  // Truncated to 11 bits with an unbounded exponent 65520 is 65504: no overflow.
  const std::string rz = explain({"65520", "-f", "fp16", "--round", "toward_zero"});
  CHECK(stored_hex(rz) == "0x7BFF");
  CHECK(field(rz, "flags") == "inexact");
  // 65536 = 2^16 stays 2^16 when truncated: it overflows to the largest finite value.
  const std::string rz_over = explain({"65536", "-f", "fp16", "--round", "toward_zero"});
  CHECK(stored_hex(rz_over) == "0x7BFF");
  CHECK(field(rz_over, "flags") == "inexact, overflow");
  CHECK(stored_hex(explain({"65519.99", "-f", "fp16"})) == "0x7BFF");
}

TEST_CASE("explain of nan gives fp16's quiet NaN without flags", "[cli][explain][fp16]") {
  const std::string out = explain({"nan", "-f", "fp16"});
  CHECK(stored_hex(out) == "0x7E00");
  CHECK(field(out, "class") == "quiet NaN");
  CHECK(field(out, "fraction") == "1000000000 (quiet bit set, payload 0x0)");
  CHECK(field(out, "next up") == "none");
  CHECK(field(out, "flags") == "none");
  const std::string negative = explain({"-nan", "-f", "e4m3"});
  CHECK(stored_hex(negative) == "0xFF");  // S.1111.111
  CHECK(field(explain({"snan", "-f", "fp32"}), "class") == "signaling NaN");
}

TEST_CASE("explain of the raw pattern bits:0x7C00 in fp16 is +inf", "[cli][explain][fp16]") {
  const std::string out = explain({"bits:0x7C00", "-f", "fp16"});
  CHECK(field(out, "stored bits") == "0 | 11111 | 0000000000  = 0x7C00");
  CHECK(field(out, "stored value") == "+infinity");
  CHECK(field(out, "class") == "+infinity");
  CHECK(field(out, "exact input").empty());  // a pattern is not rounded
  CHECK(field(out, "flags").empty());
  // The same digits without bits: are the number 31744.
  const std::string number = explain({"0x7C00", "-f", "fp16"});
  CHECK(field(number, "exact input") == "31744");
  CHECK(stored_hex(number) == "0x77C0");  // 1.9375 * 2^14
  CHECK(stored_hex(explain({"bits:0b0011110000000000", "-f", "fp16"})) == "0x3C00");
}

TEST_CASE("explain shows neighbours and ulp at 1.0 and at zero", "[cli][explain][fp16]") {
  const std::string one = explain({"1", "-f", "fp16"});
  CHECK(field(one, "next down") == "0x3BFF = 0.99951171875");
  CHECK(field(one, "next up") == "0x3C01 = 1.0009765625");
  CHECK(field(one, "ulp") == "2^-10 = 0.0009765625");
  CHECK(field(one, "rounding error") == "0 (the input is representable)");
  CHECK(field(one, "flags") == "none");
  const std::string zero = explain({"-0", "-f", "fp16"});
  CHECK(stored_hex(zero) == "0x8000");
  CHECK(field(zero, "class") == "-zero");
  CHECK(field(zero, "next down") == "0x8001 = -5.9604644775390625e-8");
  CHECK(field(zero, "next up") == "0x0001 = 5.9604644775390625e-8");
}

TEST_CASE("explain rounds ties by the chosen mode", "[cli][explain][fp16]") {
  // 2049 lies halfway between fp16 neighbours 2048 and 2050.
  CHECK(stored_hex(explain({"2049", "-f", "fp16"})) == "0x6800");                          // 2048, even
  CHECK(stored_hex(explain({"2051", "-f", "fp16"})) == "0x6802");                          // 2052, even
  CHECK(stored_hex(explain({"2049", "-f", "fp16", "-r", "nearest_away"})) == "0x6801");    // 2050
  CHECK(stored_hex(explain({"2049", "-f", "fp16", "-r", "toward_zero"})) == "0x6800");
  CHECK(stored_hex(explain({"2048.001", "-f", "fp16", "-r", "upward"})) == "0x6801");
  CHECK(stored_hex(explain({"-2048.001", "-f", "fp16", "-r", "downward"})) == "0xE801");
  CHECK(stored_hex(explain({"2052.5", "-f", "fp16", "-r", "to_odd"})) == "0x6803");        // 2054, odd
  CHECK(stored_hex(explain({"2049", "-f", "fp16", "-r", "minMag"})) == "0x6800");           // TestFloat name
}

TEST_CASE("explain of bf16 and e4m3 values", "[cli][explain][bf16][e4m3]") {
  const std::string bf = explain({"0.1", "-f", "bf16"});
  CHECK(stored_hex(bf) == "0x3DCD");
  CHECK(field(bf, "stored value") == "0.10009765625");
  CHECK(stored_hex(explain({"448", "-f", "e4m3"})) == "0x7E");
  CHECK(stored_hex(explain({"464", "-f", "e4m3"})) == "0x7E");  // halfway to 480: ties to even 448
  const std::string over = explain({"465", "-f", "e4m3"});      // rounds past 448: no inf, so NaN
  CHECK(stored_hex(over) == "0x7F");
  CHECK(field(over, "flags") == "inexact, overflow");
  CHECK(field(explain({"inf", "-f", "e4m3"}), "flags") == "invalid");
  // OCP E4M3 in saturating mode; plain "e4m3-sat" would be the IEEE-style e4m3 (max 240).
  const std::string saturated = explain({"465", "-f", "e4m3-noinf-sat"});
  CHECK(stored_hex(saturated) == "0x7E");
  CHECK(field(saturated, "flags") == "inexact, overflow");
  CHECK(stored_hex(explain({"465", "-f", "e4m3-sat"})) == "0x77");  // 240
}

TEST_CASE("explain handles decimal exponents far outside every format", "[cli][explain][fp64]") {
  const std::string tiny = explain({"1e-400", "-f", "fp64"});
  CHECK(stored_hex(tiny) == "0x0000000000000000");
  CHECK(field(tiny, "flags") == "inexact, underflow");
  CHECK(field(tiny, "relative error") == "(stored - input) / input = -1");
  CHECK(stored_hex(explain({"1e-99999", "-f", "fp64", "-r", "upward"})) == "0x0000000000000001");
  const std::string huge = explain({"1e400", "-f", "fp64"});
  CHECK(stored_hex(huge) == "0x7FF0000000000000");
  CHECK(field(huge, "flags") == "inexact, overflow");
  CHECK(stored_hex(explain({"-1e99999", "-f", "fp16", "-r", "toward_zero"})) == "0xFBFF");
  CHECK(stored_hex(explain({"0x1p-100000", "-f", "fp32", "-r", "upward"})) == "0x00000001");
}

TEST_CASE("explain prints binary64's smallest subnormal with all 751 digits", "[cli][explain][fp64]") {
  const std::string out = explain({"bits:0x1", "-f", "fp64"});
  const std::string v = field(out, "stored value");
  REQUIRE(v.size() > 10);
  CHECK(v.substr(0, 12) == "4.9406564584");
  CHECK(v.substr(v.size() - 10) == "65625e-324");
  CHECK(v.size() - std::string("e-324").size() - 1 == 751);  // digits without the point
}

TEST_CASE("explain: FTZ flushes and tininess before rounding raises underflow", "[cli][explain][fp16]") {
  CHECK(stored_hex(explain({"1e-7", "-f", "fp16", "--ftz"})) == "0x0000");
  // (1 - 2^-12) * 2^-14 rounds up to 2^-14: tiny before rounding, not after.
  const std::string after = explain({"0x1.ffep-15", "-f", "fp16"});
  CHECK(stored_hex(after) == "0x0400");
  CHECK(field(after, "flags") == "inexact");
  CHECK(field(explain({"0x1.ffep-15", "-f", "fp16", "--tininess", "before"}), "flags") == "inexact, underflow");
  CHECK(field(explain({"bits:0x0001", "-f", "fp16", "--daz"}), "note") == "under DAZ operations read this operand as +0");
}

TEST_CASE("explain stochastic rounding is reproducible for a seed and shows the round-away probability",
          "[cli][explain][stochastic]") {
  const std::vector<std::string> args{"0.1", "-f", "e4m3", "-r", "stochastic", "--seed", "42"};
  const std::string a = explain(args), b = explain(args);
  CHECK(a == b);
  // 0.1 lies between e4m3's 0.09375 (0x1C) and 0.1015625 (0x1D), 0.8 of the way up.
  CHECK(field(a, "P(round away)").find("= 0.8 ") != std::string::npos);
  const std::string bits = stored_hex(a);
  CHECK((bits == "0x1C" || bits == "0x1D"));
  // Over 20 seeds both neighbours occur (a fixed rounding direction would give one).
  int up = 0;
  for (int seed = 0; seed < 20; ++seed)
    up += stored_hex(explain({"0.1", "-f", "e4m3", "-r", "stochastic", "--seed", std::to_string(seed)})) == "0x1D";
  CHECK(up > 0);
  CHECK(up < 20);
}

TEST_CASE("explain accepts negative special values before the options", "[cli][explain]") {
  CHECK(stored_hex(explain({"-inf", "-f", "fp16"})) == "0xFC00");
  CHECK(stored_hex(explain({"-1e-8", "-f", "fp16"})) == "0x8000");
  CHECK(stored_hex(explain({"-f", "fp16", "--", "-0x1p-3"})) == "0xB000");
}
