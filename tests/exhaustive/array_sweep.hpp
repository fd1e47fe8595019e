// SPDX-License-Identifier: MIT
// The array fast path (src/mpsim/array/) checked inside a binary32 sweep: the sweep hands
// every input and the scalar core's Result to ArraySweep, which gathers them in chunks and
// runs round_array_packed (bits, counts, flags) and round_array (floats, compared with the
// exact SIMD-free widening of the expected bits) on every SIMD instruction set available.
// The scalar core is computed once, by the sweep; the array check costs only the SIMD time.
#pragma once

#include <array>
#include <cstring>
#include <cstdint>
#include <vector>

#include "mpsim/array/round_array.hpp"
#include "mpsim/ops/convert.hpp"
#include "sweep.hpp"

namespace exhaustive {

class ArraySweep {
 public:
  // Inputs per round_array call.
  static constexpr std::size_t chunk = std::size_t{1} << 20;

  ArraySweep(const mpsim::Format& f, const mpsim::Env& env) : format_(f), env_(env) {
    for (mpsim::Isa isa : mpsim::available_isas()) {
      if (isa != mpsim::Isa::portable) isas_.push_back(isa);
    }
    inputs_.reserve(chunk);
    expected_.reserve(chunk);
  }

  void add(std::uint32_t x, const mpsim::Result& r) {
    inputs_.push_back(std::bit_cast<float>(x));
    expected_.push_back(static_cast<std::uint16_t>(r.bits));
    ++outcomes_[r.flags | (r.events << 5)];  // 5 flag bits, 7 event bits
    if (inputs_.size() == chunk) flush();
  }

  // Checks what is left; the tally then holds every case.
  const Tally& finish() {
    flush();
    return tally_;
  }
  bool simd_available() const { return !isas_.empty(); }

 private:
  void flush();

  const mpsim::Format& format_;
  mpsim::Env env_;
  std::vector<mpsim::Isa> isas_;
  std::vector<float> inputs_;
  std::vector<std::uint16_t> expected_;               // the core's bits
  std::vector<std::uint8_t> expected8_;                // the same, for 8-bit formats
  std::vector<float> want_values_, values_;            // to_float of expected_, round_array's output
  std::vector<std::uint16_t> bits16_;                  // round_array_packed's output
  std::vector<std::uint8_t> bits8_;
  std::array<std::uint32_t, 1 << 12> outcomes_{};      // chunk's elements per (flags, events)
  Tally tally_;
};

inline void ArraySweep::flush() {
  const std::size_t n = inputs_.size();
  if (n == 0) return;
  mpsim::EventCounts want;
  std::uint8_t want_flags = 0;
  for (std::size_t k = 0; k < outcomes_.size(); ++k) {
    const std::uint64_t times = outcomes_[k];
    if (times == 0) continue;
    mpsim::EventCounts one;  // one element with these flags and events, then `times` of them
    one.record(static_cast<std::uint8_t>(k & 31), static_cast<std::uint8_t>(k >> 5));
    want.operations += times;
    want.inexact += times * one.inexact;
    want.underflow += times * one.underflow;
    want.overflow += times * one.overflow;
    want.invalid += times * one.invalid;
    want.divide_by_zero += times * one.divide_by_zero;
    want.underflow_to_zero += times * one.underflow_to_zero;
    want.subnormal_results += times * one.subnormal_results;
    want.overflowed += times * one.overflowed;
    want.nans_created += times * one.nans_created;
    want.inputs_flushed += times * one.inputs_flushed;
    want_flags |= static_cast<std::uint8_t>(k & 31);
  }
  outcomes_.fill(0);
  // to_float of the expected bits: array/'s widening is checked against the core's to_float
  // for every pattern by tests/array (unpack_array). Buffers are reused from chunk to chunk.
  const bool narrow = format_.storage_bits() <= 8;
  want_values_.resize(n);
  values_.resize(n);
  bits16_.resize(n);
  bits8_.resize(n);
  expected8_.resize(n);
  if (narrow) {
    for (std::size_t i = 0; i < n; ++i) expected8_[i] = static_cast<std::uint8_t>(expected_[i]);
    mpsim::unpack_array(format_, expected8_, want_values_);
  } else {
    mpsim::unpack_array(format_, expected_, want_values_);
  }
  for (mpsim::Isa isa : isas_) {
    const char* isa_name = mpsim::isa_name(isa).data();
    const mpsim::ArrayOutcome packed =
        narrow ? mpsim::round_array_packed(format_, env_, inputs_, std::span<std::uint8_t>(bits8_), {}, true, isa)
               : mpsim::round_array_packed(format_, env_, inputs_, std::span<std::uint16_t>(bits16_), {}, true, isa);
    const mpsim::ArrayOutcome floats = mpsim::round_array(format_, env_, inputs_, values_, {}, true, isa);
    const bool same_bits = narrow ? std::memcmp(bits8_.data(), expected8_.data(), n) == 0
                                  : std::memcmp(bits16_.data(), expected_.data(), 2 * n) == 0;
    const bool same_values = std::memcmp(values_.data(), want_values_.data(), 4 * n) == 0;
    for (std::size_t i = 0; !(same_bits && same_values) && i < n; ++i) {
      const std::uint32_t x = std::bit_cast<std::uint32_t>(inputs_[i]);
      const std::uint16_t got = narrow ? bits8_[i] : bits16_[i];
      if (got != expected_[i]) {
        tally_.mismatch("binary32 %08X to %s: core %04X, round_array_packed (%s) %04X", x, format_.name.data(),
                        expected_[i], isa_name, got);
      }
      const std::uint32_t value = std::bit_cast<std::uint32_t>(values_[i]);
      const std::uint32_t want_value = std::bit_cast<std::uint32_t>(want_values_[i]);
      if (value != want_value) {
        tally_.mismatch("binary32 %08X to %s: core %08X as float, round_array (%s) %08X", x, format_.name.data(),
                        want_value, isa_name, value);
      }
    }
    const mpsim::ArrayOutcome* outcomes[] = {&packed, &floats};
    for (const mpsim::ArrayOutcome* o : outcomes) {
      if (!(o->counts == want) || o->flags != want_flags) {
        tally_.mismatch("binary32 %08X .. %08X to %s: counts or flags (%02X) of round_array (%s) differ from the core's (%02X)",
                        std::bit_cast<std::uint32_t>(inputs_.front()), std::bit_cast<std::uint32_t>(inputs_.back()),
                        format_.name.data(), o->flags, isa_name, want_flags);
      }
    }
  }
  tally_.add_cases(n);
  inputs_.clear();
  expected_.clear();
}

// The verdict on the array fast path after a sweep of `count` inputs.
inline void check_array_sweep(ArraySweep& array, std::uint64_t count) {
  const Tally& tally = array.finish();
  if (!array.simd_available()) {
    WARN("this CPU has no AVX2 or AVX-512: the array fast path has no SIMD kernel to check");
    return;
  }
  INFO("array fast path (round_array, round_array_packed) on every SIMD ISA");
  require_clean(tally, count);
}

}  // namespace exhaustive
