// SPDX-License-Identifier: MIT
// The two wide arithmetics the reference computes in, behind one interface: the x87 unit
// (extended, P = 64 significand bits) and SSE2 binary64 (P = 53). See narrow.hpp for why one
// operation in either, rounded once more to a narrow format, is correctly rounded.
#pragma once

#include <bit>
#include <cstdint>

#include "reference/mxcsr.hpp"
#include "reference/x87.hpp"

namespace reference {

struct X87 {
  using Real = long double;
  static constexpr int precision = 64;
  static constexpr const char* name = "x87";

  // Rounding direction `d` for the scope's lifetime.
  class Scope {
   public:
    explicit Scope(Direction d) : x87_(d) {}

   private:
    X87Scope x87_;
  };

  static Real pow2(int k) { return reference::pow2(k); }
  static int binade(Real y) { return binade_of(y); }
  // fistp in the current direction: exact for an integer, truncation under toward-zero.
  static std::int64_t integer(Real y) { return store_int64(y); }
  static void clear() { clear_exceptions(); }
  static bool inexact_after(Real y) { return (status_after(y) & x87::precision) != 0; }
  static Real pin(Real y) { return reference::pin(y); }
  static Real sqrt(Real y) {
    asm("fsqrt" : "+t"(y));
    return y;
  }
};

struct Sse {
  using Real = double;
  static constexpr int precision = 53;
  static constexpr const char* name = "SSE binary64";

  class Scope {
   public:
    explicit Scope(Direction d) {
      const std::uint32_t csr = mxcsr_for(d);
      asm volatile("ldmxcsr %0" : : "m"(csr) : "memory");
    }

   private:
    MxcsrScope keep_;
  };

  static Real pow2(int k) { return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52); }  // normal k
  static int binade(Real y) { return static_cast<int>((std::bit_cast<std::uint64_t>(y) >> 52) & 0x7FF) - 1023; }
  // cvttsd2si: truncation (exact for an integer).
  static std::int64_t integer(Real y) { return static_cast<std::int64_t>(y); }
  static void clear() {
    std::uint32_t csr;
    asm volatile("stmxcsr %0" : "=m"(csr) : : "memory");
    csr &= ~0x3Fu;
    asm volatile("ldmxcsr %0" : : "m"(csr) : "memory");
  }
  static bool inexact_after(Real y) {
    std::uint32_t csr;
    asm volatile("stmxcsr %0" : "=m"(csr) : "x"(y));
    return (csr & 0x20) != 0;
  }
  static Real pin(Real y) {
    asm volatile("" : "+x"(y));
    return y;
  }
  static Real sqrt(Real y) {
    Real r;
    asm("sqrtsd %1, %0" : "=x"(r) : "x"(y));
    return r;
  }
};

}  // namespace reference
