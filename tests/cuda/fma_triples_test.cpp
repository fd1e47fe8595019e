// SPDX-License-Identifier: MIT
// The fma operand generator: deterministic, and each adversarial kind produces what its
// comment promises (checked with the emulator on the host over a sample of indices).
#include <catch2/catch.hpp>

#include <cstdint>

#include "mpsim/cuda/fma_triples.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/format/unpacked.hpp"
#include "mpsim/ops/fma.hpp"

using namespace mpsim;
using mpsim::cuda::fma_triple;
using mpsim::cuda::fma_uniform_cases;
using mpsim::cuda::TripleKind;
using mpsim::cuda::triple_kind;

namespace {

int biased(const Format& f, std::uint32_t bits) { return static_cast<int>((bits & f.exponent_mask()) >> f.fraction_bits); }
bool finite(const Format& f, std::uint32_t bits) { return biased(f, bits) != f.exponent_field_max(); }

}  // namespace

TEST_CASE("fma triples are a pure function of the index and stay within the format", "[cuda][fma]") {
  for (const Format* f : {&binary16, &bfloat16}) {
    for (std::uint64_t i : {std::uint64_t{0}, std::uint64_t{12345}, fma_uniform_cases, fma_uniform_cases + 7}) {
      const auto a = fma_triple(*f, i), b = fma_triple(*f, i);
      CHECK(a.a == b.a);
      CHECK(a.b == b.b);
      CHECK(a.c == b.c);
      CHECK(a.a <= f->storage_mask());
      CHECK(a.b <= f->storage_mask());
      CHECK(a.c <= f->storage_mask());
    }
  }
  // Consecutive indices differ (the counter is the index).
  CHECK(fma_triple(binary16, 1).a != fma_triple(binary16, 2).a);
}

TEST_CASE("the first 2^30 indices are uniform, the rest cycle through four adversarial kinds", "[cuda][fma]") {
  CHECK(triple_kind(0) == TripleKind::uniform);
  CHECK(triple_kind(fma_uniform_cases - 1) == TripleKind::uniform);
  CHECK(triple_kind(fma_uniform_cases) == TripleKind::cancelling);  // 2^30 mod 4 == 0
  CHECK(triple_kind(fma_uniform_cases + 1) == TripleKind::spread);
  CHECK(triple_kind(fma_uniform_cases + 2) == TripleKind::tiny);
  CHECK(triple_kind(fma_uniform_cases + 3) == TripleKind::huge);
}

TEST_CASE("adversarial fma triples cancel, underflow and overflow as designed", "[cuda][fma]") {
  for (const Format* f : {&binary16, &bfloat16}) {
    int cancelled = 0, tiny_results = 0, overflows = 0, samples = 0;
    for (std::uint64_t k = 0; k < 4000; ++k) {
      const std::uint64_t i = fma_uniform_cases + k;
      const auto t = fma_triple(*f, i);
      const Result r = fma(*f, t.a, t.b, t.c, nvidia_env);
      const Unpacked u = unpack(*f, r.bits);
      const Unpacked c = unpack(*f, t.c);
      switch (triple_kind(i)) {
        case TripleKind::cancelling:
          CHECK(finite(*f, t.a));
          CHECK(finite(*f, t.b));
          // |a*b + c| far below |c| (or exactly zero) in most cases.
          if (u.kind == Kind::zero || (is_finite_nonzero(u.kind) && is_finite_nonzero(c.kind) && u.exp + 4 < c.exp)) {
            ++cancelled;
          }
          ++samples;
          break;
        case TripleKind::tiny:
          if (u.kind == Kind::zero || u.kind == Kind::subnormal || (r.flags & flag::underflow)) ++tiny_results;
          break;
        case TripleKind::huge:
          if (r.flags & flag::overflow) ++overflows;
          break;
        default: break;
      }
    }
    INFO(f->name << ": cancelled " << cancelled << " of " << samples << ", tiny " << tiny_results << ", overflow "
                 << overflows);
    CHECK(cancelled > samples / 2);
    CHECK(tiny_results > 100);
    CHECK(overflows > 100);
  }
}
