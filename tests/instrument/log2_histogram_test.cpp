// SPDX-License-Identifier: MIT
// Log2Histogram against a reference binning by std::ilogb / std::frexp in this file; every
// binary32 bit-pattern class, both signs; CSV layout; the format bands and markers of fp16,
// bf16, E4M3 and E5M2 against hand-computed values.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/instrument/log2_histogram.hpp"

using namespace mpsim;

namespace {

float from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }

// Reference: the CSV slot of x from the C library (ilogb is exact for every finite nonzero
// float, subnormals included; frexp checks it: x = m * 2^e with |m| in [0.5, 1)).
int reference_slot(float x) {
  if (std::isnan(x)) return 279;
  if (std::isinf(x)) return 278;
  if (x == 0.0f) return 0;
  const int k = std::ilogb(x);
  int e = 0;
  (void)std::frexp(x, &e);
  REQUIRE(e - 1 == k);
  return k + 150;
}

std::vector<std::uint64_t> reference_counts(const std::vector<float>& v, bool negative) {
  std::vector<std::uint64_t> c(Log2Histogram::slots, 0);
  for (float x : v)
    if (std::signbit(x) == negative) ++c[static_cast<std::size_t>(reference_slot(x))];
  return c;
}

void check_against_reference(const std::vector<float>& v) {
  Log2Histogram h;
  h.record(v);
  CHECK(h.total() == v.size());
  for (bool negative : {false, true}) {
    const auto ref = reference_counts(v, negative);
    for (int s = 0; s < Log2Histogram::slots; ++s) {
      CAPTURE(s, negative);
      CHECK(h.count(s, negative) == ref[static_cast<std::size_t>(s)]);
    }
  }
}

}  // namespace

TEST_CASE("log2 histogram: slots of every binary32 class, both signs", "[instrument][histogram]") {
  for (std::uint32_t sign : {0u, 0x80000000u}) {
    CAPTURE(sign);
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x00000000u)) == 0);    // +-0
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x00000001u)) == 1);    // +-2^-149, smallest subnormal
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x00000003u)) == 2);    // 3 * 2^-149 in [2^-148, 2^-147)
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x00400000u)) == 23);   // 2^-127, top subnormal binade
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x007FFFFFu)) == 23);   // largest subnormal
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x00800000u)) == 24);   // 2^-126, smallest normal
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x3F800000u)) == 150);  // 1.0 -> k = 0
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x3FFFFFFFu)) == 150);  // just below 2.0
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x7F7FFFFFu)) == 277);  // largest finite, k = 127
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x7F800000u)) == 278);  // +-inf
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x7FC00000u)) == 279);  // quiet NaN
    CHECK(Log2Histogram::slot_of(from_bits(sign | 0x7F800001u)) == 279);  // signalling NaN
  }
  CHECK(Log2Histogram::slot_of_exponent(Log2Histogram::min_exponent) == 1);
  CHECK(Log2Histogram::slot_of_exponent(Log2Histogram::max_exponent) == Log2Histogram::inf_slot - 1);
}

TEST_CASE("log2 histogram: edges are exact at every power of two", "[instrument][histogram]") {
  for (int k = -149; k <= 127; ++k) {
    CAPTURE(k);
    const float edge = std::ldexp(1.0f, k);
    const float below = std::nextafter(edge, 0.0f);
    CHECK(Log2Histogram::slot_of(edge) == k + 150);
    CHECK(Log2Histogram::slot_of(-edge) == k + 150);
    CHECK(Log2Histogram::slot_of(below) == (k == -149 ? 0 : k + 149));  // below 2^-149 is +0
    // Just above 2^k stays in binade k, except at 2^-149, whose successor is 2^-148.
    CHECK(Log2Histogram::slot_of(std::nextafter(edge, INFINITY)) == (k == -149 ? 2 : k + 150));
  }
}

TEST_CASE("log2 histogram: counts agree with ilogb on random bit patterns of every class", "[instrument][histogram]") {
  std::mt19937 rng(20261126);
  std::vector<float> v;
  // Uniform bit patterns (mostly normals), plus each class forced: subnormals, zeros, infs, NaNs.
  for (int i = 0; i < 20000; ++i) v.push_back(from_bits(static_cast<std::uint32_t>(rng())));
  for (int i = 0; i < 5000; ++i) v.push_back(from_bits(static_cast<std::uint32_t>(rng()) & 0x807FFFFFu));
  for (int i = 0; i < 50; ++i) {
    v.push_back(from_bits(0x00000000u)), v.push_back(from_bits(0x80000000u));
    v.push_back(from_bits(0x7F800000u)), v.push_back(from_bits(0xFF800000u));
    v.push_back(from_bits(0x7F800000u | ((static_cast<std::uint32_t>(rng()) & 0x7FFFFFu) | 1u)));
    v.push_back(from_bits(0xFF800000u | ((static_cast<std::uint32_t>(rng()) & 0x7FFFFFu) | 1u)));
  }
  check_against_reference(v);
  Log2Histogram h;
  h.record(v);
  CHECK(h.zeros() == 100);
  CHECK(h.infinities() == 100);
  CHECK(h.nans() >= 100);
}

TEST_CASE("log2 histogram: a sweep over every binade and fraction pattern", "[instrument][histogram]") {
  // Every exponent field with fractions 0, 1, a middle value and all ones: every slot is hit.
  std::vector<float> v;
  for (std::uint32_t s : {0u, 1u})
    for (std::uint32_t e = 0; e <= 255; ++e)
      for (std::uint32_t f : {0u, 1u, 0x2AAAAAu, 0x400000u, 0x7FFFFFu}) v.push_back(from_bits(s << 31 | e << 23 | f));
  for (std::uint32_t b = 0; b < 23; ++b) v.push_back(from_bits(1u << b));  // each subnormal binade
  check_against_reference(v);
  for (float x : v) {  // record()'s branch-free path agrees with its twin slot_of()
    Log2Histogram one;
    one.record({&x, 1});
    CHECK(one.count(Log2Histogram::slot_of(x), std::signbit(x)) == 1);
  }
  Log2Histogram h;
  h.record(v);
  for (int s = 0; s < Log2Histogram::slots; ++s) {
    CAPTURE(s);
    CHECK(h.count(s) > 0);
  }
}

TEST_CASE("log2 histogram: merge adds counts and totals", "[instrument][histogram]") {
  const std::vector<float> a{1.0f, -0.5f, 0.0f, 3e-45f, INFINITY};
  const std::vector<float> b{NAN, 2.0f, 1.5f};
  Log2Histogram ha, hb, both;
  ha.record(a);
  hb.record(b);
  both.record(a);
  both.record(b);
  Log2Histogram merged = ha;
  merged += hb;
  CHECK(merged == both);
  CHECK(merged.total() == a.size() + b.size());
  CHECK(merged.exponent_count(0) == 2);   // 1.0, 1.5
  CHECK(merged.exponent_count(1) == 1);   // 2.0
  CHECK(merged.count(Log2Histogram::slot_of_exponent(-1), true) == 1);  // -0.5
  CHECK(merged.exponent_count(-148) == 1);  // 3e-45 = 2 * 2^-149
  CHECK(!(merged == ha));
}

TEST_CASE("log2 histogram: CSV has one row per slot with exact power-of-two edges", "[instrument][histogram]") {
  Log2Histogram h;
  const std::vector<float> v{-0.0f, 0.75f, -0.5f, 65504.0f, -INFINITY, NAN};
  h.record(v);
  const std::string csv = h.to_csv();
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "bin,exponent,lower_edge,count,positive,negative");
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  REQUIRE(rows.size() == 280);
  CHECK(rows[0] == "zero,,0,1,0,1");
  CHECK(rows[1] == "2^-149,-149,1.4012984643248171e-45,0,0,0");
  CHECK(rows[149] == "2^-1,-1,0.5,2,1,1");
  CHECK(rows[150] == "2^0,0,1,0,0,0");
  CHECK(rows[165] == "2^15,15,32768,1,1,0");
  CHECK(rows[277] == "2^127,127,1.7014118346046923e+38,0,0,0");
  CHECK(rows[278] == "inf,,inf,1,0,1");
  CHECK(rows[279].rfind("nan,,nan,1,", 0) == 0);
  // Every lower edge reads back as exactly 2^k.
  for (int s = 1; s <= 277; ++s) {
    const std::string& r = rows[static_cast<std::size_t>(s)];
    const auto c1 = r.find(','), c2 = r.find(',', c1 + 1), c3 = r.find(',', c2 + 1);
    const int k = std::stoi(r.substr(c1 + 1, c2 - c1 - 1));
    CHECK(k == s - 150);
    CHECK(std::strtod(r.substr(c2 + 1, c3 - c2 - 1).c_str(), nullptr) == std::ldexp(1.0, k));
  }
  std::string prefixed;
  h.append_csv_rows(prefixed, "fc1,activation,");
  CHECK(prefixed.rfind("fc1,activation,zero,,0,1,0,1\n", 0) == 0);
}

TEST_CASE("log2 histogram: format markers match hand-computed ranges", "[instrument][histogram][format]") {
  // fp16: smallest subnormal 2^-24, smallest normal 2^-14, max 65504 = (2 - 2^-10) * 2^15.
  const FormatMarkers h = format_markers(binary16);
  CHECK(h.min_subnormal_exponent == -24);
  CHECK(h.min_normal_exponent == -14);
  CHECK(h.max_exponent == 15);
  CHECK(h.max_finite == 65504.0);
  CHECK(h.flush_threshold == 0x1p-25);
  // bf16: 2^-133, 2^-126, (2 - 2^-7) * 2^127 = 3.3895313892515355e38.
  const FormatMarkers b = format_markers(bfloat16);
  CHECK(b.min_subnormal_exponent == -133);
  CHECK(b.min_normal_exponent == -126);
  CHECK(b.max_exponent == 127);
  CHECK(b.max_finite == 0x1.FEp127);
  CHECK(b.flush_threshold == 0x1p-134);
  // E4M3 (OCP FN): 2^-9, 2^-6, 448 = 1.75 * 2^8 (S.1111.111 is NaN).
  const FormatMarkers e4 = format_markers(fp8_e4m3);
  CHECK(e4.min_subnormal_exponent == -9);
  CHECK(e4.min_normal_exponent == -6);
  CHECK(e4.max_exponent == 8);
  CHECK(e4.max_finite == 448.0);
  CHECK(e4.flush_threshold == 0x1p-10);
  // E5M2: 2^-16, 2^-14, 57344 = 1.75 * 2^15.
  const FormatMarkers e5 = format_markers(fp8_e5m2);
  CHECK(e5.min_subnormal_exponent == -16);
  CHECK(e5.min_normal_exponent == -14);
  CHECK(e5.max_exponent == 15);
  CHECK(e5.max_finite == 57344.0);
  CHECK(e5.flush_threshold == 0x1p-17);
}

TEST_CASE("log2 histogram: fp16 bands over the binades", "[instrument][histogram][format]") {
  CHECK(band_of(binary16, -149) == Band::flushed);
  CHECK(band_of(binary16, -26) == Band::flushed);        // [2^-26, 2^-25): below 2^-25, all flush
  CHECK(band_of(binary16, -25) == Band::half_subnormal);  // [2^-25, 2^-24): 2^-25 ties to 0, rest to 2^-24
  CHECK(band_of(binary16, -24) == Band::subnormal);
  CHECK(band_of(binary16, -15) == Band::subnormal);
  CHECK(band_of(binary16, -14) == Band::normal);
  CHECK(band_of(binary16, 15) == Band::normal);  // [32768, 65536) holds 65504
  CHECK(band_of(binary16, 16) == Band::overflow);
  CHECK(band_of(fp8_e4m3, 8) == Band::normal);
  CHECK(band_of(fp8_e4m3, 9) == Band::overflow);
  CHECK(band_of(fp8_e4m3, -10) == Band::half_subnormal);
  CHECK(band_of(fp8_e5m2, -17) == Band::half_subnormal);
  CHECK(band_of(bfloat16, -134) == Band::half_subnormal);
  CHECK(band_of(bfloat16, 127) == Band::normal);
  // Every binade of binary32 is normal or subnormal for binary32 itself.
  for (int k = -149; k <= 127; ++k) CHECK(band_of(binary32, k) == (k < -126 ? Band::subnormal : Band::normal));
  // Without subnormals everything below 2^emin flushes.
  const Format fp16_nosub = *find_format("e5m10-nosub");
  CHECK(band_of(fp16_nosub, -15) == Band::flushed);
  CHECK(band_of(fp16_nosub, -14) == Band::normal);
  CHECK(format_markers(fp16_nosub).flush_threshold == 0x1p-14);
  CHECK(band_name(Band::half_subnormal) == "half_subnormal");
}

TEST_CASE("log2 histogram: a record longer than one 2^24-value chunk counts every value", "[instrument][histogram]") {
  // record() counts in uint32 tables emptied every 2^24 values: cross that boundary.
  std::vector<float> v((std::size_t{1} << 24) + 3, -1.5f);
  v.back() = 0x1p-140f;  // in the second chunk: a subnormal, k = -140
  Log2Histogram h;
  h.record(v);
  CHECK(h.total() == v.size());
  CHECK(h.count(Log2Histogram::slot_of_exponent(0), true) == v.size() - 1);
  CHECK(h.exponent_count(-140) == 1);
}
