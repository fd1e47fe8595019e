// SPDX-License-Identifier: MIT
// Sweeps of operand pairs of one format through add, sub, mul or div: the emulator against
// the binary64 references (AVX-512 lanes or scalar; on request x87 too), bits and flags of
// every pair, and for binary16 in an IEEE direction on a CPU with AVX512-FP16 against 32-lane
// hardware results (bits of every pair, flags OR-ed over the 32 lanes) too.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "formats.hpp"
#include "mpsim/ops/add.hpp"
#include "mpsim/ops/div.hpp"
#include "mpsim/ops/mul.hpp"
#include "reference/lanes.hpp"
#include "reference/operations.hpp"
#include "reference/sse_half.hpp"
#include "sweep.hpp"

namespace exhaustive {

// The emulator's operation for a constant format and mode, kept out of line so that it is
// compiled (and register-allocated) on its own.
template <reference::Op op, const mpsim::Format& f, const mpsim::Env& env>
[[gnu::noinline]] mpsim::Result emulate(std::uint64_t a, std::uint64_t b, std::uint32_t random) {
  if constexpr (op == reference::Op::add) return mpsim::add(f, a, b, env, random);
  if constexpr (op == reference::Op::sub) return mpsim::sub(f, a, b, env, random);
  if constexpr (op == reference::Op::mul) return mpsim::mul(f, a, b, env, random);
  if constexpr (op == reference::Op::div) return mpsim::div(f, a, b, env, random);
}

inline const char* op_name(reference::Op op) {
  constexpr const char* names[] = {"add", "sub", "mul", "div"};
  return names[static_cast<int>(op)];
}

template <reference::Op op>
constexpr reference::HalfOp half_op() {
  if constexpr (op == reference::Op::add) return reference::HalfOp::add;
  if constexpr (op == reference::Op::sub) return reference::HalfOp::sub;
  if constexpr (op == reference::Op::mul) return reference::HalfOp::mul;
  return reference::HalfOp::div;
}

// The x87 direction of an IEEE mode, for the hardware cross-checks; false for the others.
constexpr bool ieee_direction(const ModeCase& m, reference::Direction& d) {
  if (m.ref == reference::Mode::nearest_away || m.ref == reference::Mode::to_odd ||
      m.ref == reference::Mode::stochastic) {
    return false;
  }
  d = reference::direction_for(m.ref);
  return true;
}

// Which references a sweep computes. fast: the AVX-512 lane path where the CPU has it and the
// mode is deterministic, the scalar binary64 reference for every other case; all: the scalar
// binary64 and x87 references for every case, and the lane path too where available.
enum class Wides { fast, all };

// Checks pairs pair_at(0 .. count-1), each a 32-bit word (a << 16 | b; 8-bit formats use
// the low bits of each half), count a multiple of 64. Single-threaded. Compiled per format
// and mode, so the emulator runs with a constant Format and Env.
template <reference::Op op, const PairFormat& F, const ModeCase& M, class PairAt>
Tally sweep_pairs(Wides wides, std::uint64_t count, PairAt&& pair_at) {
  using namespace reference;
  constexpr int block = Lanes::size;
  constexpr bool stochastic = M.ref == Mode::stochastic;
  const std::vector<Decoded> table = decode_all(F.ref);
  const bool binary16 = F.ref.width == 16 && F.ref.fraction_bits == 10;
  Direction hw_direction{};
  const bool hardware = binary16 && ieee_direction(M, hw_direction) && has_avx512fp16();
  if (binary16 && ieee_direction(M, hw_direction) && !hardware) {
    WARN("this CPU has no AVX512-FP16: binary16 results are checked against the x87/SSE references only");
  }
  const bool lanes = !stochastic && has_avx512_lanes();
  const bool all = wides == Wides::all;
  const char* name = op_name(op);
  Tally tally;
  const auto compare = [&](const char* reference_name, std::uint16_t a, std::uint16_t b, Rounded want,
                           const mpsim::Result& got) {
    if (got.bits != want.bits || got.flags != want.flags) {
      tally.mismatch("%s %s %s a=%04X b=%04X: %s reference %04llX/%02X, emulator %04llX/%02X", F.ref.name, name,
                     M.name, a, b, reference_name, static_cast<unsigned long long>(want.bits), want.flags,
                     static_cast<unsigned long long>(got.bits), got.flags);
    }
  };
  X87::Scope x87_direction(direction_for(M.ref));
  Sse::Scope sse_direction(direction_for(M.ref));
  Lanes lane;
  std::array<std::array<std::uint16_t, 32>, 2> a, b, hw;
  for (std::uint64_t base = 0; base < count; base += block) {
    for (int k = 0; k < block; ++k) {
      const std::uint32_t pair = pair_at(base + k);
      a[k / 32][k % 32] = static_cast<std::uint16_t>(pair >> 16);
      b[k / 32][k % 32] = static_cast<std::uint16_t>(pair & 0xFFFF);
    }
    std::array<std::uint8_t, 2> hw_flags{};
    if (hardware) {
      for (int h = 0; h < 2; ++h) hw_flags[h] = avx512fp16_op32<half_op<op>()>(a[h], b[h], hw[h], hw_direction);
    }
    if (lanes) {
      lane.wide_inexact = 0;
      for (int k = 0; k < block; ++k) {
        const Decoded &x = table[a[k / 32][k % 32]], &y = table[b[k / 32][k % 32]];
        const WideResult<Sse> w =
            x.nan || y.nan ? WideResult<Sse>{NAN, false, false} : wide_binary<Sse, op>(F.ref, x, y, M.ref);
        lane.y[k] = w.y;
        lane.wide_inexact |= std::uint64_t{w.inexact} << k;
      }
      if constexpr (!stochastic) round_lanes<M.ref>(F.ref, lane);
    }
    std::array<std::uint8_t, 2> emu_flags{};
    for (int k = 0; k < block; ++k) {
      const std::uint16_t ak = a[k / 32][k % 32], bk = b[k / 32][k % 32];
      const std::uint32_t random = stochastic ? random_word(base + k) : 0;
      const mpsim::Result got = emulate<op, F.emu, env_of<M>>(ak, bk, random);
      emu_flags[k / 32] |= got.flags;
      const bool in_lanes = lanes && !((lane.scalar >> k) & 1);
      if (in_lanes) compare("AVX-512 binary64 lanes", ak, bk, {lane.bits[k], lane.flags[k]}, got);
      if (!in_lanes || all) {
        compare(Sse::name, ak, bk, binary<Sse, op>(F.ref, table[ak], table[bk], M.ref, random), got);
      }
      if (all) compare(X87::name, ak, bk, binary<X87, op>(F.ref, table[ak], table[bk], M.ref, random), got);
      if (hardware && got.bits != hw[k / 32][k % 32]) {
        tally.mismatch("%s %s %s a=%04X b=%04X: AVX512-FP16 %04X, emulator %04llX", F.ref.name, name, M.name, ak, bk,
                       hw[k / 32][k % 32], static_cast<unsigned long long>(got.bits));
      }
    }
    for (int h = 0; hardware && h < 2; ++h) {
      if (emu_flags[h] != hw_flags[h]) {
        tally.mismatch("%s %s %s pairs %04X,%04X .. %04X,%04X: AVX512-FP16 flags (OR of 32 lanes) %02X, emulator %02X",
                       F.ref.name, name, M.name, a[h][0], b[h][0], a[h][31], b[h][31], hw_flags[h], emu_flags[h]);
      }
    }
    tally.add_cases(block);
  }
  return tally;
}

// All 2^(2w) pairs of a w-bit format, a major; 16-bit formats against the fast references
// (x87 and scalar binary64 for every pair would double the 2^32 sweeps), 8-bit ones against all.
template <reference::Op op, const PairFormat& F, const ModeCase& M>
void check_all_pairs() {
  constexpr int w = F.ref.width;
  constexpr std::uint64_t count = std::uint64_t{1} << (2 * w);
  constexpr std::uint32_t mask = (std::uint32_t{1} << w) - 1;
  const Tally tally = sweep_pairs<op, F, M>(w == 8 ? Wides::all : Wides::fast, count, [](std::uint64_t i) {
    return static_cast<std::uint32_t>(((i >> w) & mask) << 16 | (i & mask));
  });
  require_clean(tally, count);
}

// Boundary values of a format: zeros, subnormal and normal limits, 1 and its neighbours,
// the largest finite values, infinities and NaNs, both signs.
inline std::vector<std::uint32_t> boundary_values(const reference::Target& f) {
  const std::uint32_t t = static_cast<std::uint32_t>(f.fraction_bits);
  const std::uint32_t one = static_cast<std::uint32_t>(f.bias) << t;
  const auto max = static_cast<std::uint32_t>(f.max_finite());
  const auto inf = static_cast<std::uint32_t>(f.exponent_ones());
  std::vector<std::uint32_t> magnitudes{0, 1, 2, 3, (1u << t) - 1, 1u << t, (1u << t) + 1, 2u << t,
                                        one - 1, one, one + 1, one + (1u << t), max - 1, max, inf,
                                        inf | 1, inf | (1u << (t - 1)), inf | (1u << (t - 1)) | 1};
  std::vector<std::uint32_t> values;
  for (std::uint32_t m : magnitudes) {
    if (m >> (f.width - 1)) continue;  // E4M3 has no pattern above its NaN
    values.push_back(m);
    values.push_back(m | static_cast<std::uint32_t>(f.sign_bit()));
  }
  return values;
}

// The smoke subset of a 16-bit format: every pair of boundary values, then 2^20 spread
// pairs, against all references.
template <reference::Op op, const PairFormat& F, const ModeCase& M>
void check_some_pairs() {
  std::vector<std::uint32_t> pairs;
  const std::vector<std::uint32_t> edges = boundary_values(F.ref);
  for (std::uint32_t a : edges) {
    for (std::uint32_t b : edges) pairs.push_back(a << 16 | b);
  }
  for (std::uint64_t k = 0; k < (std::uint64_t{1} << 20); ++k) pairs.push_back(spread(k));
  while (pairs.size() % reference::Lanes::size) pairs.push_back(0);
  const Tally tally = sweep_pairs<op, F, M>(Wides::all, pairs.size(), [&](std::uint64_t i) { return pairs[i]; });
  INFO(M.name);
  require_clean(tally, pairs.size());
}

// The smoke subset in every mode.
template <reference::Op op, const PairFormat& F>
void check_some_pairs_in_every_mode() {
  for_each_mode<all_modes>([]<const ModeCase& M>() { check_some_pairs<op, F, M>(); });
}

}  // namespace exhaustive
