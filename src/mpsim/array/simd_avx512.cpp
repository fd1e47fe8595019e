// SPDX-License-Identifier: MIT
// The array kernels compiled for AVX-512 (this file alone gets -mavx512f/bw/vl/dq; it is
// called only after isa.cpp found those features).
// GCC 12 warns that its own AVX-512 intrinsics read an uninitialised vector (the
// _mm512_undefined_epi32 idiom, GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "mpsim/array/job.hpp"
#include "mpsim/array/lanes_avx512.hpp"
#include "mpsim/array/kernel.hpp"

namespace mpsim::array_detail {

Tally round_avx512(const Job& job) { return round_with<Avx512>(job); }

void unpack_avx512(Target from, Sink storage, const void* in, float* out, std::size_t n) {
  unpack_with<Avx512>(from, storage, in, out, n);
}

}  // namespace mpsim::array_detail
