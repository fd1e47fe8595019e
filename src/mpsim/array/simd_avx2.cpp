// SPDX-License-Identifier: MIT
// The array kernels compiled for AVX2 (this file alone gets -mavx2 -mf16c -mfma; it is
// called only after isa.cpp found those features).
#include "mpsim/array/job.hpp"
#include "mpsim/array/lanes_avx2.hpp"
#include "mpsim/array/kernel.hpp"

namespace mpsim::array_detail {

Tally round_avx2(const Job& job) { return round_with<Avx2>(job); }

void unpack_avx2(Target from, Sink storage, const void* in, float* out, std::size_t n) {
  unpack_with<Avx2>(from, storage, in, out, n);
}

}  // namespace mpsim::array_detail
