// SPDX-License-Identifier: MIT
// The references checked on their own, without the emulator: hand-worked values from the
// IEEE 754 / OCP rules, and the x87 reference against the F16C and AVX512-FP16 hardware.
#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include "from_binary32.hpp"
#include "pairs.hpp"
#include "reference/operations.hpp"
#include "reference/sse_half.hpp"
#include "sweep.hpp"

using namespace reference;

namespace {
Rounded from_float(const Target& f, std::uint32_t bits, Mode mode, std::uint32_t random = 0) {
  X87::Scope x87(direction_for(mode));
  Sse::Scope sse(direction_for(mode));
  const Decoded d = decode_binary32(bits, std::bit_cast<float>(bits));
  const Rounded r = convert<X87>(f, d, mode, random), r64 = convert<Sse>(f, d, mode, random);
  return r.bits == r64.bits && r.flags == r64.flags ? r : Rounded{0, unusable};  // the two wides agree
}

template <Op op>
Rounded apply(const Target& f, std::uint64_t a, std::uint64_t b, Mode mode) {
  X87::Scope x87(direction_for(mode));
  Sse::Scope sse(direction_for(mode));
  const Rounded r = binary<X87, op>(f, decode(f, a), decode(f, b), mode);
  const Rounded r64 = binary<Sse, op>(f, decode(f, a), decode(f, b), mode);
  return r.bits == r64.bits && r.flags == r64.flags ? r : Rounded{0, unusable};  // the two wides agree
}

bool same(Rounded r, std::uint64_t bits, std::uint8_t fl) { return r.bits == bits && r.flags == fl; }
}  // namespace

TEST_CASE("reference binary16 rounding overflows and underflows at the IEEE thresholds", "[reference][binary16]") {
  CHECK(same(from_float(ref_binary16, 0x477FF000, Mode::nearest_even), 0x7C00, 0x05));  // 65520 -> +inf, OF|PE
  CHECK(same(from_float(ref_binary16, 0x477FEFFF, Mode::nearest_even), 0x7BFF, 0x01));  // just below: 65504
  CHECK(same(from_float(ref_binary16, 0x477FF000, Mode::toward_zero), 0x7BFF, 0x01));   // truncates to 65504: no OF
  CHECK(same(from_float(ref_binary16, 0x47800000, Mode::toward_zero), 0x7BFF, 0x05));   // 65536: OF, largest finite
  CHECK(same(from_float(ref_binary16, 0xC7800000, Mode::upward), 0xFBFF, 0x05));        // -65536 up: -65504
  CHECK(same(from_float(ref_binary16, 0xC7800000, Mode::downward), 0xFC00, 0x05));      // -65536 down: -inf
  CHECK(same(from_float(ref_binary16, 0x33000000, Mode::nearest_even), 0x0000, 0x03));  // 2^-25 ties to +0, UF|PE
  CHECK(same(from_float(ref_binary16, 0x33000001, Mode::nearest_even), 0x0001, 0x03));  // above the tie
  CHECK(same(from_float(ref_binary16, 0x33000000, Mode::nearest_away), 0x0001, 0x03));  // tie away
  CHECK(same(from_float(ref_binary16, 0x33800000, Mode::nearest_even), 0x0001, 0x00));  // 2^-24 exact: no flags
}

TEST_CASE("reference binary16 detects tininess after rounding", "[reference][binary16]") {
  // 2^-14 - 2^-25: tie between 0x03FF and 0x0400, and still below 2^-14 when rounded to
  // 11 bits with an unbounded exponent: tiny, so UF|PE.
  CHECK(same(from_float(ref_binary16, 0x387FE000, Mode::nearest_even), 0x0400, 0x03));
  // 2^-14 - 2^-26 rounds to 2^-14 even with an unbounded exponent: not tiny, PE only.
  CHECK(same(from_float(ref_binary16, 0x387FF000, Mode::nearest_even), 0x0400, 0x01));
}

TEST_CASE("reference bfloat16 rounding follows each mode at a tie", "[reference][bfloat16]") {
  CHECK(same(from_float(ref_bfloat16, 0x3F808000, Mode::nearest_even), 0x3F80, 0x01));  // 1 + 2^-8 -> 1
  CHECK(same(from_float(ref_bfloat16, 0x3F818000, Mode::nearest_even), 0x3F82, 0x01));  // to the even neighbour
  CHECK(same(from_float(ref_bfloat16, 0x3F808000, Mode::nearest_away), 0x3F81, 0x01));
  CHECK(same(from_float(ref_bfloat16, 0x3F808000, Mode::toward_zero), 0x3F80, 0x01));
  CHECK(same(from_float(ref_bfloat16, 0x3F808000, Mode::upward), 0x3F81, 0x01));
  CHECK(same(from_float(ref_bfloat16, 0xBF808000, Mode::downward), 0xBF81, 0x01));
  CHECK(same(from_float(ref_bfloat16, 0x3F804000, Mode::to_odd), 0x3F81, 0x01));  // inexact: odd
  CHECK(same(from_float(ref_bfloat16, 0x3F820000, Mode::to_odd), 0x3F82, 0x00));  // exact stays even
  // Stochastic: half an ulp dropped (D = 2^31) rounds up iff D + random >= 2^32.
  CHECK(same(from_float(ref_bfloat16, 0x3F808000, Mode::stochastic, 0x7FFFFFFF), 0x3F80, 0x01));
  CHECK(same(from_float(ref_bfloat16, 0x3F808000, Mode::stochastic, 0x80000000), 0x3F81, 0x01));
}

TEST_CASE("reference e4m3 saturates only where the mode says and otherwise overflows to NaN", "[reference][e4m3]") {
  CHECK(same(from_float(ref_e4m3, 0x43E80000, Mode::nearest_even), 0x7E, 0x01));  // 464: tie, 448 is even
  CHECK(same(from_float(ref_e4m3, 0x43E80001, Mode::nearest_even), 0x7F, 0x05));  // above: NaN, OF|PE
  CHECK(same(from_float(ref_e4m3, 0x447A0000, Mode::toward_zero), 0x7E, 0x05));   // 1000 -> 448
  CHECK(same(from_float(ref_e4m3, 0xC47A0000, Mode::upward), 0xFE, 0x05));        // -1000 up -> -448
  CHECK(same(from_float(ref_e4m3, 0x7F800000, Mode::nearest_even), 0x7F, 0x10));  // +inf: NaN, invalid
  CHECK(same(from_float(ref_e4m3, 0x3A800000, Mode::nearest_even), 0x00, 0x03));  // 2^-10 ties to 0
}

TEST_CASE("reference arithmetic raises the IEEE flags and propagates NaNs the x86 way", "[reference][binary16]") {
  CHECK(same(apply<Op::add>(ref_binary16, 0x3C00, 0x0001, Mode::nearest_even), 0x3C00, 0x01));  // 1 + 2^-24
  CHECK(same(apply<Op::add>(ref_binary16, 0x3C00, 0x0001, Mode::upward), 0x3C01, 0x01));
  CHECK(same(apply<Op::div>(ref_binary16, 0x3C00, 0x4200, Mode::nearest_even), 0x3555, 0x01));  // 1/3
  CHECK(same(apply<Op::div>(ref_binary16, 0x0000, 0x0000, Mode::nearest_even), 0xFE00, 0x10));  // 0/0: default NaN
  CHECK(same(apply<Op::div>(ref_binary16, 0xBC00, 0x0000, Mode::nearest_even), 0xFC00, 0x08));  // -1/0 = -inf
  CHECK(same(apply<Op::div>(ref_e4m3, 0x38, 0x00, Mode::nearest_even), 0x7F, 0x08));             // E4M3 1/0: NaN
  CHECK(same(apply<Op::sub>(ref_binary16, 0x3C00, 0x3C00, Mode::downward), 0x8000, 0x00));       // x - x = -0 down
  CHECK(same(apply<Op::add>(ref_binary16, 0x7C01, 0x3C00, Mode::nearest_even), 0x7E01, 0x10));  // sNaN quieted
  CHECK(same(apply<Op::add>(ref_binary16, 0x3C00, 0xFC01, Mode::nearest_even), 0xFE01, 0x10));
  CHECK(same(apply<Op::mul>(ref_binary16, 0x7E05, 0x7C01, Mode::nearest_even), 0x7E05, 0x10));  // first NaN wins
  CHECK(same(apply<Op::mul>(ref_bfloat16, 0x0001, 0x0001, Mode::nearest_even), 0x0000, 0x03));  // 2^-266 -> +0
  // bfloat16 1 + 2^-133: the sum is inexact in extended, Fast2Sum sees it.
  CHECK(same(apply<Op::add>(ref_bfloat16, 0x3F80, 0x0001, Mode::nearest_even), 0x3F80, 0x01));
  CHECK(same(apply<Op::add>(ref_bfloat16, 0x3F80, 0x0001, Mode::upward), 0x3F81, 0x01));
}

TEST_CASE("reference integer conversion rounds in each mode and flags invalid", "[reference][to_int]") {
  const Decoded two_and_half = decode(ref_binary16, 0x4100), minus = decode(ref_binary16, 0xC100);  // +-2.5
  const auto to = [](const Decoded& d, Mode m, int width, bool exact) {
    X87::Scope x87(direction_for(m));
    return to_integer(d, width, m, exact);
  };
  CHECK(to(two_and_half, Mode::nearest_even, 32, false).value == 2);
  CHECK(to(two_and_half, Mode::nearest_away, 32, false).value == 3);
  CHECK(to(minus, Mode::nearest_away, 32, false).value == -3);
  CHECK(to(minus, Mode::to_odd, 64, false).value == -3);
  CHECK(to(minus, Mode::toward_zero, 64, true).flags == flags::inexact);
  CHECK(to(minus, Mode::toward_zero, 64, false).flags == 0);
  const IntRounded big = to(decode(ref_bfloat16, 0x4F00), Mode::nearest_even, 32, false);  // 2^31
  CHECK(big.value == INT32_MIN);
  CHECK(big.flags == flags::invalid);
  CHECK(to(decode(ref_bfloat16, 0xCF00), Mode::nearest_even, 32, false).flags == 0);  // -2^31 fits
}

TEST_CASE("reference fma declares itself unusable when extended cannot hold a*b + c", "[reference][fma]") {
  X87::Scope x87(Direction::nearest);
  const Decoded one = decode(ref_bfloat16, 0x3F80), tiny = decode(ref_bfloat16, 0x0001);
  CHECK(fused_multiply_add(ref_bfloat16, one, one, tiny, Mode::nearest_even).flags == unusable);
  CHECK(same(fused_multiply_add(ref_e5m2, decode(ref_e5m2, 0x7B), decode(ref_e5m2, 0x7B), decode(ref_e5m2, 0x01),
                                Mode::nearest_even),
             0x7C, 0x05));  // 57344^2 + 2^-16 overflows
}

TEST_CASE("reference direction scopes restore the caller's x87 control word and MXCSR", "[reference]") {
  std::uint16_t before, after;
  std::uint32_t csr_before, csr_after;
  asm volatile("fnstcw %0\n\tstmxcsr %1" : "=m"(before), "=m"(csr_before));
  {
    X87::Scope x87(Direction::toward_zero);
    Sse::Scope sse(Direction::up);
  }
  asm volatile("fnstcw %0\n\tstmxcsr %1" : "=m"(after), "=m"(csr_after));
  CHECK(before == after);
  CHECK(csr_before == csr_after);
}

TEST_CASE("reference binary16 decoding agrees with F16C vcvtph2ps on every pattern", "[reference][binary16]") {
  if (!has_f16c()) {
    WARN("this CPU has no F16C: the x87 binary16 decoding is not cross-checked");
    return;
  }
  MxcsrScope keep_mxcsr;
  X87::Scope x87(Direction::nearest);
  exhaustive::Tally tally;
  for (std::uint32_t x = 0; x < 0x10000; ++x) {
    const Rounded want = f16c_to_binary32(static_cast<std::uint16_t>(x), Direction::nearest);
    const Rounded got = to_binary32(decode(ref_binary16, x));
    if (!same(got, want.bits, want.flags)) {
      tally.mismatch("%04X: F16C %08llX/%02X, x87 %08llX/%02X", x, static_cast<unsigned long long>(want.bits),
                     want.flags, static_cast<unsigned long long>(got.bits), got.flags);
    }
    tally.add_cases(1);
  }
  exhaustive::require_clean(tally, 0x10000);
}

TEST_CASE("reference binary32 to binary16 agrees with F16C vcvtps2ph in the four IEEE directions", "[reference][binary16]") {
  if (!has_f16c()) {
    WARN("this CPU has no F16C: the x87 binary16 conversion is not cross-checked");
    return;
  }
  MxcsrScope keep_mxcsr;
  for (const exhaustive::ModeCase& m : {exhaustive::nearest_even, exhaustive::toward_zero, exhaustive::upward,
                                        exhaustive::downward}) {
    INFO(m.name);
    X87::Scope x87(direction_for(m.ref));
    Sse::Scope sse(direction_for(m.ref));
    exhaustive::Tally tally;
    const std::uint64_t count = 1 << 20;
    for (std::uint64_t k = 0; k < count; k += 8) {
      std::array<std::uint32_t, 8> x{};
      std::array<std::uint16_t, 8> hw{};
      for (int j = 0; j < 8; ++j) x[j] = exhaustive::spread(k + j);
      const std::uint8_t hw_flags = exhaustive::f16c_block(direction_for(m.ref), x, hw);
      std::uint8_t x87_flags = 0;
      for (int j = 0; j < 8; ++j) {
        const Decoded d = decode_binary32(x[j], std::bit_cast<float>(x[j]));
        const Rounded got = convert<X87>(ref_binary16, d, m.ref), got64 = convert<Sse>(ref_binary16, d, m.ref);
        x87_flags |= got.flags;
        if (got.bits != hw[j]) {
          tally.mismatch("%08X: F16C %04X, x87 %04llX", x[j], hw[j], static_cast<unsigned long long>(got.bits));
        }
        if (got.bits != got64.bits || got.flags != got64.flags) {
          tally.mismatch("%08X: x87 and binary64 references differ", x[j]);
        }
      }
      if (x87_flags != hw_flags) tally.mismatch("%08X..: F16C flags %02X, x87 %02X", x[0], hw_flags, x87_flags);
    }
    tally.add_cases(count);
    exhaustive::require_clean(tally, count);
  }
}

TEST_CASE("reference binary16 arithmetic agrees with AVX512-FP16 in the four IEEE directions", "[reference][binary16]") {
  if (!has_avx512fp16()) {
    WARN("this CPU has no AVX512-FP16: the x87 binary16 arithmetic is not cross-checked");
    return;
  }
  const std::vector<Decoded> table = decode_all(ref_binary16);
  MxcsrScope keep_mxcsr;
  for (const exhaustive::ModeCase& m : {exhaustive::nearest_even, exhaustive::toward_zero, exhaustive::upward,
                                        exhaustive::downward}) {
    INFO(m.name);
    const Direction d = direction_for(m.ref);
    X87::Scope x87(d);
    exhaustive::Tally tally;
    const auto compare = [&](const char* op, std::uint32_t a, std::uint32_t b, Rounded want, Rounded got) {
      if (!same(got, want.bits, want.flags)) {
        tally.mismatch("%s %04X %04X: AVX512-FP16 %04llX/%02X, x87 %04llX/%02X", op, a, b,
                       static_cast<unsigned long long>(want.bits), want.flags,
                       static_cast<unsigned long long>(got.bits), got.flags);
      }
    };
    const std::uint64_t count = 1 << 18;
    for (std::uint64_t k = 0; k < count; ++k) {
      const std::uint32_t pair = exhaustive::spread(k);
      const auto a = static_cast<std::uint16_t>(pair >> 16), b = static_cast<std::uint16_t>(pair);
      compare("add", a, b, avx512fp16_op<HalfOp::add>(a, b, d),
              binary<X87, Op::add>(ref_binary16, table[a], table[b], m.ref));
      compare("sub", a, b, avx512fp16_op<HalfOp::sub>(a, b, d),
              binary<X87, Op::sub>(ref_binary16, table[a], table[b], m.ref));
      compare("mul", a, b, avx512fp16_op<HalfOp::mul>(a, b, d),
              binary<X87, Op::mul>(ref_binary16, table[a], table[b], m.ref));
      compare("div", a, b, avx512fp16_op<HalfOp::div>(a, b, d),
              binary<X87, Op::div>(ref_binary16, table[a], table[b], m.ref));
    }
    for (std::uint32_t x = 0; x < 0x10000; ++x) {
      compare("sqrt", x, 0, avx512fp16_op<HalfOp::sqrt>(0, static_cast<std::uint16_t>(x), d),
              square_root<X87>(ref_binary16, table[x], m.ref));
    }
    tally.add_cases(4 * count + 0x10000);
    exhaustive::require_clean(tally, 4 * count + 0x10000);
  }
}
