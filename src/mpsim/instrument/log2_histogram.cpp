// SPDX-License-Identifier: MIT
// Log2Histogram recording, merging and CSV; the bands of a format (log2_histogram.hpp).
#include "mpsim/instrument/log2_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace mpsim {

int Log2Histogram::slot_of(float x) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t e = (bits >> 23) & 0xFFu;
  const std::uint32_t f = bits & 0x7FFFFFu;
  if (e == 0) return std::bit_width(f);
  if (e == 0xFF) return inf_slot + (f != 0);
  return static_cast<int>(e) + 23;
}

namespace {

// sign * slots + slot_of(value with bits b), without branches (the loop over a block
// vectorises): a subnormal's bit_width(F) is read from the biased exponent of float(F).
inline std::uint32_t signed_slot(std::uint32_t b) {
  const std::uint32_t e = (b >> 23) & 0xFFu;
  const std::uint32_t f = b & 0x7FFFFFu;
  const std::uint32_t f_nonzero = static_cast<std::uint32_t>(f != 0);
  const float f_as_float = static_cast<float>(static_cast<std::int32_t>(f));  // exact: F < 2^23
  const std::uint32_t f_width = (std::bit_cast<std::uint32_t>(f_as_float) >> 23) - 126;  // floor(log2 F) + 1
  const std::uint32_t subnormal_mask = 0u - static_cast<std::uint32_t>(e == 0);  // all ones or 0
  const std::uint32_t special_mask = 0u - static_cast<std::uint32_t>(e == 0xFF);
  const std::uint32_t subnormal = f_width & (0u - f_nonzero);  // 0 for zero
  const std::uint32_t special = Log2Histogram::inf_slot + f_nonzero;
  const std::uint32_t normal = e + 23;
  const std::uint32_t slot = (subnormal_mask & subnormal) | (special_mask & special) |
                             (~(subnormal_mask | special_mask) & normal);
  return (b >> 31) * Log2Histogram::slots + slot;
}

}  // namespace

// Blocks of 256 values: their signed slots first (vectorised), then four interleaved uint32
// tables counted in turn (independent increments, so repeats of one slot do not wait on each
// other), added into the uint64 counts after at most 2^24 values.
void Log2Histogram::record(std::span<const float> values) {
  constexpr std::size_t block = 256;
  constexpr std::size_t chunk = std::size_t{1} << 24;  // uint32 tables cannot overflow
  std::array<std::array<std::uint32_t, 2 * slots>, 4> tables;
  std::array<std::uint32_t, block> index;
  for (std::size_t start = 0; start < values.size(); start += chunk) {
    const std::span<const float> part = values.subspan(start, std::min(chunk, values.size() - start));
    for (auto& t : tables) t.fill(0);
    for (std::size_t at = 0; at < part.size(); at += block) {
      const std::size_t n = std::min(block, part.size() - at);
      const float* x = part.data() + at;
      for (std::size_t i = 0; i < n; ++i) index[i] = signed_slot(std::bit_cast<std::uint32_t>(x[i]));
      std::size_t i = 0;
      for (; i + 4 <= n; i += 4) {
        ++tables[0][index[i]];
        ++tables[1][index[i + 1]];
        ++tables[2][index[i + 2]];
        ++tables[3][index[i + 3]];
      }
      for (; i < n; ++i) ++tables[0][index[i]];
    }
    for (int s = 0; s < 2; ++s)
      for (int k = 0; k < slots; ++k) {
        const auto j = static_cast<std::size_t>(s * slots + k);
        counts_[s][k] += std::uint64_t{tables[0][j]} + tables[1][j] + tables[2][j] + tables[3][j];
      }
  }
}

Log2Histogram& Log2Histogram::operator+=(const Log2Histogram& other) {
  for (int s = 0; s < 2; ++s)
    for (int i = 0; i < slots; ++i) counts_[s][i] += other.counts_[s][i];
  return *this;
}

std::uint64_t Log2Histogram::total() const {
  std::uint64_t sum = 0;  // uint64, slot order, positive before negative
  for (int i = 0; i < slots; ++i) sum += count(i);
  return sum;
}

void Log2Histogram::append_csv_rows(std::string& out, std::string_view prefix, bool skip_empty) const {
  char row[160];
  for (int i = 0; i < slots; ++i) {
    const unsigned long long pos = counts_[0][i], neg = counts_[1][i];
    if (skip_empty && pos + neg == 0) continue;
    int n = 0;
    if (i == zero_slot) {
      n = std::snprintf(row, sizeof row, "zero,,0,%llu,%llu,%llu\n", pos + neg, pos, neg);
    } else if (i == inf_slot) {
      n = std::snprintf(row, sizeof row, "inf,,inf,%llu,%llu,%llu\n", pos + neg, pos, neg);
    } else if (i == nan_slot) {
      n = std::snprintf(row, sizeof row, "nan,,nan,%llu,%llu,%llu\n", pos + neg, pos, neg);
    } else {
      const int k = exponent_of_slot(i);
      n = std::snprintf(row, sizeof row, "2^%d,%d,%.17g,%llu,%llu,%llu\n", k, k, std::ldexp(1.0, k), pos + neg, pos,
                        neg);
    }
    out += prefix;
    out.append(row, static_cast<std::size_t>(n));
  }
}

std::string Log2Histogram::to_csv() const {
  std::string out(csv_header());
  out += '\n';
  append_csv_rows(out);
  return out;
}

std::string_view band_name(Band b) {
  switch (b) {
    case Band::flushed: return "flushed";
    case Band::half_subnormal: return "half_subnormal";
    case Band::subnormal: return "subnormal";
    case Band::normal: return "normal";
    case Band::overflow: return "overflow";
  }
  throw std::invalid_argument("band_name: not a Band");
}

FormatMarkers format_markers(const Format& f) {
  const int min_sub = f.subnormals ? f.emin() - f.fraction_bits : f.emin();
  return FormatMarkers{
      .min_subnormal_exponent = min_sub,
      .min_normal_exponent = f.emin(),
      .max_exponent = f.emax(),
      .max_finite = std::ldexp(static_cast<double>(f.max_significand()), f.emax() - f.fraction_bits),
      .flush_threshold = std::ldexp(1.0, f.subnormals ? min_sub - 1 : min_sub),
  };
}

Band band_of(const Format& f, int k) {
  const FormatMarkers m = format_markers(f);
  if (k > m.max_exponent) return Band::overflow;
  if (k >= m.min_normal_exponent) return Band::normal;
  if (k >= m.min_subnormal_exponent) return Band::subnormal;
  if (f.subnormals && k == m.min_subnormal_exponent - 1) return Band::half_subnormal;
  return Band::flushed;
}

}  // namespace mpsim
