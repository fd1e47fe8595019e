// SPDX-License-Identifier: MIT
// Sweeps of binary32 inputs converted to a narrow format: the emulator against the binary64
// references (AVX-512 lanes or scalar; on request x87 too), bits and flags of every input,
// and for binary16 in the four IEEE directions on a CPU with F16C against 8-lane vcvtps2ph
// results (bits of every input, flags OR-ed over the 8 lanes) too.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "array_sweep.hpp"
#include "formats.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "pairs.hpp"
#include "reference/lanes.hpp"
#include "reference/operations.hpp"
#include "reference/sse_half.hpp"
#include "sweep.hpp"

namespace exhaustive {

inline std::uint8_t f16c_block(reference::Direction d, const std::array<std::uint32_t, 8>& x,
                               std::array<std::uint16_t, 8>& r) {
  using reference::Direction;
  switch (d) {
    case Direction::nearest: return reference::f16c_from_binary32_x8<Direction::nearest>(x, r);
    case Direction::down: return reference::f16c_from_binary32_x8<Direction::down>(x, r);
    case Direction::up: return reference::f16c_from_binary32_x8<Direction::up>(x, r);
    case Direction::toward_zero: break;
  }
  return reference::f16c_from_binary32_x8<Direction::toward_zero>(x, r);
}

// The emulator's conversion for a constant format and mode, kept out of line so that it is
// compiled (and register-allocated) on its own.
template <const mpsim::Format& f, const mpsim::Env& env>
[[gnu::noinline]] mpsim::Result emulate_from_binary32(std::uint32_t x, std::uint32_t random) {
  return mpsim::convert(f, mpsim::binary32, x, env, random);
}

// Checks inputs input_at(0 .. count-1), count a multiple of 64. Single-threaded. Compiled
// per format and mode, so the emulator runs with a constant Format and Env. Every input and
// the emulator's result also go to `array` (the array fast path's check), when given.
template <const PairFormat& F, const ModeCase& M, class InputAt>
Tally sweep_from_binary32(Wides wides, std::uint64_t count, InputAt&& input_at, ArraySweep* array = nullptr) {
  using namespace reference;
  constexpr int block = Lanes::size;
  constexpr bool stochastic = M.ref == Mode::stochastic;
  const bool binary16 = F.ref.width == 16 && F.ref.fraction_bits == 10;
  Direction hw_direction{};
  const bool hardware = binary16 && ieee_direction(M, hw_direction) && has_f16c();
  if (binary16 && ieee_direction(M, hw_direction) && !hardware) {
    WARN("this CPU has no F16C: binary16 results are checked against the x87/SSE references only");
  }
  const bool lanes = !stochastic && has_avx512_lanes();
  const bool all = wides == Wides::all;
  const int digits = (F.ref.width + 3) / 4;
  Tally tally;
  const auto compare = [&](const char* reference_name, std::uint32_t x, Rounded want, const mpsim::Result& got) {
    if (got.bits != want.bits || got.flags != want.flags) {
      tally.mismatch("binary32 %08X to %s %s: %s reference %0*llX/%02X, emulator %0*llX/%02X", x, F.ref.name, M.name,
                     reference_name, digits, static_cast<unsigned long long>(want.bits), want.flags, digits,
                     static_cast<unsigned long long>(got.bits), got.flags);
    }
  };
  X87::Scope x87_direction(direction_for(M.ref));
  Sse::Scope sse_direction(direction_for(M.ref));
  Lanes lane;
  std::array<std::array<std::uint32_t, 8>, block / 8> x;
  std::array<std::array<std::uint16_t, 8>, block / 8> hw;
  std::array<std::uint8_t, block / 8> hw_flags{};
  for (std::uint64_t base = 0; base < count; base += block) {
    for (int k = 0; k < block; ++k) x[k / 8][k % 8] = input_at(base + k);
    for (int g = 0; hardware && g < block / 8; ++g) hw_flags[g] = f16c_block(hw_direction, x[g], hw[g]);
    if constexpr (!stochastic) {
      if (lanes) {
        // The float's value, exact in binary64 (a NaN lane is left to the scalar reference).
        for (int k = 0; k < block; ++k) lane.y[k] = std::bit_cast<float>(x[k / 8][k % 8]);
        lane.wide_inexact = 0;
        round_lanes<M.ref>(F.ref, lane);
      }
    }
    std::array<std::uint8_t, block / 8> emu_flags{};
    for (int k = 0; k < block; ++k) {
      const std::uint32_t xk = x[k / 8][k % 8];
      const std::uint32_t random = stochastic ? random_word(base + k) : 0;
      const mpsim::Result got = emulate_from_binary32<F.emu, env_of<M>>(xk, random);
      emu_flags[k / 8] |= got.flags;
      if (array) array->add(xk, got);
      const bool in_lanes = lanes && !((lane.scalar >> k) & 1);
      if (in_lanes) compare("AVX-512 binary64 lanes", xk, {lane.bits[k], lane.flags[k]}, got);
      if (!in_lanes || all) {
        const Decoded d = decode_binary32(xk, std::bit_cast<float>(xk));
        compare(Sse::name, xk, convert<Sse>(F.ref, d, M.ref, random), got);
        if (all) compare(X87::name, xk, convert<X87>(F.ref, d, M.ref, random), got);
      }
      if (hardware && got.bits != hw[k / 8][k % 8]) {
        tally.mismatch("binary32 %08X to %s %s: F16C %04X, emulator %04llX", xk, F.ref.name, M.name, hw[k / 8][k % 8],
                       static_cast<unsigned long long>(got.bits));
      }
    }
    for (int g = 0; hardware && g < block / 8; ++g) {
      if (emu_flags[g] != hw_flags[g]) {
        tally.mismatch("binary32 %08X .. %08X to %s %s: F16C flags (OR of 8 lanes) %02X, emulator %02X", x[g][0],
                       x[g][7], F.ref.name, M.name, hw_flags[g], emu_flags[g]);
      }
    }
    tally.add_cases(block);
  }
  return tally;
}

// Every one of the 2^32 binary32 patterns, against the fast references (all of them for
// every input would double the sweep).
// The array fast path is checked against the same emulator results on the way (stochastic
// sweeps use their own random words, not stochastic_bits_for, so they leave it out).
template <const PairFormat& F, const ModeCase& M>
void check_every_binary32() {
  const std::uint64_t count = std::uint64_t{1} << 32;
  ArraySweep array(F.emu, env_of<M>);
  const Tally tally = sweep_from_binary32<F, M>(
      Wides::fast, count, [](std::uint64_t i) { return static_cast<std::uint32_t>(i); }, &array);
  require_clean(tally, count);
  check_array_sweep(array, count);
}

// The smoke subset: 2^16-pattern windows (both signs) starting at and just below the
// target's limits (largest finite, 2^emin, smallest subnormal and half of it, 1), then 2^18
// spread patterns, against all references.
template <const PairFormat& F, const ModeCase& M>
void check_some_binary32() {
  const reference::Target& t = F.ref;
  const float limits[] = {static_cast<float>(reference::decode(t, t.max_finite()).value),
                          std::ldexp(1.0f, t.emin()), std::ldexp(1.0f, t.emin() - t.fraction_bits),
                          std::ldexp(1.0f, t.emin() - t.fraction_bits - 1), 1.0f};
  std::vector<std::uint32_t> inputs;
  for (float limit : limits) {
    for (std::uint32_t start : {std::bit_cast<std::uint32_t>(limit), std::bit_cast<std::uint32_t>(limit) - 0x10000}) {
      for (std::uint32_t sign : {0u, 0x80000000u}) {
        for (std::uint32_t low = 0; low < 0x10000; ++low) inputs.push_back(((start & 0xFFFF0000) | low) | sign);
      }
    }
  }
  for (std::uint64_t k = 0; k < (std::uint64_t{1} << 18); ++k) inputs.push_back(spread(k));
  while (inputs.size() % reference::Lanes::size) inputs.push_back(0);
  constexpr bool stochastic = M.ref == reference::Mode::stochastic;
  ArraySweep array(F.emu, env_of<M>);
  const Tally tally = sweep_from_binary32<F, M>(Wides::all, inputs.size(), [&](std::uint64_t i) { return inputs[i]; },
                                                stochastic ? nullptr : &array);
  INFO(M.name);
  require_clean(tally, inputs.size());
  if (!stochastic) check_array_sweep(array, inputs.size());
}

template <const PairFormat& F>
void check_some_binary32_in_every_mode() {
  for_each_mode<all_modes>([]<const ModeCase& M>() { check_some_binary32<F, M>(); });
}

}  // namespace exhaustive
