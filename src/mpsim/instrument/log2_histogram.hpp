// SPDX-License-Identifier: MIT
// Log2Histogram: counts of binary32 values by binade, floor(log2 |x|), with separate bins for
// zero, inf and NaN and a sign split; and the bands of a Format over those binades (where a
// round-to-nearest cast flushes, where its subnormals and normals lie, where it overflows).
// Recording observes values; it never changes one. docs/probes.md describes the CSV.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "mpsim/format/format.hpp"

namespace mpsim {

// Slots of one sign, in CSV order:
//
//   slot 0            zero (+0 or -0)
//   slot k + 150      finite nonzero |x| in [2^k, 2^(k+1)), k = -149 .. 127 (slots 1 .. 277):
//                     binary32 subnormals are k = -149 .. -127, normals k = -126 .. 127
//   slot 278          inf
//   slot 279          NaN (any payload)
//
// From the bits S EEEEEEEE FFFFFFFFFFFFFFFFFFFFFFF (binary32; bfloat16 values are binary32 values):
//   E = 1..254   slot = E + 23                (k = E - 127)
//   E = 0        slot = bit_width(F)          (0 for zero; a subnormal's leading 1 at bit b has
//                                              k = b - 149, slot b + 1)
//   E = 255      slot = 278 + (F != 0)
class Log2Histogram {
 public:
  static constexpr int min_exponent = -149;  // binary32's smallest subnormal, 2^-149
  static constexpr int max_exponent = 127;   // binary32's largest binade
  static constexpr int zero_slot = 0;
  static constexpr int inf_slot = max_exponent - min_exponent + 2;  // 278
  static constexpr int nan_slot = inf_slot + 1;                     // 279
  static constexpr int slots = nan_slot + 1;                        // 280
  static constexpr int slot_of_exponent(int k) { return k - min_exponent + 1; }
  static constexpr int exponent_of_slot(int slot) { return slot + min_exponent - 1; }

  // The slot of one value (the diagram above): the plain twin of record()'s branch-free path.
  static int slot_of(float x);

  // Adds every value of `values` (blocks of 256 slots computed branch-free, then counted in
  // four interleaved uint32 tables that are added into the counts every 2^24 values).
  void record(std::span<const float> values);
  Log2Histogram& operator+=(const Log2Histogram& other);
  friend bool operator==(const Log2Histogram&, const Log2Histogram&) = default;

  // Counts of a slot: both signs, or one (negative: sign bit set, -0 and NaNs with the sign
  // bit included).
  std::uint64_t count(int slot) const { return counts_[0][slot] + counts_[1][slot]; }
  std::uint64_t count(int slot, bool negative) const { return counts_[negative][slot]; }
  std::uint64_t exponent_count(int k) const { return count(slot_of_exponent(k)); }
  std::uint64_t zeros() const { return count(zero_slot); }
  std::uint64_t infinities() const { return count(inf_slot); }
  std::uint64_t nans() const { return count(nan_slot); }
  // Every value recorded (the sum over all slots and signs, accumulated in uint64).
  std::uint64_t total() const;

  // CSV: the header, and one row per slot in slot order, each preceded by `prefix` (for
  // example "fc1,activation,"):
  //   bin,exponent,lower_edge,count,positive,negative
  //   zero,,0,...            bin "zero", no exponent, lower edge 0
  //   2^-149,-149,1.4012984643248171e-45,...   lower edge 2^k to 17 significant digits
  //   ...                                      (reads back as exactly 2^k in a double)
  //   inf,,inf,...   nan,,nan,...
  static std::string_view csv_header() { return "bin,exponent,lower_edge,count,positive,negative"; }
  // `skip_empty`: the bins with count 0 are left out (the counts still sum to total()).
  void append_csv_rows(std::string& out, std::string_view prefix = {}, bool skip_empty = false) const;
  std::string to_csv() const;  // header line and rows, no prefix

 private:
  std::array<std::array<std::uint64_t, slots>, 2> counts_{};  // [sign bit][slot]
};

// Where a binade [2^k, 2^(k+1)) lies for a format, under a round-to-nearest cast:
enum class Band : std::uint8_t {
  flushed,         // below half the smallest subnormal (2^k < 2^(k+1) <= min_subnormal / 2): becomes +-0
  half_subnormal,  // [min_subnormal / 2, min_subnormal): 2^k itself ties to 0, the rest round up
                   //   to min_subnormal (only formats with subnormals)
  subnormal,       // [min_subnormal, min_normal)
  normal,          // [min_normal, 2^(emax+1)): includes the values above max_finite of the top
                   //   binade, which may round to inf
  overflow,        // above the top binade: k > emax
};
std::string_view band_name(Band b);  // "flushed", "half_subnormal", ...

// The range markers a plot draws for a format (exponents as powers of two, and the largest
// finite value). Without subnormals, min_subnormal_exponent == min_normal_exponent and nothing
// is half_subnormal.
struct FormatMarkers {
  int min_subnormal_exponent;  // emin - t with subnormals, emin without (fp16: -24)
  int min_normal_exponent;     // emin (fp16: -14)
  int max_exponent;            // emax (fp16: 15)
  double max_finite;           // fp16: 65504
  double flush_threshold;      // with subnormals 2^(min_subnormal_exponent - 1): smaller magnitudes,
                               // and this one (a tie to even), become zero (fp16: 2^-25); without
                               // subnormals 2^emin: everything smaller flushes
};
FormatMarkers format_markers(const Format& f);
Band band_of(const Format& f, int k);

}  // namespace mpsim
