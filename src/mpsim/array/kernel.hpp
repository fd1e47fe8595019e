// SPDX-License-Identifier: MIT
// The SIMD twin of convert(F, binary32, x, env, random) for F = binary16, bfloat16, E4M3,
// E5M2, written once over a lane type V (lanes_avx2.hpp, lanes_avx512.hpp) and compiled once
// per instruction set. It computes what round_to_format computes, lane by lane, in 32-bit
// integers; tests/array checks it bit for bit (values, flags, events) against the core.
// Include only from a file compiled for V's instruction set.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mpsim/array/job.hpp"
#include "mpsim/array/philox_lanes.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/round/status.hpp"

namespace mpsim::array_detail {
namespace {

// Env options as lane constants, made once per job.
template <class V>
struct Options {
  using U = typename V::U;
  using M = typename V::M;
  M daz, ftz, saturate;
  bool tininess_before, canonical_nan;
  U stochastic_drop;  // 32 - stochastic_bits: D >> drop is the r-bit integer compared
  U stochastic_mask;  // 2^r - 1

  // The Env defaults (except the rounding mode): constants the compiler folds away.
  static Options defaults() {
    Job plain;
    return Options(plain);
  }

  explicit Options(const Job& job)
      : daz(job.denormals_are_zero ? V::all() : V::none()),
        ftz(job.flush_to_zero ? V::all() : V::none()),
        saturate(job.saturate ? V::all() : V::none()),
        tininess_before(job.tininess_before),
        canonical_nan(job.canonical_nan),
        stochastic_drop(V::set1(static_cast<std::uint32_t>(32 - job.stochastic_bits))),
        stochastic_mask(V::set1(static_cast<std::uint32_t>((std::uint64_t{1} << job.stochastic_bits) - 1))) {}
};

// round_significand of the core, lane by lane, for a significand m of at most 24 bits (or,
// with a fixed shift, a whole binary32 magnitude whose carry may run into the exponent) and
// shift >= 1 bits to drop (a compile-time `fixed_shift`, or the lanes of `shift`):
//
//   m:  [ kept bits ...... L | R T T T ... T ]    L = last kept bit, R = round bit,
//                            <---- shift ---->    T = the rest (sticky)
//
// A variable shift may exceed 24 (everything is dropped); it is clamped to 25, where kept = 0
// and rest = m < half = 2^24. Stochastic rounding aligns the dropped part to 32 bits with the
// unclamped shift: D = rest * 2^(32 - shift), exact for shift <= 32, truncated beyond (the
// core's `dropped`), and rounds up when (random mod 2^r) > 2^r - 1 - (D >> (32 - r)).
// Returns the kept significand, possibly carried to 2^(bits kept).
template <class V, Rounding mode, int fixed_shift = 0>
[[gnu::always_inline]] inline typename V::U round_lanes_significand(typename V::U m, typename V::U shift,
                                                                    typename V::M negative, typename V::U random,
                                                                    const Options<V>& o, typename V::M& inexact) {
  using U = typename V::U;
  const U one = V::set1(1);
  U kept, rest, half;
  if constexpr (fixed_shift > 0) {
    kept = V::template shr<fixed_shift>(m);
    rest = V::and_(m, V::set1((1u << fixed_shift) - 1));
    half = V::set1(1u << (fixed_shift - 1));
  } else {
    const U clamped = V::min_i(shift, V::set1(25));
    kept = V::shrv(m, clamped);
    rest = V::andnot(V::shlv(V::set1(0xFFFFFFFFu), clamped), m);
    if constexpr (mode == Rounding::nearest_even || mode == Rounding::nearest_away) {
      half = V::shlv(one, V::sub(clamped, one));
    }
  }
  inexact = V::ne(rest, V::zero());
  if constexpr (mode == Rounding::nearest_even) {
    // up when rest > half, or rest == half and L is set: rest + L > half.
    return V::add_where(V::gt_u(V::add(rest, V::and_(kept, one)), half), kept, one);
  } else if constexpr (mode == Rounding::nearest_away) {
    return V::add_where(V::gt_u(V::add(rest, one), half), kept, one);
  } else if constexpr (mode == Rounding::toward_zero) {
    return kept;
  } else if constexpr (mode == Rounding::upward) {
    return V::add_where(V::m_andnot(negative, inexact), kept, one);
  } else if constexpr (mode == Rounding::downward) {
    return V::add_where(V::m_and(negative, inexact), kept, one);
  } else if constexpr (mode == Rounding::to_odd) {
    return V::or_where(inexact, kept, one);
  } else {
    U dropped;
    if constexpr (fixed_shift > 0) {
      dropped = V::template shl<32 - fixed_shift>(rest);
    } else {
      const U thirty_two = V::set1(32);
      dropped = V::or_(V::shlv(rest, V::sub(thirty_two, shift)), V::shrv(rest, V::sub(shift, thirty_two)));
    }
    const U threshold = V::sub(o.stochastic_mask, V::shrv(dropped, o.stochastic_drop));
    return V::add_where(V::gt_u(V::and_(random, o.stochastic_mask), threshold), kept, one);
  }
}

// One vector of results: storage bits of F (zero-extended) and the masks of every flag and
// event the scalar core would report for each lane.
template <class V>
struct LaneResults {
  typename V::U bits;
  typename V::M inexact, underflow, overflow, invalid;                          // flags
  typename V::M underflow_to_zero, subnormal, overflowed, nan_created, flushed;  // events
};

// convert(F, binary32, x, env, random) lane by lane. With float32 x = (-1)^s * m * 2^(E'-150),
// E' = max(E, 1) (a subnormal float has E = 0 and no hidden bit), and Eb = E' - 127 + bias
// the biased exponent of x's binade in F, the result before overflow is
//
//   magnitude = ((max(Eb, 1) - 1) << t) + round(m >> shift),   shift = 23 - t + max(1 - Eb, 0)
//
// where a carry out of the significand moves into the exponent field by the addition, and
// Eb <= 0 (a subnormal result) leaves the exponent field 0.
template <class V, const Format& F, Rounding mode>
[[gnu::always_inline]] inline LaneResults<V> round_lanes(typename V::U x, typename V::U random, const Options<V>& o) {
  using U = typename V::U;
  using M = typename V::M;
  constexpr int t = F.fraction_bits;
  constexpr int sign_shift = 32 - F.storage_bits();
  constexpr std::uint32_t max_finite = static_cast<std::uint32_t>(F.max_finite_bits());
  constexpr std::uint32_t min_normal = std::uint32_t{1} << t;               // magnitude of 2^emin in F
  constexpr std::uint32_t min_normal_f32 = static_cast<std::uint32_t>(F.emin() + 127) << 23;  // 2^emin as float
  constexpr bool nan_all_ones = F.nan == NanEncoding::all_ones;
  constexpr std::uint32_t canonical_nan = static_cast<std::uint32_t>(F.storage_mask() >> 1);
  constexpr std::uint32_t infinity = static_cast<std::uint32_t>(F.infinity_bits());
  static_assert(t >= 2 && F.emin() >= -126 && F.infinities != nan_all_ones && F.has_nan() && F.subnormals);
  const U zero = V::zero(), one = V::set1(1);

  LaneResults<V> r;
  const U sign_f32 = V::and_(x, V::set1(0x80000000u));
  const U sign = V::template shr<sign_shift>(sign_f32);  // F's sign bit
  const M negative = V::ne(sign_f32, zero);
  U a = V::and_(x, V::set1(0x7FFFFFFFu));
  const U biased = V::template shr<23>(a);
  r.flushed = V::m_and(o.daz, V::m_and(V::eq(biased, zero), V::ne(a, zero)));
  a = V::zero_where(r.flushed, a);
  const M nan = V::gt_i(a, V::set1(0x7F800000u));
  const M inf = V::eq(a, V::set1(0x7F800000u));
  const M finite_nonzero = V::lt_u(V::sub(a, one), V::set1(0x7F7FFFFFu));  // 0 < a < 0x7F800000

  M inexact;
  U m, shift, magnitude;
  if constexpr (F.bias == 127) {
    // binary32's exponent range (bfloat16): round the bit pattern itself at bit 23 - t; a carry
    // runs into the exponent field, and binary32's subnormals are F's subnormals.
    m = a;
    shift = V::set1(23 - t);
    magnitude = round_lanes_significand<V, mode, 23 - t>(m, shift, negative, random, o, inexact);
  } else {
    const U e_eff = V::max_i(biased, one);
    m = V::sub(a, V::template shl<23>(V::sub(e_eff, one)));
    const U eb = V::add(e_eff, V::set1(static_cast<std::uint32_t>(F.bias - 127)));
    shift = V::add(V::max_i(V::sub(one, eb), zero), V::set1(23 - t));
    const U kept = round_lanes_significand<V, mode>(m, shift, negative, random, o, inexact);
    magnitude = V::add(V::template shl<t>(V::sub(V::max_i(eb, one), one)), kept);
  }

  // Tininess. Before rounding: x < 2^emin. After rounding: the result with an unbounded
  // exponent is below 2^emin, which differs from `magnitude < 2^emin` only when x lies below
  // 2^emin and rounded up to it; then round once more at p bits (shift - 1) and look for a
  // carry out of the p-bit significand (rare: a scalar-free second pass over the vector).
  M tiny;
  if (o.tininess_before) {
    tiny = V::m_and(finite_nonzero, V::lt_u(a, V::set1(min_normal_f32)));
  } else {
    tiny = V::m_and(finite_nonzero, V::lt_u(magnitude, V::set1(min_normal)));
    const M edge = V::m_and(finite_nonzero, V::m_and(V::eq(magnitude, V::set1(min_normal)),
                                                      V::lt_u(a, V::set1(min_normal_f32))));
    if (V::any(edge)) {
      M unused;
      U wide;
      if constexpr (F.bias == 127) {
        wide = round_lanes_significand<V, mode, 22 - t>(m, shift, negative, random, o, unused);
      } else {
        wide = round_lanes_significand<V, mode>(m, V::sub(shift, one), negative, random, o, unused);
      }
      const M carried = V::ne(V::template shr<t + 1>(wide), zero);
      tiny = V::m_or(tiny, V::m_andnot(carried, edge));
    }
  }
  const M flush = V::m_and(o.ftz, tiny);
  magnitude = V::zero_where(flush, magnitude);

  // Overflow: a normal result beyond the largest finite value.
  const M overflow = V::m_and(finite_nonzero, V::gt_u(magnitude, V::set1(max_finite)));
  M to_largest = o.saturate;
  if constexpr (mode == Rounding::toward_zero || mode == Rounding::to_odd) to_largest = V::all();
  if constexpr (mode == Rounding::upward) to_largest = V::m_or(to_largest, negative);
  if constexpr (mode == Rounding::downward) to_largest = V::m_or(to_largest, V::m_andnot(negative, V::all()));
  const U nan_of_sign = o.canonical_nan ? V::set1(canonical_nan) : V::or_(sign, V::set1(canonical_nan));
  U overflow_bits = V::or_(sign, V::set1(max_finite));
  M overflow_nan = V::none();
  if constexpr (F.infinities) {
    overflow_bits = V::select(to_largest, overflow_bits, V::or_(sign, V::set1(infinity)));
  } else {  // OCP non-saturating: overflow gives NaN
    overflow_nan = V::m_andnot(to_largest, overflow);
    overflow_bits = V::select(to_largest, overflow_bits, nan_of_sign);
  }

  // Infinite input (pack_infinity): inf, else the largest finite value when saturating,
  // else (no infinities) NaN.
  U inf_bits;
  M inf_saturated, inf_nan;
  if constexpr (F.infinities) {
    inf_saturated = V::m_and(inf, o.saturate);
    inf_nan = V::none();
    inf_bits = V::select(o.saturate, V::or_(sign, V::set1(max_finite)), V::or_(sign, V::set1(infinity)));
  } else {
    inf_saturated = V::m_and(inf, o.saturate);
    inf_nan = V::m_andnot(o.saturate, inf);
    inf_bits = V::select(o.saturate, V::or_(sign, V::set1(max_finite)), nan_of_sign);
  }

  // NaN input (quiet_nan_from): sign, quiet bit and the top of the payload, or F's one NaN.
  U nan_bits;
  if constexpr (nan_all_ones) {
    nan_bits = nan_of_sign;
  } else if (o.canonical_nan) {
    nan_bits = V::set1(canonical_nan);
  } else {
    constexpr std::uint32_t exponent_and_quiet = static_cast<std::uint32_t>(F.exponent_mask() | F.quiet_bit());
    nan_bits = V::or_(V::or_(sign, V::set1(exponent_and_quiet)),
                      V::template shr<23 - t>(V::and_(a, V::set1(0x007FFFFFu))));
  }

  U bits = V::or_(sign, magnitude);
  // With binary32's exponent range and no saturation, the rounded bit pattern is already
  // right for overflow (a carry reaches the infinity pattern exactly when the mode rounds
  // away from zero, truncation stops at the largest finite value) and for infinite inputs.
  const bool carry_gives_overflow = F.bias == 127 && !V::any(o.saturate);
  if (!carry_gives_overflow) {
    bits = V::select(overflow, overflow_bits, bits);
    bits = V::select(inf, inf_bits, bits);
  }
  r.bits = V::select(nan, nan_bits, bits);

  const M signaling = V::m_and(nan, V::eq(V::and_(a, V::set1(0x00400000u)), zero));
  r.inexact = V::m_or(V::m_or(V::m_and(finite_nonzero, inexact), overflow), V::m_or(flush, inf_saturated));
  r.underflow = V::m_and(tiny, V::m_or(inexact, o.ftz));
  r.overflow = V::m_or(overflow, inf_saturated);
  r.invalid = V::m_or(signaling, inf_nan);
  const M finite_result = V::m_andnot(overflow, finite_nonzero);
  r.underflow_to_zero = V::m_and(finite_result, V::eq(magnitude, zero));
  r.subnormal = V::m_and(finite_result, V::lt_u(V::sub(magnitude, one), V::set1(min_normal - 1)));
  r.overflowed = r.overflow;
  r.nan_created = V::m_or(overflow_nan, inf_nan);
  return r;
}

// convert(binary16, binary32, x, env) in an IEEE direction under the default Env options,
// by the hardware conversion (vcvtps2ph gives the core's bits for every binary32 input, NaN
// payloads included: tests/exhaustive checks this). Flags and events follow from the input
// and the result: inexact when the widened result differs from x; overflow when |x| >= 2^16
// (every direction then leaves the range) or the result is infinite; tiny as in round_lanes.
// `half` receives the bits, `widened` to_float of them.
template <class V, Rounding mode>
[[gnu::always_inline]] inline LaneResults<V> round_lanes_hardware_binary16(typename V::U x, const Options<V>& o,
                                                                          typename V::H& half,
                                                                          typename V::U& widened) {
  using U = typename V::U;
  using M = typename V::M;
  constexpr int imm = mode == Rounding::nearest_even  ? _MM_FROUND_TO_NEAREST_INT
                      : mode == Rounding::toward_zero ? _MM_FROUND_TO_ZERO
                      : mode == Rounding::upward      ? _MM_FROUND_TO_POS_INF
                                                      : _MM_FROUND_TO_NEG_INF;
  static_assert(mode == Rounding::nearest_even || mode == Rounding::toward_zero || mode == Rounding::upward ||
                mode == Rounding::downward);
  const U zero = V::zero(), one = V::set1(1);
  half = V::template to_half<imm>(x);
  widened = V::half_to_f32(half);
  LaneResults<V> r;
  r.bits = V::half_bits(half);
  const U magnitude = V::and_(r.bits, V::set1(0x7FFFu));
  const U a = V::and_(x, V::set1(0x7FFFFFFFu));
  const M nan = V::gt_i(a, V::set1(0x7F800000u));
  const M finite_nonzero = V::lt_u(V::sub(a, one), V::set1(0x7F7FFFFFu));
  const M inexact = V::m_and(finite_nonzero, V::ne(widened, x));
  const M overflow = V::m_and(finite_nonzero, V::m_or(V::gt_u(a, V::set1(0x477FFFFFu)), V::eq(magnitude, V::set1(0x7C00u))));
  M tiny = V::m_and(finite_nonzero, V::lt_u(magnitude, V::set1(0x0400u)));
  const M edge = V::m_and(finite_nonzero, V::m_and(V::eq(magnitude, V::set1(0x0400u)), V::lt_u(a, V::set1(0x38800000u))));
  if (V::any(edge)) {  // x in binade -15 rounded up to 2^-14: round once more at 11 bits
    const U m = V::or_(V::and_(a, V::set1(0x007FFFFFu)), V::set1(0x00800000u));
    M unused;
    const U wide = round_lanes_significand<V, mode, 13>(m, zero, V::ne(V::and_(x, V::set1(0x80000000u)), zero),
                                                        zero, o, unused);
    tiny = V::m_or(tiny, V::m_andnot(V::ne(V::template shr<11>(wide), zero), edge));
  }
  r.inexact = inexact;
  r.underflow = V::m_and(tiny, inexact);
  r.overflow = overflow;
  r.invalid = V::m_and(nan, V::eq(V::and_(a, V::set1(0x00400000u)), zero));
  r.underflow_to_zero = V::m_and(finite_nonzero, V::eq(magnitude, zero));
  r.subnormal = V::m_and(finite_nonzero, V::lt_u(V::sub(magnitude, one), V::set1(0x03FFu)));
  r.overflowed = overflow;
  r.nan_created = V::none();
  r.flushed = V::none();
  return r;
}

// to_float(F, bits) lane by lane (exact): F's bits moved into binary32's fields; subnormals
// of a format with a narrower exponent go through float(int) * 2^(emin - t), which is exact
// and never subnormal in binary32 (so MXCSR's FTZ/DAZ cannot touch it); a NaN is quieted.
// quiet_known: `bits` is a result of rounding, whose NaNs are quiet already.
template <class V, const Format& F, bool quiet_known = false>
[[gnu::always_inline]] inline typename V::U widen(typename V::U bits) {
  using U = typename V::U;
  using M = typename V::M;
  constexpr int t = F.fraction_bits;
  constexpr int sign_shift = 32 - F.storage_bits();
  constexpr std::uint32_t magnitude_mask = static_cast<std::uint32_t>(F.storage_mask() >> 1);
  constexpr std::uint32_t sign_mask = static_cast<std::uint32_t>(F.sign_mask());
  constexpr std::uint32_t exponent_mask = static_cast<std::uint32_t>(F.exponent_mask());
  constexpr std::uint32_t fraction_mask = static_cast<std::uint32_t>(F.fraction_mask());
  const U sign = V::template shl<sign_shift>(V::and_(bits, V::set1(sign_mask)));
  const U magnitude = V::and_(bits, V::set1(magnitude_mask));
  M nan;
  M special;  // inf or NaN
  if constexpr (F.nan == NanEncoding::all_ones) {
    nan = V::eq(magnitude, V::set1(magnitude_mask));
    special = nan;
  } else {
    nan = V::gt_u(magnitude, V::set1(exponent_mask));
    special = V::m_or(nan, V::eq(magnitude, V::set1(exponent_mask)));
  }
  U out;
  if constexpr (F.bias == 127 && quiet_known) {  // binary32's exponent range: the fields line up
    return V::template shl<sign_shift>(bits);
  } else if constexpr (F.bias == 127) {
    out = V::template shl<23 - t>(magnitude);
  } else {
    static_assert(F.emin() - t > -126);
    const U normal = V::add(V::template shl<23 - t>(magnitude), V::set1(static_cast<std::uint32_t>(127 - F.bias) << 23));
    constexpr std::uint32_t min_subnormal_f32 = static_cast<std::uint32_t>(F.emin() - t + 127) << 23;  // 2^(emin-t)
    const U subnormal = V::int_times_float(magnitude, V::set1(min_subnormal_f32));
    out = V::select(V::lt_u(magnitude, V::set1(std::uint32_t{1} << t)), subnormal, normal);
    const U special_bits = V::or_(V::set1(0x7F800000u), V::template shl<23 - t>(V::and_(magnitude, V::set1(fraction_mask))));
    out = V::select(special, special_bits, out);
  }
  if constexpr (!quiet_known) out = V::or_where(nan, out, V::set1(0x00400000u));
  return V::or_(out, sign);
}

// Lane counters of one job, summed into a Tally at the end.
template <class V>
struct LaneCounts {
  typename V::U inexact = V::zero(), underflow = V::zero(), overflow = V::zero(), invalid = V::zero();
  typename V::U underflow_to_zero = V::zero(), subnormal = V::zero(), nan_created = V::zero(),
                flushed = V::zero();  // `overflowed` events are the `overflow` lanes
  typename V::M any_inexact = V::none(), any_underflow = V::none(), any_overflow = V::none(),
                any_invalid = V::none();

  [[gnu::always_inline]] void add(const LaneResults<V>& r, bool count) {
    any_inexact = V::m_or(any_inexact, r.inexact);
    any_underflow = V::m_or(any_underflow, r.underflow);
    any_overflow = V::m_or(any_overflow, r.overflow);
    any_invalid = V::m_or(any_invalid, r.invalid);
    if (!count) return;
    inexact = V::count(inexact, r.inexact);
    underflow = V::count(underflow, r.underflow);
    overflow = V::count(overflow, r.overflow);
    invalid = V::count(invalid, r.invalid);
    underflow_to_zero = V::count(underflow_to_zero, r.underflow_to_zero);
    subnormal = V::count(subnormal, r.subnormal);
    nan_created = V::count(nan_created, r.nan_created);
    flushed = V::count(flushed, r.flushed);
  }

  // Adds the lane counters to `tally` (lanes hold at most 2^32 - 1: callers pass fewer
  // than 2^32 vectors).
  void drain_into(Tally& tally) const {
    tally.inexact += V::sum(inexact);
    tally.underflow += V::sum(underflow);
    tally.overflow += V::sum(overflow);
    tally.invalid += V::sum(invalid);
    tally.underflow_to_zero += V::sum(underflow_to_zero);
    tally.subnormal_results += V::sum(subnormal);
    tally.overflowed += V::sum(overflow);  // every lane overflowed exactly where it raised overflow
    tally.nans_created += V::sum(nan_created);
    tally.inputs_flushed += V::sum(flushed);
    tally.flags |= (V::any(any_inexact) ? flag::inexact : 0) | (V::any(any_underflow) ? flag::underflow : 0) |
                   (V::any(any_overflow) ? flag::overflow : 0) | (V::any(any_invalid) ? flag::invalid : 0);
  }
};

template <class V, const Format& F, Rounding mode, bool count, Sink sink, bool hardware>
[[gnu::always_inline]] inline Tally round_job_with(const Job& job, const Options<V>& o) {
  using U = typename V::U;
  constexpr int w = V::width;
  constexpr int blocks_per_batch = w;  // one Philox block per lane gives 4 vectors of words
  LaneCounts<V> lanes;
  const PhiloxKeys<V> keys(job.seed);
  U random[4] = {V::zero(), V::zero(), V::zero(), V::zero()};
  std::uint64_t block = job.first_block;
  // Locals, so that the stores through `out` cannot be taken to change them.
  const float* const in = job.in;
  void* const out = job.out;
  const std::size_t n = job.n;
  const std::uint64_t stream = job.stream;
  const bool streaming = job.streaming_stores;
  const auto store = [streaming](float* p, U v) {
    if (streaming) {
      V::stream_f32(p, v);
    } else {
      V::store_f32(p, v);
    }
  };
  for (std::size_t base = 0; base < n; base += 4 * w) {
    if constexpr (mode == Rounding::stochastic) {
      philox_lanes<V>(keys, stream, block, random);
      block += blocks_per_batch;
    }
    for (int k = 0; k < 4; ++k) {
      const std::size_t i = base + static_cast<std::size_t>(k) * w;
      const U x = V::load_f32(in + i);
      if constexpr (hardware) {
        typename V::H half;
        U widened;
        const LaneResults<V> r = round_lanes_hardware_binary16<V, mode>(x, o, half, widened);
        if constexpr (sink == Sink::f32) {
          store(static_cast<float*>(out) + i, widened);
        } else {
          V::store_half(static_cast<std::uint16_t*>(out) + i, half);
        }
        lanes.add(r, count);
      } else {
        const LaneResults<V> r = round_lanes<V, F, mode>(x, random[k], o);
        if constexpr (sink == Sink::f32) {
          store(static_cast<float*>(out) + i, widen<V, F, true>(r.bits));
        } else if constexpr (sink == Sink::u16) {
          V::store_u16(static_cast<std::uint16_t*>(out) + i, r.bits);
        } else {
          V::store_u8(static_cast<std::uint8_t*>(out) + i, r.bits);
        }
        lanes.add(r, count);
      }
    }
  }
  if (streaming) _mm_sfence();  // order the non-temporal stores before anything that follows
  Tally tally;
  lanes.drain_into(tally);
  return tally;
}

// One instantiation per format, mode, counting, sink, hardware path and "plain" (every Env
// option at its default, known at compile time).
template <class V, const Format& F, Rounding mode, bool count, Sink sink, bool hardware = false>
Tally round_job(const Job& job) {
  if (job.plain) return round_job_with<V, F, mode, count, sink, hardware>(job, Options<V>::defaults());
  return round_job_with<V, F, mode, count, sink, hardware>(job, Options<V>(job));
}

template <class V, const Format& F, Rounding mode>
Tally round_job_for_mode(const Job& job) {
  if constexpr (&F == &binary16 && (mode == Rounding::nearest_even || mode == Rounding::toward_zero ||
                                    mode == Rounding::upward || mode == Rounding::downward)) {
    if (job.hardware_binary16 && job.sink != Sink::u8) {
      if (job.count) {
        return job.sink == Sink::f32 ? round_job<V, F, mode, true, Sink::f32, true>(job)
                                     : round_job<V, F, mode, true, Sink::u16, true>(job);
      }
      return job.sink == Sink::f32 ? round_job<V, F, mode, false, Sink::f32, true>(job)
                                   : round_job<V, F, mode, false, Sink::u16, true>(job);
    }
  }
  constexpr Sink packed = F.storage_bits() == 16 ? Sink::u16 : Sink::u8;  // the dispatcher sends no other
  if (job.count) {
    return job.sink == Sink::f32 ? round_job<V, F, mode, true, Sink::f32>(job) : round_job<V, F, mode, true, packed>(job);
  }
  return job.sink == Sink::f32 ? round_job<V, F, mode, false, Sink::f32>(job) : round_job<V, F, mode, false, packed>(job);
}

template <class V, const Format& F>
Tally round_job_for_format(const Job& job) {
  switch (job.rounding) {
    case Rounding::nearest_even: return round_job_for_mode<V, F, Rounding::nearest_even>(job);
    case Rounding::toward_zero: return round_job_for_mode<V, F, Rounding::toward_zero>(job);
    case Rounding::upward: return round_job_for_mode<V, F, Rounding::upward>(job);
    case Rounding::downward: return round_job_for_mode<V, F, Rounding::downward>(job);
    case Rounding::nearest_away: return round_job_for_mode<V, F, Rounding::nearest_away>(job);
    case Rounding::to_odd: return round_job_for_mode<V, F, Rounding::to_odd>(job);
    case Rounding::stochastic: break;
  }
  return round_job_for_mode<V, F, Rounding::stochastic>(job);
}

// The whole kernel for lane type V: dispatches on the job's format (mode, counting and sink
// inside), and the widening of storage words.
template <class V>
Tally round_with(const Job& job) {
  switch (job.target) {
    case Target::binary16: return round_job_for_format<V, binary16>(job);
    case Target::bfloat16: return round_job_for_format<V, bfloat16>(job);
    case Target::e4m3: return round_job_for_format<V, fp8_e4m3>(job);
    case Target::e5m2: break;
  }
  return round_job_for_format<V, fp8_e5m2>(job);
}

template <class V, const Format& F>
void unpack_for_format(Sink storage, const void* in, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += V::width) {
    const auto bits = storage == Sink::u16 ? V::load_u16(static_cast<const std::uint16_t*>(in) + i)
                                           : V::load_u8(static_cast<const std::uint8_t*>(in) + i);
    V::store_f32(out + i, widen<V, F>(bits));
  }
}

template <class V>
void unpack_with(Target from, Sink storage, const void* in, float* out, std::size_t n) {
  switch (from) {
    case Target::binary16: return unpack_for_format<V, binary16>(storage, in, out, n);
    case Target::bfloat16: return unpack_for_format<V, bfloat16>(storage, in, out, n);
    case Target::e4m3: return unpack_for_format<V, fp8_e4m3>(storage, in, out, n);
    case Target::e5m2: break;
  }
  unpack_for_format<V, fp8_e5m2>(storage, in, out, n);
}

}  // namespace
}  // namespace mpsim::array_detail
