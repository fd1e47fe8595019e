// SPDX-License-Identifier: MIT
// Matrix products under a named AccumulationModel: every output element is bit-identical to
// dot() of its row of A and column of B with the element of C as the initial accumulator,
// whatever the thread count and instruction set (fast paths are twins of dot, tested per element).
// Safe to call from several threads at once: the worker pool runs one parallel region at a time
// (parallel_for.hpp), so concurrent calls wait for each other's regions rather than mix them.
#pragma once

#include <cstdint>
#include <string_view>

#include "mpsim/format/format.hpp"
#include "mpsim/instrument/counters.hpp"
#include "mpsim/tensor/accumulation_model.hpp"

namespace mpsim {

// Which kernels may run. `best` picks the widest available on this CPU; `portable` runs dot()
// per element (the specification itself); an ISA this CPU lacks throws std::invalid_argument.
enum class MatmulIsa : std::uint8_t { best, portable, avx2, avx512 };

struct MatmulOptions {
  int threads = 1;   // >= 1; the partition never changes a result bit (see matmul.cpp)
  bool count = true; // fill MatmulOutcome with one record per output element
  MatmulIsa isa = MatmulIsa::best;
};

// count = true: counts holds one record(flags, events) per output element, the flags and events
// of that element's dot() Result; flags is the OR of every element's flags. count = false: empty.
struct MatmulOutcome {
  EventCounts counts;
  std::uint8_t flags = 0;
};

// C (m x n) = C + A (m x k) * B (k x n) under `model`, row-major with leading dimensions
// lda >= k, ldb >= n, ldc >= n. A and B hold values of format `in` as float; C holds values of
// model.accumulator as float. Element (i, j) becomes
//   to_float(acc, dot(model, in, bits(A[i][0..k)), bits(B[0..k)[j]), bits_acc(C[i][j])).bits)
// where bits() converts a float to `in` and bits_acc to the accumulator (bit_cast for binary32).
// Throws std::invalid_argument for bad shapes, a format whose values are not all floats, or an
// input value not representable in its format (say which and where).
MatmulOutcome matmul(const AccumulationModel& model, const Format& in, int m, int n, int k, const float* a,
                     int lda, const float* b, int ldb, float* c, int ldc, const MatmulOptions& options = {});

// `batch` independent products: matrix t of A starts at a + t * stride_a, and so on.
MatmulOutcome batched_matmul(const AccumulationModel& model, const Format& in, int batch, int m, int n, int k,
                             const float* a, int lda, std::int64_t stride_a, const float* b, int ldb,
                             std::int64_t stride_b, float* c, int ldc, std::int64_t stride_c,
                             const MatmulOptions& options = {});

// The kernel that would serve (model, in) under `isa`: "fp32-sequential/avx512", ...,
// or "generic" (dot() per element). Counting keeps the fast path except for fp32-sequential
// with inputs of more than 12 bits and fp16-accumulate under before-rounding tininess.
std::string_view matmul_path(const AccumulationModel& model, const Format& in, MatmulIsa isa, bool count);

// Whether this CPU runs the kernels of `isa` (best and portable: always).
bool matmul_isa_available(MatmulIsa isa);

}  // namespace mpsim
