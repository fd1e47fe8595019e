// SPDX-License-Identifier: MIT
// round_array and friends: argument checks, then the portable specification or a SIMD
// kernel for the middle of the array (whole kernel steps; the head that aligns stochastic
// draws to a Philox block and the tail go through the portable loop).
#include "mpsim/array/round_array.hpp"

#include <xmmintrin.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "mpsim/array/job.hpp"
#include "mpsim/array/portable.hpp"
#include "mpsim/format/named_formats.hpp"

namespace mpsim {
namespace {

using array_detail::Job;
using array_detail::Sink;
using array_detail::Tally;
using array_detail::Target;

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument(what); }

void check_format(const Format& f, const char* function) {
  if (std::string problem = validate(f); !problem.empty()) {
    fail(std::string(function) + ": format " + format_name(f) + " cannot be emulated: " + problem);
  }
}

void check_sizes(std::size_t in, std::size_t out, const char* function) {
  if (in != out) {
    fail(std::string(function) + ": input has " + std::to_string(in) + " elements but output has " +
         std::to_string(out));
  }
}

// Every value of f is a float: p <= 24, and binary32's exponent range covers f's.
bool fits_float(const Format& f) {
  return f.precision() <= 24 && f.emax() <= 127 && (f.subnormals ? f.emin() - f.fraction_bits >= -149 : f.emin() >= -126);
}

void check_container(const Format& f, bool fits, const char* container, const char* function) {
  if (!fits) fail(std::string(function) + ": values of format " + format_name(f) + " cannot be held in " + container);
}

Isa resolve_isa(std::optional<Isa> requested, const char* function) {
  if (!requested) return best_isa();
  const std::vector<Isa> isas = available_isas();
  if (std::find(isas.begin(), isas.end(), *requested) == isas.end()) {
    fail(std::string(function) + ": instruction set " + std::string(isa_name(*requested)) + " is not available on this CPU");
  }
  return *requested;
}

// The SIMD kernels' name for f, if they have one.
std::optional<Target> simd_target(const Format& f) {
  if (f == binary16) return Target::binary16;
  if (f == bfloat16) return Target::bfloat16;
  if (f == fp8_e4m3) return Target::e4m3;
  if (f == fp8_e5m2) return Target::e5m2;
  return std::nullopt;
}

// vcvtps2ph computes binary16 exactly like the core in the IEEE directions under the default
// Env options, provided MXCSR does not flush its subnormal inputs (DAZ) or results (FTZ).
bool hardware_conversion_allowed(const Env& env) {
  const bool ieee_direction = env.rounding == Rounding::nearest_even || env.rounding == Rounding::toward_zero ||
                              env.rounding == Rounding::upward || env.rounding == Rounding::downward;
  const Env defaults{.rounding = env.rounding};
  const bool default_options = env.flush_to_zero == defaults.flush_to_zero &&
                               env.denormals_are_zero == defaults.denormals_are_zero &&
                               env.tininess == defaults.tininess && env.nan == defaults.nan &&
                               env.overflow != Overflow::saturate;
  constexpr unsigned mxcsr_ftz = 0x8000, mxcsr_daz = 0x0040;
  return ieee_direction && default_options && (_mm_getcsr() & (mxcsr_ftz | mxcsr_daz)) == 0;
}

// bfloat16 has binary32's exponent range: in the IEEE directions, without FTZ, DAZ, tininess
// before rounding or saturation, rounding is an integer rounding of the float's bits.
bool bfloat16_direct(const Job& job) {
  const bool ieee_direction = job.rounding == Rounding::nearest_even || job.rounding == Rounding::toward_zero ||
                              job.rounding == Rounding::upward || job.rounding == Rounding::downward;
  return job.target == Target::bfloat16 && ieee_direction && !job.flush_to_zero && !job.denormals_are_zero &&
         !job.tininess_before && !job.saturate;
}

Tally run_kernel(Isa isa, const Job& job) {
  if (bfloat16_direct(job)) {
    return isa == Isa::avx512 ? array_detail::round_bfloat16_avx512(job) : array_detail::round_bfloat16_avx2(job);
  }
  return isa == Isa::avx512 ? array_detail::round_avx512(job) : array_detail::round_avx2(job);
}

void add(ArrayOutcome& outcome, const Tally& t, std::size_t n, bool count) {
  outcome.flags |= t.flags;
  if (!count) return;
  EventCounts c;
  c.operations = n;
  c.inexact = t.inexact;
  c.underflow = t.underflow;
  c.overflow = t.overflow;
  c.invalid = t.invalid;
  c.underflow_to_zero = t.underflow_to_zero;
  c.subnormal_results = t.subnormal_results;
  c.overflowed = t.overflowed;
  c.nans_created = t.nans_created;
  c.inputs_flushed = t.inputs_flushed;
  outcome.counts += c;
}

// Float outputs of at least this many elements (8 MiB) use non-temporal stores.
constexpr std::size_t streaming_threshold = std::size_t{1} << 21;

// float32 input, any output container: portable, or SIMD for the middle part.
template <class Out>
ArrayOutcome round_floats(const Format& to, const Env& env, std::span<const float> in, Out* out, Sink sink,
                          const StochasticDraws& draws, bool count, Isa isa) {
  ArrayOutcome outcome;
  const std::size_t n = in.size();
  const std::optional<Target> target = simd_target(to);
  // The kernels make E4M3's overflow NaN by the NaN policy: OverflowNanSign::of_value goes portable.
  const bool simd = isa != Isa::portable && target && env.stochastic_bits >= 1 && env.stochastic_bits <= 32 &&
                    env.overflow_nan_sign == OverflowNanSign::by_nan_policy;
  if (!simd) {
    array_detail::round_portable(to, env, in.data(), out, 0, n, draws, count, outcome);
    return outcome;
  }
  // Element i draws stochastic_bits_for(.., first_index + i): a Philox block serves 4 indices,
  // so the kernel starts where first_index + i is a multiple of 4.
  const bool stochastic = env.rounding == Rounding::stochastic;
  std::size_t head = std::min<std::size_t>(n, stochastic ? (4 - draws.first_index % 4) % 4 : 0);
  // Float output of more than 8 MiB streams past the caches (as memcpy does) when the kernel
  // part can start on a 64-byte boundary: the head grows to reach it, keeping the Philox
  // alignment above.
  bool streaming = false;
  if (sink == Sink::f32 && n >= streaming_threshold) {
    const auto address = reinterpret_cast<std::uintptr_t>(out);
    const std::size_t to_boundary = (64 - address % 64) % 64 / sizeof(float);
    if (address % sizeof(float) == 0 && (!stochastic || to_boundary % 4 == head % 4)) {
      head = to_boundary < head ? to_boundary + 16 : to_boundary;
      streaming = true;
    }
  }
  const std::size_t body = (n - head) / array_detail::step * array_detail::step;
  array_detail::round_portable(to, env, in.data(), out, 0, head, draws, count, outcome);
  // Jobs of at most 2^30 elements keep the kernels' 32-bit lane counters from wrapping.
  constexpr std::size_t max_job = std::size_t{1} << 30;
  for (std::size_t begin = head; begin < head + body; begin += max_job) {
    Job job;
    job.in = in.data() + begin;
    job.out = out + begin;
    job.n = std::min(max_job, head + body - begin);
    job.target = *target;
    job.sink = sink;
    job.rounding = env.rounding;
    job.count = count;
    job.flush_to_zero = env.flush_to_zero;
    job.denormals_are_zero = env.denormals_are_zero;
    job.tininess_before = env.tininess == Tininess::before_rounding;
    job.canonical_nan = env.nan == NanPolicy::canonical;
    job.saturate = saturates(to, env);
    job.stochastic_bits = env.stochastic_bits;
    job.plain = !job.flush_to_zero && !job.denormals_are_zero && !job.tininess_before && !job.canonical_nan &&
                !job.saturate && job.stochastic_bits == 32;
    job.streaming_stores = streaming;
    job.hardware_binary16 = *target == Target::binary16 && hardware_conversion_allowed(env);
    job.seed = draws.seed;
    job.stream = draws.stream;
    job.first_block = (draws.first_index + begin) / 4;
    add(outcome, run_kernel(isa, job), job.n, count);
  }
  array_detail::round_portable(to, env, in.data(), out, head + body, n, draws, count, outcome);
  return outcome;
}

template <class In>
void unpack_words(const Format& from, std::span<const In> in, std::span<float> out, Sink storage) {
  const char* function = "unpack_array";
  check_format(from, function);
  check_sizes(in.size(), out.size(), function);
  check_container(from, fits_float(from), "float", function);
  check_container(from, from.storage_bits() <= static_cast<int>(8 * sizeof(In)),
                  sizeof(In) == 2 ? "uint16_t storage" : "uint8_t storage", function);
  const std::size_t n = in.size();
  const std::optional<Target> target = simd_target(from);
  const Isa isa = best_isa();
  std::size_t done = 0;
  if (target && isa != Isa::portable && from.storage_bits() == static_cast<int>(8 * sizeof(In))) {
    done = n / array_detail::step * array_detail::step;
    if (isa == Isa::avx512) {
      array_detail::unpack_avx512(*target, storage, in.data(), out.data(), done);
    } else {
      array_detail::unpack_avx2(*target, storage, in.data(), out.data(), done);
    }
  }
  for (std::size_t i = done; i < n; ++i) out[i] = to_float(from, in[i]);
}

}  // namespace

ArrayOutcome round_array(const Format& to, const Env& env, std::span<const float> in, std::span<float> out,
                         const StochasticDraws& draws, bool count, std::optional<Isa> isa) {
  const char* function = "round_array";
  check_format(to, function);
  check_sizes(in.size(), out.size(), function);
  check_container(to, fits_float(to), "float", function);
  return round_floats(to, env, in, out.data(), Sink::f32, draws, count, resolve_isa(isa, function));
}

ArrayOutcome round_array(const Format& to, const Env& env, std::span<const double> in, std::span<double> out,
                         const StochasticDraws& draws, bool count, std::optional<Isa> isa) {
  const char* function = "round_array";
  check_format(to, function);
  check_sizes(in.size(), out.size(), function);
  resolve_isa(isa, function);  // checked, but float64 input always takes the portable loop
  ArrayOutcome outcome;
  array_detail::round_portable(to, env, in.data(), out.data(), 0, in.size(), draws, count, outcome);
  return outcome;
}

ArrayOutcome round_array_packed(const Format& to, const Env& env, std::span<const float> in,
                                std::span<std::uint16_t> out, const StochasticDraws& draws, bool count,
                                std::optional<Isa> isa) {
  const char* function = "round_array_packed";
  check_format(to, function);
  check_sizes(in.size(), out.size(), function);
  check_container(to, to.storage_bits() <= 16, "uint16_t storage", function);
  const Isa chosen = resolve_isa(isa, function);
  return round_floats(to, env, in, out.data(), Sink::u16, draws, count,
                      to.storage_bits() == 16 ? chosen : Isa::portable);
}

ArrayOutcome round_array_packed(const Format& to, const Env& env, std::span<const float> in,
                                std::span<std::uint8_t> out, const StochasticDraws& draws, bool count,
                                std::optional<Isa> isa) {
  const char* function = "round_array_packed";
  check_format(to, function);
  check_sizes(in.size(), out.size(), function);
  check_container(to, to.storage_bits() <= 8, "uint8_t storage", function);
  const Isa chosen = resolve_isa(isa, function);
  return round_floats(to, env, in, out.data(), Sink::u8, draws, count, to.storage_bits() == 8 ? chosen : Isa::portable);
}

void unpack_array(const Format& from, std::span<const std::uint16_t> in, std::span<float> out) {
  unpack_words(from, in, out, Sink::u16);
}

void unpack_array(const Format& from, std::span<const std::uint8_t> in, std::span<float> out) {
  unpack_words(from, in, out, Sink::u8);
}

}  // namespace mpsim
