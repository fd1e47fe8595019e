// SPDX-License-Identifier: MIT
// The SSE control/status register for the reference: a scope that restores it, the value
// that selects a rounding direction, and its exception bits as TestFloat flags.
#pragma once

#include <cstdint>

#include "reference/target.hpp"
#include "reference/x87.hpp"

namespace reference {

// MXCSR with every exception masked, no FTZ/DAZ, flags clear, rounding `d` (bits 14:13,
// same encoding as the x87 field).
constexpr std::uint32_t mxcsr_for(Direction d) { return 0x1F80u | (static_cast<std::uint32_t>(d) << 13); }

// MXCSR status bits (IE DE ZE OE UE PE) -> TestFloat flags; DE (denormal operand) dropped.
constexpr std::uint8_t flags_from_mxcsr(std::uint32_t csr) {
  std::uint8_t r = 0;
  if (csr & 0x01) r |= flags::invalid;
  if (csr & 0x04) r |= flags::infinite;
  if (csr & 0x08) r |= flags::overflow;
  if (csr & 0x10) r |= flags::underflow;
  if (csr & 0x20) r |= flags::inexact;
  return r;
}

// Restores the caller's MXCSR at scope exit (the operations below load their own).
class MxcsrScope {
 public:
  MxcsrScope() { asm volatile("stmxcsr %0" : "=m"(saved_) : : "memory"); }
  ~MxcsrScope() { asm volatile("ldmxcsr %0" : : "m"(saved_) : "memory"); }
  MxcsrScope(const MxcsrScope&) = delete;
  MxcsrScope& operator=(const MxcsrScope&) = delete;

 private:
  std::uint32_t saved_ = 0;
};

}  // namespace reference
