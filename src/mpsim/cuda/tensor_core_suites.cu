// SPDX-License-Identifier: MIT
// Tensor cores against the sm90 accumulation model (FACTS.md 8, docs/accumulation.md): one warp
// per tile runs a chain of `mma.sync.aligned.m16n8k16.row.col` (16 x 8 tiles) or nvcuda::wmma
// 16x16x16 (16 x 16 tiles) steps over K = 16, 64 or 256 (D of one k-block is C of the next, in
// increasing k), then the lanes recompute every output element with tensor_core_step chained the
// same way from c, and the two are compared bit for bit on the card. Tiles: tensor_tiles.hpp.
// The model's block and Env come from the presets "sm90" and "sm90-fp16" on the host. The
// self-checks (run only when named) change one parameter of the model and must mismatch.
//
// Fragments of m16n8k16 (PTX ISA, "Matrix fragments for mma.m16n8k16"), g = lane / 4, t = lane % 4:
//   A (16 x 16, row): a0 = A[g][2t, 2t+1]  a1 = A[g+8][2t, 2t+1]  a2 = A[g][2t+8, 2t+9]  a3 = A[g+8][2t+8, 2t+9]
//   B (16 x 8, col):  b0 = B[2t, 2t+1][g]  b1 = B[2t+8, 2t+9][g]
//   C, D f32:         c0 c1 = C[g][2t, 2t+1]  c2 c3 = C[g+8][2t, 2t+1]
//   C, D f16x2:       c0 = C[g][2t, 2t+1]    c1 = C[g+8][2t, 2t+1]
// (each 32-bit register holds two 16-bit elements, the lower column or row in the low half).
#include <algorithm>
#include <cstdint>

#include <cuda_runtime.h>
#include <mma.h>

#include "mpsim/cuda/suites.hpp"
#include "mpsim/cuda/sweep.cuh"
#include "mpsim/cuda/tensor_tiles.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/accumulation_model.hpp"
#include "mpsim/tensor/tensor_core_block.hpp"

namespace mpsim::cuda {
namespace {

constexpr int max_k = 256;
constexpr std::uint64_t tiles_per_suite = std::uint64_t{1} << 16;
constexpr int max_n = 16;
constexpr int max_elements = tile_m * max_n;

// One warp's tile in shared memory: A row-major, B column-major (so a column is contiguous
// like a row of A), C and the hardware's D row-major as 32-bit words (fp16 in the low half);
// c16 and d16 hold fp16 C and D for wmma's half accumulator. 32-byte aligned for wmma's loads.
struct TileBuffers {
  alignas(32) std::uint16_t a[tile_m * max_k];
  alignas(32) std::uint16_t bt[max_n * max_k];
  alignas(32) std::uint32_t c[max_elements];
  alignas(32) std::uint32_t d[max_elements];
  alignas(32) std::uint16_t c16[max_elements];
  alignas(32) std::uint16_t d16[max_elements];
};

__device__ inline std::uint32_t pack2(std::uint32_t lo, std::uint32_t hi) { return lo | (hi << 16); }

// The four A registers and two B registers of k-block j for this lane.
struct Fragments {
  std::uint32_t a[4], b[2];
};
__device__ inline Fragments load_fragments(const TileBuffers& t, int k, int j, int lane) {
  const int g = lane / 4, c = 2 * (lane % 4), k0 = j * tile_block;
  auto A = [&](int row, int col) -> std::uint32_t { return t.a[row * k + k0 + col]; };
  auto B = [&](int row, int col) -> std::uint32_t { return t.bt[col * k + k0 + row]; };
  return {{pack2(A(g, c), A(g, c + 1)), pack2(A(g + 8, c), A(g + 8, c + 1)), pack2(A(g, c + 8), A(g, c + 9)),
           pack2(A(g + 8, c + 8), A(g + 8, c + 9))},
          {pack2(B(c, g), B(c + 1, g)), pack2(B(c + 8, g), B(c + 9, g))}};
}

// One mma.sync step D = A * B + C on the lane's elements of C (in) and D (out), by position
// (row, col) = (g, 2t), (g, 2t+1), (g+8, 2t), (g+8, 2t+1).
struct MmaF32F16 {
  __device__ static void step(const Fragments& f, std::uint32_t acc[4]) {
    float d[4] = {__uint_as_float(acc[0]), __uint_as_float(acc[1]), __uint_as_float(acc[2]), __uint_as_float(acc[3])};
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(f.a[0]), "r"(f.a[1]), "r"(f.a[2]), "r"(f.a[3]), "r"(f.b[0]), "r"(f.b[1]));
    for (int i = 0; i < 4; ++i) acc[i] = __float_as_uint(d[i]);
  }
};
struct MmaF32Bf16 {
  __device__ static void step(const Fragments& f, std::uint32_t acc[4]) {
    float d[4] = {__uint_as_float(acc[0]), __uint_as_float(acc[1]), __uint_as_float(acc[2]), __uint_as_float(acc[3])};
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(f.a[0]), "r"(f.a[1]), "r"(f.a[2]), "r"(f.a[3]), "r"(f.b[0]), "r"(f.b[1]));
    for (int i = 0; i < 4; ++i) acc[i] = __float_as_uint(d[i]);
  }
};
struct MmaF16F16 {
  __device__ static void step(const Fragments& f, std::uint32_t acc[4]) {
    std::uint32_t d[2] = {pack2(acc[0], acc[1]), pack2(acc[2], acc[3])};
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%0,%1}, {%2,%3,%4,%5}, {%6,%7}, {%0,%1};\n"
        : "+r"(d[0]), "+r"(d[1])
        : "r"(f.a[0]), "r"(f.a[1]), "r"(f.a[2]), "r"(f.a[3]), "r"(f.b[0]), "r"(f.b[1]));
    acc[0] = d[0] & 0xFFFF, acc[1] = d[0] >> 16, acc[2] = d[1] & 0xFFFF, acc[3] = d[1] >> 16;
  }
};

// The whole chain of mma.sync steps of a 16 x 8 tile: t.c in, t.d out.
template <class Mma>
struct MmaChain {
  static constexpr int n = 8;
  __device__ static void run(TileBuffers& t, int k, int lane) {
    const int g = lane / 4, c2 = 2 * (lane % 4);
    const int rows[4] = {g, g, g + 8, g + 8}, cols[4] = {c2, c2 + 1, c2, c2 + 1};
    std::uint32_t acc[4];
    for (int e = 0; e < 4; ++e) acc[e] = t.c[rows[e] * n + cols[e]];
    for (int j = 0; j < k / tile_block; ++j) Mma::step(load_fragments(t, k, j, lane), acc);
    for (int e = 0; e < 4; ++e) t.d[rows[e] * n + cols[e]] = acc[e];
  }
};

// The whole chain of wmma 16x16x16 steps of a 16 x 16 tile (In: __half or __nv_bfloat16;
// Acc: float or __half): load C, mma_sync per k-block with the accumulator fed back, store D.
template <class In, class Acc>
struct WmmaChain {
  static constexpr int n = 16;
  __device__ static void run(TileBuffers& t, int k, int lane) {
    using namespace nvcuda;
    constexpr bool half_acc = sizeof(Acc) == 2;
    if constexpr (half_acc) {
      for (int i = lane; i < tile_m * n; i += 32) t.c16[i] = static_cast<std::uint16_t>(t.c[i]);
      __syncwarp();
    }
    wmma::fragment<wmma::accumulator, 16, 16, 16, Acc> acc;
    if constexpr (half_acc) {
      wmma::load_matrix_sync(acc, reinterpret_cast<const __half*>(t.c16), n, wmma::mem_row_major);
    } else {
      wmma::load_matrix_sync(acc, reinterpret_cast<const float*>(t.c), n, wmma::mem_row_major);
    }
    for (int j = 0; j < k / tile_block; ++j) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, In, wmma::row_major> a;
      wmma::fragment<wmma::matrix_b, 16, 16, 16, In, wmma::col_major> b;
      wmma::load_matrix_sync(a, reinterpret_cast<const In*>(t.a + j * tile_block), k);
      wmma::load_matrix_sync(b, reinterpret_cast<const In*>(t.bt + j * tile_block), k);
      wmma::mma_sync(acc, a, b, acc);
    }
    if constexpr (half_acc) {
      wmma::store_matrix_sync(reinterpret_cast<__half*>(t.d16), acc, n, wmma::mem_row_major);
      __syncwarp();
      for (int i = lane; i < tile_m * n; i += 32) t.d[i] = t.d16[i];
    } else {
      wmma::store_matrix_sync(reinterpret_cast<float*>(t.d), acc, n, wmma::mem_row_major);
    }
  }
};

// The model's chain for element (row, col): acc = c; acc = step(acc, the next tc.terms products)
// in increasing k (tc.terms = 16 for the presets; a self-check may use fewer).
__device__ inline std::uint32_t model_chain(const TileBuffers& t, const TileSpec& s, const TensorCoreBlock& tc,
                                            const Env& env, int row, int col) {
  std::uint64_t acc = t.c[row * s.n + col];
  const int terms = tc.terms < tile_block ? tc.terms : tile_block;
  for (int k0 = 0; k0 < s.k; k0 += terms) {
    std::uint64_t a[tile_block], b[tile_block];
    for (int i = 0; i < terms; ++i) {
      a[i] = t.a[row * s.k + k0 + i];
      b[i] = t.bt[col * s.k + k0 + i];
    }
    acc = tensor_core_step(tc, s.in, s.acc, env, a, b, terms, acc).bits;
  }
  return static_cast<std::uint32_t>(acc);
}

// One warp per block; tiles [0, tiles) in a grid-stride loop. Case index = tile * 16 * N + row * N + col;
// a mismatch record holds (tile kind, row << 8 | col, initial c).
template <class Chain>
__global__ void __launch_bounds__(32) tile_kernel(TileSpec s, TensorCoreBlock tc, Env env, std::uint64_t tiles,
                                                  Tally* tally, int limit) {
  __shared__ TileBuffers t;
  const int lane = static_cast<int>(threadIdx.x);
  const int elements = tile_m * s.n;
  unsigned long long counts[mismatch_classes] = {0, 0, 0};
  for (std::uint64_t tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
    for (int i = lane; i < tile_m * s.k; i += 32) {
      t.a[i] = static_cast<std::uint16_t>(tile_input(s, tile, TileMatrix::a, i / s.k, i % s.k));
    }
    for (int i = lane; i < s.n * s.k; i += 32) {  // bt[col * k + row] = B[row][col]
      t.bt[i] = static_cast<std::uint16_t>(tile_input(s, tile, TileMatrix::b, i % s.k, i / s.k));
    }
    for (int i = lane; i < elements; i += 32) t.c[i] = tile_accumulator(s, tile, i / s.n, i % s.n);
    __syncwarp();
    Chain::run(t, s.k, lane);
    __syncwarp();

    for (int e = lane; e < elements; e += 32) {
      const int row = e / s.n, col = e % s.n;
      const std::uint32_t expected = model_chain(t, s, tc, env, row, col);
      const std::uint32_t actual = t.d[e];
      if (expected != actual) {
        const MismatchClass kind = classify_mismatch(s.acc, expected, actual);
        ++counts[static_cast<int>(kind) - 1];
        const Operands in{{static_cast<std::uint32_t>(tile_kind(tile)), static_cast<std::uint32_t>(row << 8 | col),
                           t.c[e]}};
        record_mismatch(tally, kind, tile * static_cast<std::uint64_t>(elements) + static_cast<std::uint64_t>(e), in,
                        expected, actual, limit);
      }
    }
    __syncwarp();
  }
  for (int c = 0; c < mismatch_classes; ++c) {
    if (counts[c]) atomicAdd(&tally->counts[c], counts[c]);
  }
}

// A change of one parameter of the model, for the self-checks (none for the real suites).
enum class Perturbation { none, nearest, bits24, bits26, floor_minus_8, terms8 };

TensorCoreBlock perturbed(TensorCoreBlock tc, Perturbation p) {
  switch (p) {
    case Perturbation::none: break;
    case Perturbation::nearest: tc.rounding = Rounding::nearest_even; break;
    case Perturbation::bits24: tc.fraction_bits = 24; break;
    case Perturbation::bits26: tc.fraction_bits = 26; break;
    case Perturbation::floor_minus_8: tc.exponent_floor -= 8; break;
    case Perturbation::terms8: tc.terms = 8; break;
  }
  return tc;
}

template <class Chain>
SuiteReport run_tiles(TileSpec s, const char* preset, Perturbation p, int max_mismatches) {
  const AccumulationModel model = accumulation_preset(preset);
  s.exponent_floor = model.tensor_core->exponent_floor;  // the near_floor tiles aim at the model's floor
  s.n = Chain::n;
  const TensorCoreBlock tc = perturbed(*model.tensor_core, p);
  return run_timed(tiles_per_suite * tile_m * Chain::n, max_mismatches, "tile launch", "tile kernel",
                   [&](Tally* tally, int limit, int sms) {
                     const auto blocks =
                         static_cast<unsigned>(std::min<std::uint64_t>(tiles_per_suite, std::uint64_t(sms) * 16));
                     tile_kernel<Chain><<<blocks, 32>>>(s, tc, model.env, tiles_per_suite, tally, limit);
                   });
}

template <class Chain, int K, bool Bf16, bool Fp16Out, Perturbation P = Perturbation::none>
SuiteReport run(int max_mismatches) {
  const TileSpec s{Bf16 ? bfloat16 : binary16, Fp16Out ? binary16 : binary32, K};
  return run_tiles<Chain>(s, Fp16Out ? "sm90-fp16" : "sm90", P, max_mismatches);
}

using F32F16 = MmaChain<MmaF32F16>;
using F32Bf16 = MmaChain<MmaF32Bf16>;
using F16F16 = MmaChain<MmaF16F16>;
using WF32F16 = WmmaChain<__half, float>;
using WF32Bf16 = WmmaChain<__nv_bfloat16, float>;
using WF16F16 = WmmaChain<__half, __half>;

}  // namespace

void add_tensor_core_suites(std::vector<Suite>& out) {
  const char* tiles = "2^16 tiles 16x8 (9 kinds, tensor_tiles.hpp); record: a = kind, b = row<<8|col, c = initial C";
  const char* wtiles = "2^16 tiles 16x16 (9 kinds, tensor_tiles.hpp); record: a = kind, b = row<<8|col, c = initial C";
  const char* f32 = "chain of tensor_core_step(sm90: 16 terms, 25 bits, floor -133, toward zero), nvidia_env";
  const char* f16 = "chain of tensor_core_step(sm90-fp16: 16 terms, 25 bits, floor -21, nearest even), nvidia_env";
  const char* mma_f32_f16 = "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32";
  const char* mma_f16_f16 = "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16";
  const char* mma_f32_bf16 = "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32";
  const char* wmma_f32_f16 = "wmma::mma_sync 16x16x16 half -> float";
  const char* wmma_f16_f16 = "wmma::mma_sync 16x16x16 half -> half";
  const char* wmma_f32_bf16 = "wmma::mma_sync 16x16x16 __nv_bfloat16 -> float";
  out.push_back({"mma.fp16.f32.k16", mma_f32_f16, f32, tiles, 3, 8, 8, run<F32F16, 16, false, false>});
  out.push_back({"mma.fp16.f32.k64", mma_f32_f16, f32, tiles, 3, 8, 8, run<F32F16, 64, false, false>});
  out.push_back({"mma.fp16.f32.k256", mma_f32_f16, f32, tiles, 3, 8, 8, run<F32F16, 256, false, false>});
  out.push_back({"mma.bf16.f32.k16", mma_f32_bf16, f32, tiles, 3, 8, 8, run<F32Bf16, 16, true, false>});
  out.push_back({"mma.bf16.f32.k64", mma_f32_bf16, f32, tiles, 3, 8, 8, run<F32Bf16, 64, true, false>});
  out.push_back({"mma.bf16.f32.k256", mma_f32_bf16, f32, tiles, 3, 8, 8, run<F32Bf16, 256, true, false>});
  out.push_back({"mma.fp16.f16.k16", mma_f16_f16, f16, tiles, 3, 8, 4, run<F16F16, 16, false, true>});
  out.push_back({"mma.fp16.f16.k64", mma_f16_f16, f16, tiles, 3, 8, 4, run<F16F16, 64, false, true>});
  out.push_back({"mma.fp16.f16.k256", mma_f16_f16, f16, tiles, 3, 8, 4, run<F16F16, 256, false, true>});
  out.push_back({"wmma.fp16.f32.k16", wmma_f32_f16, f32, wtiles, 3, 8, 8, run<WF32F16, 16, false, false>});
  out.push_back({"wmma.fp16.f32.k256", wmma_f32_f16, f32, wtiles, 3, 8, 8, run<WF32F16, 256, false, false>});
  out.push_back({"wmma.bf16.f32.k16", wmma_f32_bf16, f32, wtiles, 3, 8, 8, run<WF32Bf16, 16, true, false>});
  out.push_back({"wmma.bf16.f32.k256", wmma_f32_bf16, f32, wtiles, 3, 8, 8, run<WF32Bf16, 256, true, false>});
  out.push_back({"wmma.fp16.f16.k16", wmma_f16_f16, f16, wtiles, 3, 8, 4, run<WF16F16, 16, false, true>});
  out.push_back({"wmma.fp16.f16.k256", wmma_f16_f16, f16, wtiles, 3, 8, 4, run<WF16F16, 256, false, true>});

  // Self-checks: the model with one parameter changed must disagree with the hardware.
  auto self = [&](const char* name, const char* native, const char* model, SuiteReport (*fn)(int), int digits) {
    out.push_back({name, native, model, tiles, 3, 8, digits, fn, true});
  };
  self("selftest.mma.fp16.f32.k64.nearest", mma_f32_f16, "sm90 with rounding nearest_even (not toward_zero)",
       run<F32F16, 64, false, false, Perturbation::nearest>, 8);
  self("selftest.mma.fp16.f32.k64.bits24", mma_f32_f16, "sm90 with 24 alignment bits (not 25)",
       run<F32F16, 64, false, false, Perturbation::bits24>, 8);
  self("selftest.mma.fp16.f32.k64.bits26", mma_f32_f16, "sm90 with 26 alignment bits (not 25)",
       run<F32F16, 64, false, false, Perturbation::bits26>, 8);
  self("selftest.mma.fp16.f32.k16.terms8", mma_f32_f16, "sm90 with blocks of 8 products (not 16)",
       run<F32F16, 16, false, false, Perturbation::terms8>, 8);
  self("selftest.mma.bf16.f32.k16.floor", mma_f32_bf16, "sm90 with exponent floor -141 (not -133)",
       run<F32Bf16, 16, true, false, Perturbation::floor_minus_8>, 8);
  self("selftest.mma.fp16.f16.k16.floor", mma_f16_f16, "sm90-fp16 with exponent floor -29 (not -21)",
       run<F16F16, 16, false, true, Perturbation::floor_minus_8>, 4);
}

}  // namespace mpsim::cuda
