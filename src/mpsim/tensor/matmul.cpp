// SPDX-License-Identifier: MIT
// The matmul driver: checks arguments, picks a kernel, partitions the output across threads,
// and sends every element a kernel may not compute (SafeBounds, non-finite results) to dot().
//
// Threads: parallel_for's persistent worker pool (parallel_for.hpp); concurrent matmul calls
// from several threads are serialised region by region, never mixed.
//
// Partition: the columns are cut into panels of 32 and thread t gets panels
// [P * t / T, P * (t + 1) / T) (parallel_for.hpp); when there are fewer panels than threads,
// rows are cut the same way instead. Every element's arithmetic is a function of its row, its
// column and its initial value only, so any partition and thread count give the same bits.
#include "mpsim/tensor/matmul.hpp"

#include <algorithm>
#include <bit>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/dot.hpp"
#include "mpsim/tensor/kernels/gemm_tile.hpp"
#include "mpsim/tensor/kernels/scan.hpp"
#include "mpsim/tensor/parallel_for.hpp"

namespace mpsim {
namespace {

using kernels::big_exponent;

enum class Kernel : std::uint8_t { generic, fp32_sequential, fp16_accumulate, sm90 };

bool cpu_has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
bool cpu_has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
}
bool cpu_has_avx512fp16() { return cpu_has_avx512() && __builtin_cpu_supports("avx512fp16"); }

MatmulIsa resolve(MatmulIsa isa) {
  if (isa == MatmulIsa::best) return cpu_has_avx512() ? MatmulIsa::avx512 : cpu_has_avx2() ? MatmulIsa::avx2 : MatmulIsa::portable;
  if (!matmul_isa_available(isa)) throw std::invalid_argument("matmul: this CPU lacks the requested instruction set");
  return isa;
}

bool plain_env(const Env& env) { return !env.flush_to_zero && !env.denormals_are_zero; }

// The kernel for (model, in) under a resolved ISA; generic when none is a twin of the model.
Kernel choose(const AccumulationModel& m, const Format& in, MatmulIsa isa, bool count) {
  if (isa == MatmulIsa::portable || !m.accumulator || !plain_env(m.env)) return Kernel::generic;
  const bool exact_fused = !m.product && m.fused && !m.kahan && m.order == SumOrder::sequential;
  if (m.tensor_core) {
    const TensorCoreBlock& tc = *m.tensor_core;
    const bool fp32_out = *m.accumulator == binary32 && tc.rounding == Rounding::toward_zero;
    const bool fp16_out = *m.accumulator == binary16 && tc.rounding == Rounding::nearest_even;
    const bool fits = tc.terms == 16 && tc.fraction_bits == 25 && tc.exponent_floor >= -140 && (fp32_out || fp16_out);
    if (exact_fused && fits && isa == MatmulIsa::avx512 && (in == binary16 || in == bfloat16)) {
      return Kernel::sm90;
    }
    return Kernel::generic;
  }
  if (!exact_fused || m.env.rounding != Rounding::nearest_even) return Kernel::generic;
  if (*m.accumulator == binary32) {
    // Counting needs exact products in binary32 for the Fast2Sum test: p <= 12.
    if (count && in.precision() > 12) return Kernel::generic;
    return Kernel::fp32_sequential;
  }
  // Counting reads tininess after rounding off the rounded result (the presets' rule).
  const bool tininess_ok = !count || m.env.tininess == Tininess::after_rounding;
  if (*m.accumulator == binary16 && in == binary16 && tininess_ok && isa == MatmulIsa::avx512 && cpu_has_avx512fp16()) {
    return Kernel::fp16_accumulate;
  }
  return Kernel::generic;
}

std::string_view describe(Kernel k, MatmulIsa isa) {
  switch (k) {
    case Kernel::fp32_sequential: return isa == MatmulIsa::avx512 ? "fp32-sequential/avx512" : "fp32-sequential/avx2";
    case Kernel::fp16_accumulate: return "fp16-accumulate/avx512fp16";
    case Kernel::sm90: return "sm90/avx512";
    case Kernel::generic: break;
  }
  return "generic";
}

// Whether every value of f is a float (and so A, B, C can hold them).
kernels::FloatLimits float_limits(const Format& f, const char* what) {
  const int p = f.precision();
  if (p > 24 || f.emax() > 127 || f.emin() < -126) {
    throw std::invalid_argument(std::string("matmul: the ") + what + " format " + format_name(f) +
                                " has values that are not floats");
  }
  return {.precision = p,
          .emin = f.emin(),
          .emax = f.emax(),
          .max_significand = static_cast<std::uint32_t>(f.max_significand()),
          .subnormals = f.subnormals,
          .infinities = f.infinities,
          .nan = f.has_nan()};
}

std::int64_t scan(const kernels::FloatLimits& f, const float* x, int rows, int cols, std::int64_t ld,
                  const kernels::ScanOutput& out) {
  return cpu_has_avx512() ? kernels::scan_avx512(f, x, rows, cols, ld, out)
                          : kernels::scan_portable(f, x, rows, cols, ld, out);
}

// Throws naming the first value of a (rows x cols, leading dimension ld) not in format f.
// `first_row` is the index of x's first row in the whole matrix (for the message).
void require_representable(const kernels::FloatLimits& limits, const Format& f, const char* name, const float* x,
                           int rows, int cols, std::int64_t ld, const kernels::ScanOutput& out, int first_row) {
  const std::int64_t row = scan(limits, x, rows, cols, ld, out);
  if (row < 0) return;
  for (int col = 0; col < cols; ++col) {
    if (kernels::scan_portable(limits, x + row * ld + col, 1, 1, 1, {}) >= 0) {
      throw std::invalid_argument("matmul: " + std::string(name) + "[" + std::to_string(row + first_row) + "][" +
                                  std::to_string(col) + "] = " + std::to_string(x[row * ld + col]) +
                                  " is not a value of " + format_name(f));
    }
  }
}

// A float holding a value of f as f's bits (bit_cast for binary32: NaN payloads kept).
std::uint64_t bits_of(const Format& f, float x) {
  if (f == binary32) return std::bit_cast<std::uint32_t>(x);
  return from_float(f, x).bits;
}
float float_of(const Format& f, std::uint64_t bits) {
  if (f == binary32) return std::bit_cast<float>(static_cast<std::uint32_t>(bits));
  return to_float(f, bits);
}

struct Problem {
  const AccumulationModel& model;
  const Format& in;
  kernels::GemmView g;
};

// dot() for element (i, j) from the current C value; returns its Result and stores the value.
Result element_by_dot(const Problem& p, int i, int j, std::vector<std::uint64_t>& a_bits,
                      std::vector<std::uint64_t>& b_bits) {
  const kernels::GemmView& g = p.g;
  for (int kk = 0; kk < g.k; ++kk) {
    a_bits[kk] = bits_of(p.in, g.a[i * g.lda + kk]);
    b_bits[kk] = bits_of(p.in, g.b[kk * g.ldb + j]);
  }
  const Format& acc = *p.model.accumulator;
  float& c = g.c[i * g.ldc + j];
  const Result r = dot(p.model, p.in, a_bits, b_bits, bits_of(acc, c));
  c = float_of(acc, r.bits);
  return r;
}

// Every element by dot(), rows partitioned across threads.
MatmulOutcome run_generic(const Problem& p, const MatmulOptions& o) {
  const kernels::GemmView& g = p.g;
  std::vector<MatmulOutcome> parts(static_cast<std::size_t>(std::max(1, o.threads)));
  parallel_for(g.m, o.threads, [&](int t, std::int64_t begin, std::int64_t end) {
    std::vector<std::uint64_t> a_bits(g.k), b_bits(g.k);
    for (auto i = static_cast<int>(begin); i < end; ++i) {
      for (int j = 0; j < g.n; ++j) {
        const Result r = element_by_dot(p, i, j, a_bits, b_bits);
        if (o.count) parts[t].counts.record(r), parts[t].flags |= r.flags;
      }
    }
  });
  MatmulOutcome out;
  for (const MatmulOutcome& part : parts) out.counts += part.counts, out.flags |= part.flags;
  return out;
}

MatmulOutcome run_fast(const Problem& p, Kernel kernel, MatmulIsa isa, const kernels::SafeBounds& bounds,
                       const MatmulOptions& o) {
  const kernels::GemmView& g = p.g;
  const int threads = std::max(1, o.threads);
  // The counting kernels' m x n inexact map: per calling thread, reused across calls (assign
  // keeps the capacity: no fresh pages after the first call of a given size). A plain reference,
  // so that the lambdas below, which run on worker threads, see the caller's map.
  thread_local std::vector<std::uint8_t> inexact_map;
  std::vector<std::uint8_t>& inexact = inexact_map;
  if (o.count) inexact.assign(static_cast<std::size_t>(g.m) * g.n, 0);
  std::vector<kernels::TileSink> sinks(threads);
  kernels::TensorCoreParams tc;
  if (kernel == Kernel::sm90) {
    tc = {.in_emin = p.in.emin(),
          .acc_emin = p.model.accumulator->emin(),
          .exponent_floor = p.model.tensor_core->exponent_floor,
          .fp16_output = *p.model.accumulator == binary16};
  }
  // One call of the kernel on rows [r0, r1) and columns [c0, c1).
  auto call = [&](int t, int r0, int r1, int c0, int c1) {
    kernels::GemmView v = g;
    v.a += r0 * g.lda, v.c += r0 * g.ldc, v.m = r1 - r0;
    kernels::SafeBounds s = bounds;
    s.row_lo += r0, s.row_hi += r0;
    kernels::TileSink& sink = sinks[t];
    sink.inexact = o.count ? inexact.data() + std::int64_t{r0} * g.n : nullptr;
    const std::size_t first = sink.bad.size();
    switch (kernel) {
      case Kernel::fp32_sequential:
        if (isa == MatmulIsa::avx512) kernels::fp32_sequential_avx512(v, c0, c1, s, sink);
        else kernels::fp32_sequential_avx2(v, c0, c1, s, sink);
        break;
      case Kernel::fp16_accumulate: kernels::fp16_accumulate_avx512fp16(v, c0, c1, s, sink); break;
      case Kernel::sm90: kernels::sm90_avx512(v, c0, c1, s, tc, sink); break;
      case Kernel::generic: break;
    }
    for (std::size_t e = first; e < sink.bad.size(); ++e) sink.bad[e] += std::int64_t{r0} * g.n;
  };
  constexpr int panel = 32;
  const int panels = (g.n + panel - 1) / panel;
  if (panels >= threads || g.m < threads) {
    parallel_for(panels, threads, [&](int t, std::int64_t begin, std::int64_t end) {
      call(t, 0, g.m, static_cast<int>(begin) * panel, static_cast<int>(std::min<std::int64_t>(end * panel, g.n)));
    });
  } else {
    parallel_for(g.m, threads, [&](int t, std::int64_t begin, std::int64_t end) {
      call(t, static_cast<int>(begin), static_cast<int>(end), 0, g.n);
    });
  }
  // Elements the kernels left alone: dot(), spread over the threads.
  std::vector<std::int64_t> bad;
  for (const kernels::TileSink& s : sinks) bad.insert(bad.end(), s.bad.begin(), s.bad.end());
  std::sort(bad.begin(), bad.end());
  std::vector<MatmulOutcome> parts(threads);
  parallel_for(static_cast<std::int64_t>(bad.size()), threads, [&](int t, std::int64_t begin, std::int64_t end) {
    std::vector<std::uint64_t> a_bits(g.k), b_bits(g.k);
    for (std::int64_t e = begin; e < end; ++e) {
      const Result r = element_by_dot(p, static_cast<int>(bad[e] / g.n), static_cast<int>(bad[e] % g.n), a_bits, b_bits);
      if (o.count) parts[t].counts.record(r), parts[t].flags |= r.flags;
    }
  });
  MatmulOutcome out;
  if (!o.count) return out;
  for (const MatmulOutcome& part : parts) out.counts += part.counts, out.flags |= part.flags;
  // The kernel's elements: only inexact can be raised (SafeBounds), no events.
  std::uint64_t inexact_count = 0;
  const std::size_t cells = static_cast<std::size_t>(g.m) * g.n;
  for (std::size_t e = 0; e < cells; ++e) inexact_count += inexact[e];  // 0 for elements left to dot()
  out.counts.operations += std::uint64_t(g.m) * std::uint64_t(g.n) - bad.size();
  out.counts.inexact += inexact_count;
  if (inexact_count > 0) out.flags |= flag::inexact;
  return out;
}

// Checks that A and B hold values of `in` and C values of the accumulator (binary32 needs no
// check) and, when `bounds`, fills the SafeBounds arrays. Rows are split across threads; each
// thread keeps its own column bounds of B, merged afterwards (min / max: order-free).
void scan_inputs(const Problem& p, bool bounds, int threads, const kernels::FloatLimits& in_limits,
                 const kernels::FloatLimits& acc_limits, std::vector<std::int32_t>& row_lo,
                 std::vector<std::int32_t>& row_hi, std::vector<std::int32_t>& col_lo,
                 std::vector<std::int32_t>& col_hi) {
  const kernels::GemmView& g = p.g;
  const bool check_in = bounds || !(p.in == binary32);
  const bool check_c = !(*p.model.accumulator == binary32);
  std::vector<std::vector<std::int32_t>> part_lo(threads), part_hi(threads);
  const std::int64_t rows = std::max({g.m, g.k});
  parallel_for(rows, threads, [&](int t, std::int64_t begin, std::int64_t end) {
    auto range = [&](int count, int& r0, int& r1) {
      r0 = static_cast<int>(std::min<std::int64_t>(begin, count));
      r1 = static_cast<int>(std::min<std::int64_t>(end, count));
    };
    int r0, r1;
    range(g.m, r0, r1);
    if (check_in && r0 < r1) {
      const kernels::ScanOutput out = bounds ? kernels::ScanOutput{row_lo.data() + r0, row_hi.data() + r0} : kernels::ScanOutput{};
      require_representable(in_limits, p.in, "A", g.a + r0 * g.lda, r1 - r0, g.k, g.lda, out, r0);
    }
    if (check_c && r0 < r1) {
      require_representable(acc_limits, *p.model.accumulator, "C", g.c + r0 * g.ldc, r1 - r0, g.n, g.ldc, {}, r0);
    }
    range(g.k, r0, r1);
    if (check_in && r0 < r1) {
      kernels::ScanOutput out;
      if (bounds) {
        part_lo[t].resize(g.n), part_hi[t].resize(g.n);
        out = {nullptr, nullptr, part_lo[t].data(), part_hi[t].data()};
      }
      require_representable(in_limits, p.in, "B", g.b + r0 * g.ldb, r1 - r0, g.n, g.ldb, out, r0);
    }
  });
  if (!bounds) return;
  std::fill(col_lo.begin(), col_lo.end(), big_exponent);
  std::fill(col_hi.begin(), col_hi.end(), -big_exponent);
  for (int t = 0; t < threads; ++t) {
    if (part_lo[t].empty()) continue;
    for (int j = 0; j < g.n; ++j) {
      col_lo[j] = std::min(col_lo[j], part_lo[t][j]);
      col_hi[j] = std::max(col_hi[j], part_hi[t][j]);
    }
  }
}

void check_shape(int m, int n, int k, const float* a, int lda, const float* b, int ldb, const float* c, int ldc,
                 const MatmulOptions& o) {
  if (m < 0 || n < 0 || k < 0) throw std::invalid_argument("matmul: m, n and k must not be negative");
  if (lda < std::max(k, 1) || ldb < std::max(n, 1) || ldc < std::max(n, 1)) {
    throw std::invalid_argument("matmul: leading dimensions must satisfy lda >= k, ldb >= n, ldc >= n (and >= 1)");
  }
  if ((m > 0 && k > 0 && !a) || (k > 0 && n > 0 && !b) || (m > 0 && n > 0 && !c)) {
    throw std::invalid_argument("matmul: null matrix pointer");
  }
  if (o.threads < 1) throw std::invalid_argument("matmul: threads must be at least 1");
}

}  // namespace

bool matmul_isa_available(MatmulIsa isa) {
  switch (isa) {
    case MatmulIsa::best:
    case MatmulIsa::portable: return true;
    case MatmulIsa::avx2: return cpu_has_avx2();
    case MatmulIsa::avx512: return cpu_has_avx512();
  }
  return false;
}

std::string_view matmul_path(const AccumulationModel& model, const Format& in, MatmulIsa isa, bool count) {
  const MatmulIsa resolved = resolve(isa);
  return describe(choose(model, in, resolved, count), resolved);
}

MatmulOutcome matmul(const AccumulationModel& model, const Format& in, int m, int n, int k, const float* a,
                     int lda, const float* b, int ldb, float* c, int ldc, const MatmulOptions& options) {
  check_shape(m, n, k, a, lda, b, ldb, c, ldc, options);
  if (const std::string problem = validate(model); !problem.empty()) {
    throw std::invalid_argument("matmul: model '" + model.name + "': " + problem);
  }
  const kernels::FloatLimits in_limits = float_limits(in, "input");
  const kernels::FloatLimits acc_limits = float_limits(*model.accumulator, "accumulator");
  if (m == 0 || n == 0) return {};

  const MatmulIsa isa = resolve(options.isa);
  const Kernel kernel = k == 0 ? Kernel::generic : choose(model, in, isa, options.count);
  const Problem p{model, in, {m, n, k, a, lda, b, ldb, c, ldc}};

  std::vector<std::int32_t> row_lo(m), row_hi(m), col_lo(n), col_hi(n);
  scan_inputs(p, kernel != Kernel::generic, options.threads, in_limits, acc_limits, row_lo, row_hi, col_lo, col_hi);
  if (kernel == Kernel::generic) return run_generic(p, options);

  kernels::SafeBounds s{row_lo.data(), row_hi.data(), col_lo.data(), col_hi.data(), -4 * big_exponent,
                        4 * big_exponent, -4 * big_exponent};
  if (kernel == Kernel::fp32_sequential && options.count) {
    // Every partial sum a multiple of 2^-126 (products and c): never tiny, no events (docs).
    s.lo_min = -126, s.c_exp_min = -103;
  }
  if (kernel == Kernel::sm90) {
    // Products exact in binary32: last bit >= 2^-149, product < 2^(hi_a + hi_b + 2) <= 2^127.
    s.lo_min = -149, s.hi_max = 125;
  }
  return run_fast(p, kernel, isa, s, options);
}

MatmulOutcome batched_matmul(const AccumulationModel& model, const Format& in, int batch, int m, int n, int k,
                             const float* a, int lda, std::int64_t stride_a, const float* b, int ldb,
                             std::int64_t stride_b, float* c, int ldc, std::int64_t stride_c,
                             const MatmulOptions& options) {
  if (batch < 0) throw std::invalid_argument("batched_matmul: batch must not be negative");
  MatmulOutcome out;
  for (int t = 0; t < batch; ++t) {
    const MatmulOutcome one = matmul(model, in, m, n, k, a + t * stride_a, lda, b + t * stride_b, ldb,
                                     c + t * stride_c, ldc, options);
    out.counts += one.counts;
    out.flags |= one.flags;
  }
  return out;
}

}  // namespace mpsim
