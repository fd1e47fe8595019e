// SPDX-License-Identifier: MIT
// The sm90 tensor-core model (FACTS.md 8) on hand-computed cases: truncation, the exponent
// floor, +0 results, overflow to inf, the NaN pattern, a 17-term chain; each case's
// arithmetic is written beside it and cross-checked with the Boost reference.
#include <catch2/catch.hpp>

#include <vector>

#include "accumulation_reference.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/dot.hpp"

using namespace mpsim;

namespace {

using Bits = std::vector<std::uint64_t>;

// sm90 (or another model) on fp16 / bf16 inputs, checked against the reference too.
Result run(const AccumulationModel& m, const Format& in, const Bits& a, const Bits& b, std::uint64_t c) {
  const Result r = dot(m, in, a, b, c);
  CHECK(r == reference::dot(m, in, a, b, c));
  return r;
}
Result sm90(const Format& in, const Bits& a, const Bits& b, std::uint64_t c) {
  return run(accumulation_preset("sm90"), in, a, b, c);
}
Result sm90_fp16(const Bits& a, const Bits& b, std::uint64_t c) {
  return run(accumulation_preset("sm90-fp16"), binary16, a, b, c);
}
std::uint64_t fp32_sequential(const Format& in, const Bits& a, const Bits& b, std::uint64_t c) {
  return run(accumulation_preset("fp32-sequential"), in, a, b, c).bits;
}

}  // namespace

TEST_CASE("sm90 rounds the block sum toward zero where fp32 rounds to nearest", "[tensor][sm90]") {
  // c = 1 (0x3F800000), a = 1.5*2^-12 (0x0E00), b = 2^-12 (0x0C00): product 3*2^-25.
  // E = 0 (c), unit 2^-25: c = 2^25 units, product = 3 units, sum = 1 + 3*2^-25.
  // fp32 ulp(1) = 2^-23 = 4 units: toward zero -> 1.0; to nearest (3/4 ulp) -> 1 + 2^-23.
  const Result r = sm90(binary16, {0x0E00}, {0x0C00}, 0x3F800000);
  CHECK(r.bits == 0x3F800000);
  CHECK(r.flags == flag::inexact);
  CHECK(fp32_sequential(binary16, {0x0E00}, {0x0C00}, 0x3F800000) == 0x3F800001);
}

TEST_CASE("sm90 truncates every term to 25 bits below the block exponent", "[tensor][sm90]") {
  // c = 1, sixteen products 2^-13 * 2^-13 = 2^-26 (0x0800 * 0x0800). E = 0, unit 2^-25:
  // each product is half a unit and truncates to 0, so the sum is exactly 1 -> 0x3F800000,
  // although the exact sum 1 + 16*2^-26 = 1 + 2^-22 is an fp32 number (0x3F800002).
  const Bits a(16, 0x0800), b(16, 0x0800);
  const Result r = sm90(binary16, a, b, 0x3F800000);
  CHECK(r.bits == 0x3F800000);
  CHECK(r.flags == flag::inexact);  // the truncation dropped bits
  // Products of 1.5*2^-25 (0x0E00 * 0x0800 = 1.5*2^-12 * 2^-13) keep 1 unit each (1.5 -> 1):
  // 1 + 16*2^-25 = 1 + 2^-21 -> 0x3F800004, where the exact sum 1 + 24*2^-25 = 1 + 6*2^-23 is
  // 0x3F800006.
  CHECK(sm90(binary16, Bits(16, 0x0E00), Bits(16, 0x0800), 0x3F800000).bits == 0x3F800004);
}

TEST_CASE("sm90 aligns subnormal inputs by emin, not by their leading bit", "[tensor][sm90]") {
  // a0 = 0x0001 = 0.0000000001 * 2^-14 (value 2^-24), b0 = 1: alignment exponent -14 + 0 = -14.
  // a1 = b1 = 0x0010 = 2^-20 (subnormal, exponent -14): product 2^-40 at alignment exponent -28.
  // E = -14, unit 2^-39: product 1 = 2^15 units, product 2 = 0.5 unit -> 0. Sum 2^-24 -> 0x33800000.
  // (Aligning by the leading bit, E = -24, would keep 2^-40: 2^-24 + 2^-40 -> 0x33800100.)
  CHECK(sm90(binary16, {0x0001, 0x0010}, {0x3C00, 0x0010}, 0).bits == 0x33800000);
}

TEST_CASE("sm90 floors the alignment exponent at -133 (fp32) and -21 (fp16)", "[tensor][sm90]") {
  // bf16: p0 = 2^-70 * 2^-70 = 2^-140 (0x1C80 * 0x1C80), p1 = -2^-80 * 2^-80 = -2^-160 (0x9780 * 0x1780).
  // Largest exponent -140, floored to E = -133: unit 2^-158, p1 is a quarter unit -> 0, so the
  // sum is 2^-140 = 2^9 * 2^-149 -> 0x00000200. Without the floor (E = -140, unit 2^-165)
  // p1 = -32 units stays and 2^-140 - 2^-160 truncates to 0x000001FF.
  const Bits a{0x1C80, 0x9780}, b{0x1C80, 0x1780};
  CHECK(sm90(bfloat16, a, b, 0).bits == 0x00000200);
  AccumulationModel no_floor = accumulation_preset("sm90");
  no_floor.tensor_core->exponent_floor = -1000;
  CHECK(run(no_floor, bfloat16, a, b, 0).bits == 0x000001FF);

  // fp16 out: p0 = 1.5*2^-14 * 2^-10 = 1.5*2^-24 (0x0600 * 0x1400, exponent -24),
  // p1 = -2^-24 * 2^-24 = -2^-48 (0x8001 * 0x0001, exponent -28). E = max(-24, floor -21) = -21,
  // unit 2^-46: p1 -> 0, the sum 1.5*2^-24 is a tie between 0x0001 and 0x0002 -> even 0x0002.
  // Without the floor (unit 2^-49) p1 = -2 units stays, the sum lies below the tie -> 0x0001.
  const Bits a16{0x0600, 0x8001}, b16{0x1400, 0x0001};
  CHECK(sm90_fp16(a16, b16, 0).bits == 0x0002);
  AccumulationModel no_floor16 = accumulation_preset("sm90-fp16");
  no_floor16.tensor_core->exponent_floor = -1000;
  CHECK(run(no_floor16, binary16, a16, b16, 0).bits == 0x0001);
}

TEST_CASE("sm90 returns +0 for every zero result", "[tensor][sm90]") {
  // 1*1 + 1*(-1) + (+0) = 0 exactly -> +0.
  CHECK(sm90(binary16, {0x3C00, 0x3C00}, {0x3C00, 0xBC00}, 0x80000000).bits == 0x00000000);
  // 1*1 + (-1) = 0 -> +0, also for an fp16 output.
  CHECK(sm90(binary16, {0x3C00}, {0x3C00}, 0xBF800000).bits == 0x00000000);
  CHECK(sm90_fp16({0x3C00}, {0x3C00}, 0xBC00).bits == 0x0000);
  // (-0)*1 + (-0): IEEE gives -0 (fp32-sequential: 0x80000000); the tensor core gives +0.
  CHECK(sm90(binary16, {0x8000}, {0x3C00}, 0x80000000).bits == 0x00000000);
  CHECK(fp32_sequential(binary16, {0x8000}, {0x3C00}, 0x80000000) == 0x80000000);
  CHECK(sm90_fp16({0x8000, 0x8000}, {0x3C00, 0x3C00}, 0x8000).bits == 0x0000);
}

TEST_CASE("sm90 overflows to inf although it rounds toward zero", "[tensor][sm90]") {
  // bf16: 2^64 * 2^64 = 2^128 (0x5F80 * 0x5F80) is above fp32's largest finite -> +inf,
  // where a round-toward-zero fp32 operation would give 0x7F7FFFFF.
  Result r = sm90(bfloat16, {0x5F80}, {0x5F80}, 0);
  CHECK(r.bits == 0x7F800000);
  CHECK((r.flags & flag::overflow) != 0);
  CHECK(sm90(bfloat16, {0x5F80}, {0xDF80}, 0).bits == 0xFF800000);  // -inf
  // c = largest fp32 = (2^24 - 1) * 2^104, product 2^52 * 2^52 = 2^104. E = 127, unit 2^102:
  // c = (2^24 - 1) * 4 units, product 4 units, sum 2^26 units = 2^128 -> +inf.
  CHECK(sm90(bfloat16, {0x5980}, {0x5980}, 0x7F7FFFFF).bits == 0x7F800000);
  // fp16 out: 256 * 256 = 65536 is above 65504 -> inf (0x5C00 = 256).
  CHECK(sm90_fp16({0x5C00}, {0x5C00}, 0).bits == 0x7C00);
}

TEST_CASE("sm90 NaN results are 0x7FFFFFFF / 0x7FFF, inf inputs follow IEEE", "[tensor][sm90]") {
  const std::uint64_t qnan = 0x7E00, neg_nan = 0xFE01, inf = 0x7C00, ninf = 0xFC00, one = 0x3C00, zero = 0;
  CHECK(sm90(binary16, {qnan}, {one}, 0).bits == 0x7FFFFFFF);
  CHECK(sm90(binary16, {neg_nan}, {one}, 0).bits == 0x7FFFFFFF);
  CHECK(sm90(binary16, {one}, {one}, 0xFFC00001).bits == 0x7FFFFFFF);  // NaN c
  CHECK(sm90_fp16({qnan}, {one}, 0).bits == 0x7FFF);
  // inf - inf and inf * 0 are invalid.
  Result r = sm90(binary16, {inf, inf}, {one, 0xBC00}, 0);
  CHECK(r == Result{0x7FFFFFFF, flag::invalid, event::nan_created});
  CHECK(sm90(binary16, {inf}, {zero}, 0).bits == 0x7FFFFFFF);
  CHECK(sm90(binary16, {inf}, {one}, 0xFF800000).bits == 0x7FFFFFFF);  // inf + (-inf c)
  // inf stays inf, with its sign.
  CHECK(sm90(binary16, {inf}, {one}, 0x3F800000) == Result{0x7F800000, 0, 0});
  CHECK(sm90(binary16, {ninf, one}, {one, one}, 0).bits == 0xFF800000);
  CHECK(sm90_fp16({inf}, {0xBC00}, 0).bits == 0xFC00);
}

TEST_CASE("sm90 chains 16-term blocks: a 17-term dot product takes two steps", "[tensor][sm90]") {
  // p0 = 1 (0x3C00 * 0x3C00), p1..p16 = 2^-24 (0x0C00 * 0x0C00 = 2^-12 * 2^-12), c = 0.
  // Step 1 (p0..p15): E = 0, unit 2^-25, sum = 1 + 15 * 2 units = 1 + 30 * 2^-25; fp32 ulp(1) is
  //   4 units, toward zero -> 1 + 28 units = 1 + 7 * 2^-23 = 0x3F800007.
  // Step 2 (c = 0x3F800007, p16): 28 + 2 = 30 units -> again 0x3F800007.
  // One 17-term block would give 1 + 32 units = 1 + 2^-20 = 0x3F800008; fp32-sequential (RN)
  // loses every 2^-24 (a tie to even against 1) and gives 0x3F800000.
  Bits a(17, 0x0C00), b(17, 0x0C00);
  a[0] = b[0] = 0x3C00;
  CHECK(sm90(binary16, a, b, 0).bits == 0x3F800007);
  AccumulationModel one_block = accumulation_preset("sm90");
  one_block.tensor_core->terms = 17;
  CHECK(run(one_block, binary16, a, b, 0).bits == 0x3F800008);
  CHECK(fp32_sequential(binary16, a, b, 0) == 0x3F800000);
}
