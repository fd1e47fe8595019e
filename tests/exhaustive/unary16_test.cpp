// SPDX-License-Identifier: MIT
// Every binary16 and bfloat16 value through neg, abs, classify and sqrt (every mode) against
// the x87 and binary64 references (and AVX512-FP16 vsqrtsh for binary16), results and flags.
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/classify.hpp"
#include "mpsim/ops/sign.hpp"
#include "mpsim/ops/sqrt.hpp"
#include "formats.hpp"
#include "pairs.hpp"
#include "reference/operations.hpp"
#include "reference/sse_half.hpp"
#include "sweep.hpp"

using namespace exhaustive;

namespace {

// Whole sweeps step through every value; the quick ones through every 7th.
constexpr std::uint32_t every = 1, every_7th = 7;

// The encoding of a value with the same payload and the sign `sign` (a sign-bit operation:
// NaNs keep their payload and signalling bit), built from the decoded operand.
std::uint64_t with_sign(const reference::Target& f, const reference::Decoded& d, bool sign) {
  using namespace reference;
  const std::uint64_t s = sign ? f.sign_bit() : 0;
  if (d.nan) return s | f.exponent_ones() | (d.payload >> (64 - f.fraction_bits));
  X87::Scope x87(Direction::nearest);
  const long double magnitude = std::fabs(d.value);
  const Rounded r = convert<X87>(f, Decoded{sign ? -magnitude : magnitude}, Mode::nearest_even);
  return r.flags == 0 ? r.bits : ~std::uint64_t{0};  // every value is exact in its own format
}

mpsim::Class expected_class(const reference::Target& f, const reference::Decoded& d) {
  using mpsim::Class;
  if (d.nan) return d.signaling ? Class::signaling_nan : Class::quiet_nan;
  if (std::isinf(d.value)) return d.sign ? Class::negative_infinity : Class::positive_infinity;
  if (d.value == 0) return d.sign ? Class::negative_zero : Class::positive_zero;
  if (std::fabs(d.value) < reference::pow2(f.emin())) {
    return d.sign ? Class::negative_subnormal : Class::positive_subnormal;
  }
  return d.sign ? Class::negative_normal : Class::positive_normal;
}

void check_sign_and_class(const PairFormat& f, std::uint32_t step) {
  Tally tally;
  for (std::uint32_t x = 0; x < 0x10000; x += step) {
    const reference::Decoded d = reference::decode(f.ref, x);
    const std::uint64_t neg = with_sign(f.ref, d, !d.sign), abs = with_sign(f.ref, d, false);
    if (mpsim::neg(f.emu, x) != neg) {
      tally.mismatch("%s neg %04X: reference %04llX", f.ref.name, x, static_cast<unsigned long long>(neg));
    }
    if (mpsim::abs(f.emu, x) != abs) {
      tally.mismatch("%s abs %04X: reference %04llX", f.ref.name, x, static_cast<unsigned long long>(abs));
    }
    const mpsim::Class want = expected_class(f.ref, d), got = mpsim::classify(f.emu, x);
    if (got != want) {
      tally.mismatch("%s classify %04X: reference %s, emulator %s", f.ref.name, x, mpsim::class_name(want).data(),
                     mpsim::class_name(got).data());
    }
    tally.add_cases(1);
  }
  require_clean(tally, (0x10000 + step - 1) / step);
}

void check_sqrt(const PairFormat& f, std::uint32_t step) {
  using namespace reference;
  const bool hardware = f.ref.fraction_bits == 10 && has_avx512fp16();
  if (f.ref.fraction_bits == 10 && !hardware) {
    WARN("this CPU has no AVX512-FP16: binary16 sqrt is checked against the x87/SSE references only");
  }
  MxcsrScope keep_mxcsr;
  for (const ModeCase* mode : all_modes) {
    const ModeCase& m = *mode;
    INFO(m.name);
    const mpsim::Env env = env_for(m);
    Direction hw_direction{};
    const bool hw = hardware && ieee_direction(m, hw_direction);
    Tally tally;
    X87::Scope x87_direction(direction_for(m.ref));
    Sse::Scope sse_direction(direction_for(m.ref));
    for (std::uint32_t x = 0; x < 0x10000; x += step) {
      const std::uint32_t random = random_word(x);
      const mpsim::Result got = mpsim::sqrt(f.emu, x, env, random);
      const Decoded d = decode(f.ref, x);
      for (const auto& [name, want] : {std::pair{X87::name, square_root<X87>(f.ref, d, m.ref, random)},
                                       std::pair{Sse::name, square_root<Sse>(f.ref, d, m.ref, random)}}) {
        if (got.bits != want.bits || got.flags != want.flags) {
          tally.mismatch("%s sqrt %s %04X: %s reference %04llX/%02X, emulator %04llX/%02X", f.ref.name, m.name, x,
                         name, static_cast<unsigned long long>(want.bits), want.flags,
                         static_cast<unsigned long long>(got.bits), got.flags);
        }
      }
      if (hw) {
        const Rounded native = avx512fp16_op<HalfOp::sqrt>(0, static_cast<std::uint16_t>(x), hw_direction);
        if (got.bits != native.bits || got.flags != native.flags) {
          tally.mismatch("%s sqrt %s %04X: AVX512-FP16 %04llX/%02X, emulator %04llX/%02X", f.ref.name, m.name, x,
                         static_cast<unsigned long long>(native.bits), native.flags,
                         static_cast<unsigned long long>(got.bits), got.flags);
        }
      }
      tally.add_cases(1);
    }
    require_clean(tally, (0x10000 + step - 1) / step);
  }
}
}  // namespace

// clang-format off
TEST_CASE("every binary16 value negates and takes abs and classifies like the reference", "[.][exhaustive][sign][classify][binary16]") { check_sign_and_class(fp16, every); }
TEST_CASE("every bfloat16 value negates and takes abs and classifies like the reference", "[.][exhaustive][sign][classify][bfloat16]") { check_sign_and_class(bf16, every); }
TEST_CASE("every binary16 value square-roots like the reference in every mode", "[.][exhaustive][sqrt][binary16]") { check_sqrt(fp16, every); }
TEST_CASE("every bfloat16 value square-roots like the reference in every mode", "[.][exhaustive][sqrt][bfloat16]") { check_sqrt(bf16, every); }

TEST_CASE("every 7th binary16 value negates and takes abs and classifies like the reference", "[sign][classify][binary16]") { check_sign_and_class(fp16, every_7th); }
TEST_CASE("every 7th bfloat16 value negates and takes abs and classifies like the reference", "[sign][classify][bfloat16]") { check_sign_and_class(bf16, every_7th); }
TEST_CASE("every 7th binary16 value square-roots like the reference in every mode", "[sqrt][binary16]") { check_sqrt(fp16, every_7th); }
TEST_CASE("every 7th bfloat16 value square-roots like the reference in every mode", "[sqrt][bfloat16]") { check_sqrt(bf16, every_7th); }
// clang-format on
