// SPDX-License-Identifier: MIT
// The Env's three NaN options (env.hpp: SignOpNan, WideningNan, OverflowNanSign) against bit
// patterns computed by hand for every kind of NaN (quiet, signaling, both signs, payloads), and
// the default Env checked unchanged: the Env overloads and the options at their defaults give
// the bits of the functions that existed before the options (all 2^16 fp16 and bf16 inputs).
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/add.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/ops/sign.hpp"

using namespace mpsim;

namespace {

constexpr std::uint8_t invalid = flag::invalid;
constexpr Env arithmetic_propagate{.sign_op_nan = SignOpNan::arithmetic};

// One NaN operand and what neg and abs give for it.
struct SignCase {
  std::uint64_t a;
  std::uint64_t neg_bits, abs_bits;            // IEEE bit operation: only the sign bit changes
  std::uint64_t neg_quieted, abs_quieted;      // arithmetic under NanPolicy::propagate
  bool signaling;
};

// binary16: quiet bit 0x0200, fraction 0x03FF.
const std::vector<SignCase> binary16_nans{
    {0x7E00, 0xFE00, 0x7E00, 0xFE00, 0x7E00, false},  // +qNaN
    {0xFE00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, false},  // -qNaN (x86 default NaN)
    {0x7E55, 0xFE55, 0x7E55, 0xFE55, 0x7E55, false},  // quiet, payload 0x55
    {0x7FFF, 0xFFFF, 0x7FFF, 0xFFFF, 0x7FFF, false},  // the canonical NaN
    {0xFFFF, 0x7FFF, 0x7FFF, 0x7FFF, 0x7FFF, false},
    {0x7D01, 0xFD01, 0x7D01, 0xFF01, 0x7F01, true},   // +sNaN, payload 0x101
    {0xFC01, 0x7C01, 0x7C01, 0x7E01, 0x7E01, true},   // -sNaN, smallest payload
    {0x7DFF, 0xFDFF, 0x7DFF, 0xFFFF, 0x7FFF, true},   // +sNaN, largest payload
};
// bfloat16: quiet bit 0x0040, fraction 0x007F.
const std::vector<SignCase> bfloat16_nans{
    {0x7FC0, 0xFFC0, 0x7FC0, 0xFFC0, 0x7FC0, false},
    {0xFFC0, 0x7FC0, 0x7FC0, 0x7FC0, 0x7FC0, false},
    {0x7FD5, 0xFFD5, 0x7FD5, 0xFFD5, 0x7FD5, false},
    {0x7FFF, 0xFFFF, 0x7FFF, 0xFFFF, 0x7FFF, false},
    {0xFFFF, 0x7FFF, 0x7FFF, 0x7FFF, 0x7FFF, false},
    {0x7FA0, 0xFFA0, 0x7FA0, 0xFFE0, 0x7FE0, true},
    {0xFF81, 0x7F81, 0x7F81, 0x7FC1, 0x7FC1, true},
    {0x7F81, 0xFF81, 0x7F81, 0xFFC1, 0x7FC1, true},
};

void check_sign_cases(const Format& f, const std::vector<SignCase>& cases) {
  for (const SignCase& c : cases) {
    INFO(std::string(f.name) << " operand 0x" << std::hex << c.a);
    const std::uint8_t flags = c.signaling ? invalid : 0;
    // Default and nvidia_env: the IEEE bit operation, no flag.
    CHECK(neg(f, c.a, Env{}) == Result{c.neg_bits, 0, 0});
    CHECK(abs(f, c.a, Env{}) == Result{c.abs_bits, 0, 0});
    CHECK(neg(f, c.a, nvidia_env) == Result{c.neg_bits, 0, 0});
    CHECK(abs(f, c.a, nvidia_env) == Result{c.abs_bits, 0, 0});
    // Arithmetic under propagate: the flipped operand, quieted; invalid for a signaling one.
    CHECK(neg(f, c.a, arithmetic_propagate) == Result{c.neg_quieted, flags, 0});
    CHECK(abs(f, c.a, arithmetic_propagate) == Result{c.abs_quieted, flags, 0});
    // nvidia_sm90_env (arithmetic, canonical): __hneg/__habs give 0x7FFF for every NaN.
    CHECK(neg(f, c.a, nvidia_sm90_env) == Result{0x7FFF, flags, 0});
    CHECK(abs(f, c.a, nvidia_sm90_env) == Result{0x7FFF, flags, 0});
  }
}

// nvidia_sm90_env with another overflow rule and rounding mode.
constexpr Env sm90_with(Overflow overflow, Rounding mode) {
  Env e = nvidia_sm90_env;
  e.overflow = overflow;
  e.rounding = mode;
  return e;
}

constexpr Rounding all_modes[] = {Rounding::nearest_even, Rounding::toward_zero, Rounding::upward,
                                  Rounding::downward,     Rounding::nearest_away, Rounding::to_odd,
                                  Rounding::stochastic};

// Does rounding `mode` take a finite overflow of sign `negative` to the largest finite value
// (IEEE 754-2019 7.4; to_odd like toward_zero)? Otherwise the non-saturating result is NaN.
bool to_largest(Rounding mode, bool negative) {
  return mode == Rounding::toward_zero || mode == Rounding::to_odd || (mode == Rounding::upward && negative) ||
         (mode == Rounding::downward && !negative);
}

constexpr std::uint32_t f32(float x) { return std::bit_cast<std::uint32_t>(x); }

// Formats without infinities that do not saturate by default: their NaN patterns (+, -) and
// largest finite values (+, -).
struct NoInfFormat {
  Format f;
  std::uint64_t nan_pos, nan_neg, max_pos, max_neg;
};
const std::vector<NoInfFormat> no_inf_formats{
    {fp8_e4m3, 0x7F, 0xFF, 0x7E, 0xFE},  // OCP E4M3: S.1111.111 is NaN, 448 = 0x7E
    // e5m2 without infinities (format_name "e5m2-noinf"): S.11111.11 is NaN, 1.5 * 2^16 = 0x7E
    {Format{.exponent_bits = 5, .fraction_bits = 2, .bias = 15, .infinities = false, .nan = NanEncoding::all_ones},
     0x7F, 0xFF, 0x7E, 0xFE},
    // e4m3 with IEEE NaNs and no infinities: top binade is NaN, max 1.875 * 2^7 = 0x77; the
    // overflow NaN carries the all-ones payload (propagate) or is canonical.
    {Format{.exponent_bits = 4, .fraction_bits = 3, .bias = 7, .infinities = false}, 0x7F, 0xFF, 0x77, 0xF7},
};

}  // namespace

TEST_CASE("neg and abs of every kind of fp16 NaN under each SignOpNan", "[ops][sign][nan_options]") {
  check_sign_cases(binary16, binary16_nans);
}

TEST_CASE("neg and abs of every kind of bf16 NaN under each SignOpNan", "[ops][sign][nan_options]") {
  check_sign_cases(bfloat16, bfloat16_nans);
}

TEST_CASE("SignOpNan::arithmetic leaves non-NaN operands to the bit operation, unflushed", "[ops][sign][nan_options]") {
  Env e = nvidia_sm90_env;
  e.flush_to_zero = e.denormals_are_zero = true;  // neg/abs never flush, even as "arithmetic"
  CHECK(neg(binary16, 0x0000, e) == Result{0x8000, 0, 0});  // -(+0) = -0, as HADD2 -x + -0 gives
  CHECK(abs(binary16, 0x8000, e) == Result{0x0000, 0, 0});
  CHECK(neg(binary16, 0x0001, e) == Result{0x8001, 0, 0});  // subnormal kept
  CHECK(neg(binary16, 0x7C00, e) == Result{0xFC00, 0, 0});  // inf
  CHECK(abs(bfloat16, 0xFF80, e) == Result{0x7F80, 0, 0});
  CHECK(neg(fp8_e4m3, 0x7F, e) == Result{0x7F, 0, 0});       // E4M3's one NaN per sign: canonical 0x7F
  CHECK(neg(fp8_e4m3, 0x7F, Env{}) == Result{0xFF, 0, 0});
}

TEST_CASE("bf16 -> binary32 NaN: keep_bits shifts, quiet_ieee quiets", "[ops][convert][nan_options]") {
  struct Case {
    std::uint64_t a, kept, quieted;  // kept: a << 16; quieted: propagate's quiet NaN
    bool signaling;
  };
  const Case cases[] = {
      {0x7FC0, 0x7FC00000, 0x7FC00000, false}, {0xFFC0, 0xFFC00000, 0xFFC00000, false},
      {0x7FD5, 0x7FD50000, 0x7FD50000, false}, {0x7FFF, 0x7FFF0000, 0x7FFF0000, false},
      {0xFFFF, 0xFFFF0000, 0xFFFF0000, false}, {0x7FA0, 0x7FA00000, 0x7FE00000, true},
      {0xFF81, 0xFF810000, 0xFFC10000, true},  {0x7F81, 0x7F810000, 0x7FC10000, true},
  };
  const Env keep_propagate{.bfloat16_to_binary32_nan = WideningNan::keep_bits};
  for (const Case& c : cases) {
    INFO("bf16 0x" << std::hex << c.a);
    const std::uint8_t flags = c.signaling ? invalid : 0;
    CHECK(convert(binary32, bfloat16, c.a, nvidia_sm90_env) == Result{c.kept, 0, 0});  // __bfloat162float
    CHECK(convert(binary32, bfloat16, c.a, keep_propagate) == Result{c.kept, 0, 0});
    CHECK(convert(binary32, bfloat16, c.a, Env{}) == Result{c.quieted, flags, 0});
    CHECK(convert(binary32, bfloat16, c.a, nvidia_env) == Result{0x7FFFFFFF, flags, 0});
  }
  // Non-NaN operands convert as before, DAZ included.
  Env daz = nvidia_sm90_env;
  daz.denormals_are_zero = true;
  CHECK(convert(binary32, bfloat16, 0x3F80, nvidia_sm90_env) == Result{0x3F800000, 0, 0});
  CHECK(convert(binary32, bfloat16, 0xFF80, nvidia_sm90_env) == Result{0xFF800000, 0, 0});
  CHECK(convert(binary32, bfloat16, 0x0001, daz) == Result{0, 0, event::flushed_input_a});
}

TEST_CASE("WideningNan applies only to bfloat16 -> binary32", "[ops][convert][nan_options]") {
  // fp16 -> f32 (__half2float) and FP8 -> fp16 (cvt) canonicalise on the GPU: keep_bits is ignored.
  CHECK(convert(binary32, binary16, 0x7D01, nvidia_sm90_env) == Result{0x7FFFFFFF, invalid, 0});
  CHECK(convert(binary32, binary16, 0x7E55, nvidia_sm90_env) == Result{0x7FFFFFFF, 0, 0});
  const Env keep_propagate{.bfloat16_to_binary32_nan = WideningNan::keep_bits};
  CHECK(convert(binary32, binary16, 0x7D01, keep_propagate) == Result{0x7FE02000, invalid, 0});  // quieted
  CHECK(convert(binary16, fp8_e5m2, 0x7D, nvidia_sm90_env) == Result{0x7FFF, invalid, 0});  // e5m2 sNaN
  CHECK(convert(binary16, fp8_e5m2, 0xFE, nvidia_sm90_env) == Result{0x7FFF, 0, 0});
  CHECK(convert(binary16, fp8_e4m3, 0xFF, nvidia_sm90_env) == Result{0x7FFF, 0, 0});
  CHECK(convert(binary16, fp8_e5m2, 0x7D, keep_propagate) == Result{0x7F00, invalid, 0});  // 0x7D00 quieted
  CHECK(convert(binary64, bfloat16, 0x7FA0, nvidia_sm90_env) == Result{0x7FFFFFFFFFFFFFFF, invalid, 0});
  CHECK(convert(bfloat16, binary32, 0x7FA00000, nvidia_sm90_env) == Result{0x7FFF, invalid, 0});  // narrowing
}

TEST_CASE("non-saturating overflow NaN sign in formats without infinities, every rounding mode",
          "[round][overflow][nan_options]") {
  constexpr std::uint8_t of = flag::overflow | flag::inexact;
  constexpr std::uint8_t nan_events = event::overflowed | event::nan_created;
  const Env of_value_propagate{.overflow_nan_sign = OverflowNanSign::of_value};
  for (const NoInfFormat& t : no_inf_formats) {
    for (const Rounding mode : all_modes) {
      for (const bool negative : {false, true}) {
        INFO(format_name(t.f) << " mode " << static_cast<int>(mode) << (negative ? " -1e6" : " +1e6"));
        // +-1e6 lies above every one of these formats' largest value (at most 98304) in every mode.
        const std::uint32_t x = f32(negative ? -1e6f : 1e6f);
        const std::uint32_t random = 0x9E3779B9u;
        const Result largest{negative ? t.max_neg : t.max_pos, of, event::overflowed};
        auto with = [&](Env e) {
          e.rounding = mode;
          e.overflow = Overflow::infinity;
          return convert(t.f, binary32, x, e, random);
        };
        if (to_largest(mode, negative)) {
          CHECK(with(nvidia_sm90_env) == largest);
          CHECK(with(nvidia_env) == largest);
          CHECK(with(Env{}) == largest);
          continue;
        }
        const std::uint64_t signed_nan = negative ? t.nan_neg : t.nan_pos;
        CHECK(with(nvidia_sm90_env) == Result{signed_nan, of, nan_events});  // __NV_NOSAT: sign kept
        CHECK(with(of_value_propagate) == Result{signed_nan, of, nan_events});
        CHECK(with(Env{}) == Result{signed_nan, of, nan_events});            // propagate keeps the sign
        CHECK(with(nvidia_env) == Result{t.nan_pos, of, nan_events});        // canonical: positive
      }
    }
    // An infinite operand: NaN with invalid, whatever the mode.
    for (const Rounding mode : all_modes) {
      Env sm90 = sm90_with(Overflow::infinity, mode);
      Env canonical = nvidia_env;
      canonical.rounding = mode;
      canonical.overflow = Overflow::infinity;
      INFO(format_name(t.f) << " mode " << static_cast<int>(mode));
      CHECK(convert(t.f, binary32, 0xFF800000, sm90) == Result{t.nan_neg, invalid, event::nan_created});
      CHECK(convert(t.f, binary32, 0x7F800000, sm90) == Result{t.nan_pos, invalid, event::nan_created});
      CHECK(convert(t.f, binary32, 0xFF800000, canonical) == Result{t.nan_pos, invalid, event::nan_created});
      // NaN operands are not overflows: canonical under both settings.
      CHECK(convert(t.f, binary32, 0xFFC00000, sm90).bits == t.nan_pos);
    }
  }
  // Saturation is unaffected.
  CHECK(convert(fp8_e4m3, binary32, f32(-1e6f), sm90_with(Overflow::saturate, Rounding::nearest_even)) ==
        Result{0xFE, of, event::overflowed});
  // round_to_format directly, and an arithmetic overflow: -448 + -448 in E4M3.
  CHECK(round_to_format(fp8_e4m3, nvidia_sm90_env, {true, 0, 465}) == Result{0xFF, of, nan_events});
  CHECK(round_to_format(fp8_e4m3, nvidia_env, {true, 0, 465}) == Result{0x7F, of, nan_events});
  CHECK(add(fp8_e4m3, 0xFE, 0xFE, nvidia_sm90_env) == Result{0xFF, of, nan_events});
  CHECK(add(fp8_e4m3, 0xFE, 0xFE, nvidia_env) == Result{0x7F, of, nan_events});
  // Formats with infinities never read the option: -1e6 overflows E5M2 (max 57344) to -inf.
  CHECK(convert(fp8_e5m2, binary32, f32(-1e6f), sm90_with(Overflow::infinity, Rounding::nearest_even)) ==
        Result{0xFC, of, event::overflowed});
}

TEST_CASE("the default Env gives the bits of the functions without options, all fp16 and bf16 inputs",
          "[ops][nan_options]") {
  for (const Format* f : {&binary16, &bfloat16}) {
    INFO(f->name);
    std::uint64_t differences = 0;
    for (std::uint64_t a = 0; a < 0x10000; ++a) {
      for (const Env& env : {ieee_env, nvidia_env}) {
        if (neg(*f, a, env) != Result{neg(*f, a), 0, 0}) ++differences;
        if (abs(*f, a, env) != Result{abs(*f, a), 0, 0}) ++differences;
        // convert without the keep_bits branch: the conversion path as it was.
        const Result old = detail::convert_unpacked(binary32, env, unpack(*f, a), 0, 0);
        if (convert(binary32, *f, a, env) != old) ++differences;
      }
    }
    CHECK(differences == 0);
  }
  // overflow_nan under by_nan_policy is the quiet_nan_from that round_to_format and
  // pack_infinity called before the option, for every named format, both policies and signs.
  for (const Format* f : named_formats) {
    for (const Env& env : {ieee_env, nvidia_env}) {
      for (const bool sign : {false, true}) {
        CHECK(overflow_nan(*f, env, sign) == quiet_nan_from(*f, env, sign, ~std::uint64_t{0} >> 12));
      }
    }
  }
}
