// SPDX-License-Identifier: MIT
// Every binary16 and bfloat16 value converted to binary32 and binary64 (exact), to the other
// narrow formats (bfloat16/binary16, E4M3, E5M2, TF32) and to int32/int64 in every mode,
// against the x87 reference (narrow targets: also the binary64 one; binary16 widening: also
// F16C vcvtph2ps), results and flags.
#include <cstdint>
#include <utility>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/ops/integer.hpp"
#include "formats.hpp"
#include "pairs.hpp"
#include "reference/operations.hpp"
#include "reference/sse_half.hpp"
#include "sweep.hpp"

using namespace exhaustive;

namespace {

constexpr std::uint32_t every = 1, every_7th = 7;
constexpr std::uint64_t values(std::uint32_t step) { return (0x10000 + step - 1) / step; }

void check_widening(const PairFormat& from, std::uint32_t step) {
  using namespace reference;
  const bool hardware = from.ref.fraction_bits == 10 && has_f16c();
  if (from.ref.fraction_bits == 10 && !hardware) {
    WARN("this CPU has no F16C: binary16 widening is checked against the x87 reference only");
  }
  MxcsrScope keep_mxcsr;
  for (const ModeCase* mode : deterministic_modes) {
    const ModeCase& m = *mode;
    INFO(m.name);
    const mpsim::Env env = env_for(m);
    Tally tally;
    X87::Scope x87_direction(direction_for(m.ref));
    for (std::uint32_t x = 0; x < 0x10000; x += step) {
      const Decoded d = decode(from.ref, x);
      const mpsim::Result got32 = mpsim::convert(mpsim::binary32, from.emu, x, env);
      const mpsim::Result got64 = mpsim::convert(mpsim::binary64, from.emu, x, env);
      const Rounded want32 = to_binary32(d), want64 = to_binary64(d);
      if (got32.bits != want32.bits || got32.flags != want32.flags) {
        tally.mismatch("%s %04X to binary32 %s: x87 reference %08llX/%02X, emulator %08llX/%02X", from.ref.name, x,
                       m.name, static_cast<unsigned long long>(want32.bits), want32.flags,
                       static_cast<unsigned long long>(got32.bits), got32.flags);
      }
      if (got64.bits != want64.bits || got64.flags != want64.flags) {
        tally.mismatch("%s %04X to binary64 %s: x87 reference %016llX/%02X, emulator %016llX/%02X", from.ref.name, x,
                       m.name, static_cast<unsigned long long>(want64.bits), want64.flags,
                       static_cast<unsigned long long>(got64.bits), got64.flags);
      }
      if (hardware) {
        const Rounded native = f16c_to_binary32(static_cast<std::uint16_t>(x), direction_for(m.ref));
        if (got32.bits != native.bits || got32.flags != native.flags) {
          tally.mismatch("%s %04X to binary32 %s: F16C %08llX/%02X, emulator %08llX/%02X", from.ref.name, x, m.name,
                         static_cast<unsigned long long>(native.bits), native.flags,
                         static_cast<unsigned long long>(got32.bits), got32.flags);
        }
      }
      tally.add_cases(1);
    }
    require_clean(tally, values(step));
  }
}

void check_narrowing(const PairFormat& from, const PairFormat& to, std::uint32_t step) {
  using namespace reference;
  const int digits = (to.ref.width + 3) / 4;
  for (const ModeCase* mode : all_modes) {
    const ModeCase& m = *mode;
    INFO(m.name);
    const mpsim::Env env = env_for(m);
    Tally tally;
    X87::Scope x87_direction(direction_for(m.ref));
    Sse::Scope sse_direction(direction_for(m.ref));
    for (std::uint32_t x = 0; x < 0x10000; x += step) {
      const std::uint32_t random = random_word(x);
      const mpsim::Result got = mpsim::convert(to.emu, from.emu, x, env, random);
      const Decoded d = decode(from.ref, x);
      for (const auto& [name, want] : {std::pair{X87::name, convert<X87>(to.ref, d, m.ref, random)},
                                       std::pair{Sse::name, convert<Sse>(to.ref, d, m.ref, random)}}) {
        if (got.bits != want.bits || got.flags != want.flags) {
          tally.mismatch("%s %04X to %s %s: %s reference %0*llX/%02X, emulator %0*llX/%02X", from.ref.name, x,
                         to.ref.name, m.name, name, digits, static_cast<unsigned long long>(want.bits), want.flags,
                         digits, static_cast<unsigned long long>(got.bits), got.flags);
        }
      }
      tally.add_cases(1);
    }
    require_clean(tally, values(step));
  }
}

void check_to_integer(const PairFormat& from, std::uint32_t step) {
  using namespace reference;
  for (const ModeCase* mode : deterministic_modes) {
    const ModeCase& m = *mode;
    for (const int width : {32, 64}) {
      for (const bool exact : {false, true}) {
        INFO(m.name << " int" << width << (exact ? " exact" : ""));
        const mpsim::Env env = env_for(m);
        Tally tally;
        X87::Scope x87_direction(direction_for(m.ref));
        for (std::uint32_t x = 0; x < 0x10000; x += step) {
          const mpsim::IntResult got = mpsim::to_int(from.emu, x, width, env, exact);
          const IntRounded want = to_integer(decode(from.ref, x), width, m.ref, exact);
          if (got.value != want.value || got.flags != want.flags) {
            tally.mismatch("%s %04X to int%d%s %s: x87 reference %lld/%02X, emulator %lld/%02X", from.ref.name, x,
                           width, exact ? " exact" : "", m.name, static_cast<long long>(want.value), want.flags,
                           static_cast<long long>(got.value), got.flags);
          }
          tally.add_cases(1);
        }
        require_clean(tally, values(step));
      }
    }
  }
}
}  // namespace

// clang-format off
TEST_CASE("every binary16 value widens exactly to binary32 and binary64", "[.][exhaustive][convert][binary16]") { check_widening(fp16, every); }
TEST_CASE("every bfloat16 value widens exactly to binary32 and binary64", "[.][exhaustive][convert][bfloat16]") { check_widening(bf16, every); }
TEST_CASE("every binary16 value converts to the other narrow formats like the reference in every mode", "[.][exhaustive][convert][binary16]") {
  for (const PairFormat* to : {&bf16, &e4m3, &e5m2, &tf32}) check_narrowing(fp16, *to, every);
}
TEST_CASE("every bfloat16 value converts to the other narrow formats like the reference in every mode", "[.][exhaustive][convert][bfloat16]") {
  for (const PairFormat* to : {&fp16, &e4m3, &e5m2, &tf32}) check_narrowing(bf16, *to, every);
}
TEST_CASE("every binary16 value converts to int32 and int64 like the reference in every mode", "[.][exhaustive][to_int][binary16]") { check_to_integer(fp16, every); }
TEST_CASE("every bfloat16 value converts to int32 and int64 like the reference in every mode", "[.][exhaustive][to_int][bfloat16]") { check_to_integer(bf16, every); }

TEST_CASE("every 7th binary16 value widens exactly to binary32 and binary64", "[convert][binary16]") { check_widening(fp16, every_7th); }
TEST_CASE("every 7th bfloat16 value widens exactly to binary32 and binary64", "[convert][bfloat16]") { check_widening(bf16, every_7th); }
TEST_CASE("every 7th binary16 value converts to the other narrow formats like the reference in every mode", "[convert][binary16]") {
  for (const PairFormat* to : {&bf16, &e4m3, &e5m2, &tf32}) check_narrowing(fp16, *to, every_7th);
}
TEST_CASE("every 7th bfloat16 value converts to the other narrow formats like the reference in every mode", "[convert][bfloat16]") {
  for (const PairFormat* to : {&fp16, &e4m3, &e5m2, &tf32}) check_narrowing(bf16, *to, every_7th);
}
TEST_CASE("every 7th binary16 value converts to int32 and int64 like the reference in every mode", "[to_int][binary16]") { check_to_integer(fp16, every_7th); }
TEST_CASE("every 7th bfloat16 value converts to int32 and int64 like the reference in every mode", "[to_int][bfloat16]") { check_to_integer(bf16, every_7th); }
// clang-format on
