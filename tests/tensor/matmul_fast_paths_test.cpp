// SPDX-License-Identifier: MIT
// Every matmul fast path against dot() element by element: values (bits), per-element flags
// and events (as counts), on random and adversarial matrices, odd shapes, leading dimensions
// larger than the width, every instruction set this CPU has, and 1, 2, 3 and 7 threads.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/dot.hpp"
#include "mpsim/tensor/matmul.hpp"

namespace mpsim {
namespace {

struct Shape {
  int m, n, k, lda, ldb, ldc;
};

enum class Data { normal, wide, specials, cancelling, tiny_c };

struct Problem {
  Shape s;
  std::vector<float> a, b, c;
};

float in_format(const Format& f, float x) { return to_float(f, from_float(f, x).bits); }

// A value of f drawn for data set d.
float draw(const Format& f, Data d, std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const float sign = unit(rng) < 0.5f ? -1.0f : 1.0f;
  switch (d) {
    case Data::normal:
    case Data::cancelling: return in_format(f, normal(rng));
    case Data::wide:
    case Data::tiny_c: {
      // log2 |x| uniform over the format's range and a little beyond (under/overflow).
      const float lo = static_cast<float>(f.emin() - f.fraction_bits - 2), hi = static_cast<float>(f.emax() + 1);
      return in_format(f, sign * std::exp2(lo + (hi - lo) * unit(rng)) * (1.0f + unit(rng)));
    }
    case Data::specials: {
      const float u = unit(rng);
      if (u < 0.04f) return sign * INFINITY;
      if (u < 0.07f) return std::bit_cast<float>(0x7FC00000u | (sign < 0 ? 0x80000000u : 0u) | (static_cast<unsigned>(rng()) & 0xFFu));
      if (u < 0.25f) return sign * 0.0f;
      if (u < 0.40f) return to_float(f, (sign < 0 ? f.sign_mask() : 0) | (1 + rng() % f.fraction_mask()));  // subnormal
      if (u < 0.50f) return to_float(f, largest_finite(f, sign < 0));
      return in_format(f, normal(rng));
    }
  }
  return 0.0f;
}

Problem make(const Format& in, const Format& acc, Shape s, Data d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Problem p{s, std::vector<float>(static_cast<std::size_t>(s.m) * s.lda, 7.0f),
            std::vector<float>(static_cast<std::size_t>(s.k) * s.ldb, 7.0f),
            std::vector<float>(static_cast<std::size_t>(s.m) * s.ldc, 7.0f)};  // padding stays 7
  for (int i = 0; i < s.m; ++i) {
    for (int kk = 0; kk < s.k; ++kk) p.a[i * s.lda + kk] = draw(in, d, rng);
  }
  for (int kk = 0; kk < s.k; ++kk) {
    for (int j = 0; j < s.n; ++j) p.b[kk * s.ldb + j] = draw(in, d, rng);
  }
  if (d == Data::cancelling) {
    // a[2t+1] = a[2t], b[2t+1] = -b[2t]: the products cancel in pairs; exact zeros keep their sign rules.
    for (int i = 0; i < s.m; ++i) {
      for (int kk = 1; kk < s.k; kk += 2) p.a[i * s.lda + kk] = p.a[i * s.lda + kk - 1];
    }
    for (int kk = 1; kk < s.k; kk += 2) {
      for (int j = 0; j < s.n; ++j) p.b[kk * s.ldb + j] = -p.b[(kk - 1) * s.ldb + j];
    }
  }
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  for (int i = 0; i < s.m; ++i) {
    for (int j = 0; j < s.n; ++j) {
      float& c = p.c[i * s.ldc + j];
      const float u = unit(rng);
      if (d == Data::tiny_c) {
        c = to_float(acc, (u < 0.5f ? acc.sign_mask() : 0) | (1 + rng() % acc.fraction_mask()));  // subnormal c
      } else if (d == Data::cancelling) {
        c = u < 0.3f ? 0.0f : u < 0.6f ? -0.0f : in_format(acc, unit(rng) - 0.5f);
      } else {
        c = draw(acc, d == Data::specials ? Data::specials : Data::normal, rng);
      }
    }
  }
  return p;
}

std::uint64_t bits_of(const Format& f, float x) {
  return f == binary32 ? std::bit_cast<std::uint32_t>(x) : from_float(f, x).bits;
}

// dot() per element, written independently of matmul.cpp.
MatmulOutcome reference(const AccumulationModel& model, const Format& in, Problem& p) {
  MatmulOutcome out;
  const Shape& s = p.s;
  const Format& acc = *model.accumulator;
  std::vector<std::uint64_t> a(s.k), b(s.k);
  for (int i = 0; i < s.m; ++i) {
    for (int j = 0; j < s.n; ++j) {
      for (int kk = 0; kk < s.k; ++kk) a[kk] = bits_of(in, p.a[i * s.lda + kk]), b[kk] = bits_of(in, p.b[kk * s.ldb + j]);
      float& c = p.c[i * s.ldc + j];
      const Result r = dot(model, in, a, b, bits_of(acc, c));
      c = acc == binary32 ? std::bit_cast<float>(static_cast<std::uint32_t>(r.bits)) : to_float(acc, r.bits);
      out.counts.record(r);
      out.flags |= r.flags;
    }
  }
  return out;
}

std::vector<std::uint32_t> bits(const std::vector<float>& x) {
  std::vector<std::uint32_t> u(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) u[i] = std::bit_cast<std::uint32_t>(x[i]);
  return u;
}

std::vector<MatmulIsa> available_isas() {
  std::vector<MatmulIsa> isas{MatmulIsa::portable};
  for (MatmulIsa isa : {MatmulIsa::avx2, MatmulIsa::avx512}) {
    if (matmul_isa_available(isa)) isas.push_back(isa);
  }
  return isas;
}

const char* isa_name(MatmulIsa isa) {
  return isa == MatmulIsa::avx512 ? "avx512" : isa == MatmulIsa::avx2 ? "avx2" : "portable";
}

// Runs every ISA, thread count and counting mode on p and compares with dot().
void check_against_dot(const AccumulationModel& model, const Format& in, const Problem& p0) {
  Problem expected = p0;
  const MatmulOutcome want = reference(model, in, expected);
  const std::vector<std::uint32_t> want_bits = bits(expected.c);
  const Shape& s = p0.s;
  for (MatmulIsa isa : available_isas()) {
    for (int threads : {1, 2, 3, 7}) {
      for (bool count : {true, false}) {
        Problem got = p0;
        const MatmulOutcome o = matmul(model, in, s.m, s.n, s.k, got.a.data(), s.lda, got.b.data(), s.ldb,
                                       got.c.data(), s.ldc, {.threads = threads, .count = count, .isa = isa});
        INFO(model.name << " in " << in.name << " " << s.m << "x" << s.n << "x" << s.k << " isa " << isa_name(isa)
                        << " (" << matmul_path(model, in, isa, count) << ") threads " << threads << " count "
                        << count);
        const std::vector<std::uint32_t> got_bits = bits(got.c);
        std::size_t mismatches = 0, first = 0;
        for (std::size_t e = 0; e < got_bits.size(); ++e) {
          if (got_bits[e] != want_bits[e] && mismatches++ == 0) first = e;
        }
        INFO("first mismatch at " << first << ": got " << std::hex << got_bits[first] << " want " << want_bits[first]);
        CHECK(mismatches == 0);
        if (count) {
          CHECK(o.counts == want.counts);
          CHECK(o.flags == want.flags);
        } else {
          CHECK(o.counts == EventCounts{});
        }
      }
    }
  }
}

const Shape shapes[] = {
    {1, 1, 1, 1, 1, 1},
    {17, 33, 65, 65, 33, 33},
    {13, 70, 37, 40, 75, 71},  // leading dimensions larger than the widths; k not a multiple of 16
    {3, 5, 0, 1, 5, 5},        // k = 0: C unchanged
};

const char* fast_models[] = {"fp32-sequential", "fp16-accumulate", "sm90", "sm90-fp16"};

}  // namespace

TEST_CASE("matmul fast paths equal dot() on random normal data", "[tensor][matmul]") {
  for (const char* name : fast_models) {
    for (const Format* in : {&binary16, &bfloat16}) {
      const AccumulationModel model = accumulation_preset(name);
      for (const Shape& s : shapes) check_against_dot(model, *in, make(*in, *model.accumulator, s, Data::normal, 11));
    }
  }
}

TEST_CASE("matmul fast paths equal dot() on wide exponents, specials, cancellation and tiny c", "[tensor][matmul]") {
  for (const char* name : fast_models) {
    for (const Format* in : {&binary16, &bfloat16}) {
      const AccumulationModel model = accumulation_preset(name);
      for (Data d : {Data::wide, Data::specials, Data::cancelling, Data::tiny_c}) {
        check_against_dot(model, *in, make(*in, *model.accumulator, shapes[1], d, 12 + static_cast<int>(d)));
        check_against_dot(model, *in, make(*in, *model.accumulator, shapes[2], d, 22 + static_cast<int>(d)));
      }
    }
  }
}

TEST_CASE("matmul fast paths equal dot() when k spans several k blocks of the kernels", "[tensor][matmul]") {
  for (const char* name : fast_models) {
    const AccumulationModel model = accumulation_preset(name);
    for (Data d : {Data::normal, Data::specials, Data::tiny_c}) {
      check_against_dot(model, binary16, make(binary16, *model.accumulator, {9, 40, 600, 601, 45, 41}, d, 60));
    }
  }
}

// A problem whose A, B and C entries are random-sign values scale * (1 + u), u uniform in [0, 1),
// rounded to their formats (C entries zero with probability c_zero).
Problem scaled(const Format& in, const Format& acc, Shape s, float a_scale, float b_scale, float c_scale,
               float c_zero, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  auto value = [&](const Format& f, float scale) {
    return in_format(f, (unit(rng) < 0.5f ? -scale : scale) * (1.0f + unit(rng)));
  };
  Problem p = make(in, acc, s, Data::normal, seed);
  for (int i = 0; i < s.m; ++i) {
    for (int kk = 0; kk < s.k; ++kk) p.a[i * s.lda + kk] = value(in, a_scale);
  }
  for (int kk = 0; kk < s.k; ++kk) {
    for (int j = 0; j < s.n; ++j) p.b[kk * s.ldb + j] = value(in, b_scale);
  }
  for (int i = 0; i < s.m; ++i) {
    for (int j = 0; j < s.n; ++j) p.c[i * s.ldc + j] = unit(rng) < c_zero ? 0.0f : value(acc, c_scale);
  }
  return p;
}

TEST_CASE("matmul sm90 equals dot() on tiny block results and on terms far below a huge c", "[tensor][matmul]") {
  const Shape s{5, 20, 40, 40, 20, 20};
  const AccumulationModel sm90 = accumulation_preset("sm90"), sm90_fp16 = accumulation_preset("sm90-fp16");
  // bfloat16 products near 2^-134: block sums below 2^-126 (binary32 subnormal results, underflow).
  check_against_dot(sm90, bfloat16, scaled(bfloat16, binary32, s, 0x1p-70f, 0x1p-64f, 0x1p-130f, 0.5f, 1));
  // binary16 products near 2^-20 with binary16 output: block sums below 2^-14.
  check_against_dot(sm90_fp16, binary16, scaled(binary16, binary16, s, 0x1p-10f, 0x1p-10f, 0x1p-20f, 0.5f, 2));
  // c near 2^126: products of binary16 subnormals lie more than 150 binades below E, so their
  // scaled terms are binary32 subnormals or zero before truncation (inexact from truncation only).
  check_against_dot(sm90, binary16, scaled(binary16, binary32, s, 0x1p-20f, 0x1p-20f, 0x1p126f, 0.0f, 3));
  // bfloat16 products near 2^-100 under c near 2^126: scaled terms underflow to 0 in binary32.
  check_against_dot(sm90, bfloat16, scaled(bfloat16, binary32, s, 0x1p-50f, 0x1p-50f, 0x1p126f, 0.0f, 4));
}

TEST_CASE("matmul fp32-sequential with binary32 and tf32 inputs equals dot()", "[tensor][matmul]") {
  const AccumulationModel model = accumulation_preset("fp32-sequential");
  for (const Format* in : {&binary32, &tf32}) {
    for (Data d : {Data::normal, Data::wide, Data::specials}) {
      check_against_dot(model, *in, make(*in, binary32, shapes[2], d, 40 + static_cast<int>(d)));
    }
  }
}

TEST_CASE("matmul of generic models (chunked, kahan) equals dot()", "[tensor][matmul]") {
  for (const char* name : {"chunked", "kahan"}) {
    const AccumulationModel model = accumulation_preset(name);
    check_against_dot(model, binary16, make(binary16, binary16, {9, 10, 70, 70, 10, 10}, Data::normal, 5));
  }
}

TEST_CASE("batched_matmul is matmul on each matrix", "[tensor][matmul]") {
  const AccumulationModel model = accumulation_preset("fp32-sequential");
  const Shape s{5, 6, 7, 7, 6, 6};
  Problem p0 = make(binary16, binary32, s, Data::normal, 1), p1 = make(binary16, binary32, s, Data::normal, 2);
  std::vector<float> a = p0.a, b = p0.b, c = p0.c;
  a.insert(a.end(), p1.a.begin(), p1.a.end());
  b.insert(b.end(), p1.b.begin(), p1.b.end());
  c.insert(c.end(), p1.c.begin(), p1.c.end());
  const MatmulOutcome o = batched_matmul(model, binary16, 2, 5, 6, 7, a.data(), 7, 35, b.data(), 6, 42, c.data(), 6, 30);
  const MatmulOutcome w0 = reference(model, binary16, p0), w1 = reference(model, binary16, p1);
  std::vector<float> want = p0.c;
  want.insert(want.end(), p1.c.begin(), p1.c.end());
  CHECK(bits(c) == bits(want));
  EventCounts total = w0.counts;
  total += w1.counts;
  CHECK(o.counts == total);
}

TEST_CASE("matmul rejects bad shapes and values outside the input format", "[tensor][matmul]") {
  const AccumulationModel model = accumulation_preset("fp32-sequential");
  std::vector<float> a{1.0f, 2.0f}, b{1.0f, 2.0f}, c{0.0f};
  CHECK_THROWS_WITH(matmul(model, binary16, 1, 1, 2, a.data(), 1, b.data(), 1, c.data(), 1),
                    Catch::Contains("leading dimensions"));
  a[1] = 1.0f + 0x1p-20f;  // not a binary16 value
  CHECK_THROWS_WITH(matmul(model, binary16, 1, 1, 2, a.data(), 2, b.data(), 1, c.data(), 1),
                    Catch::Contains("A[0][1]"));
  CHECK_THROWS_WITH(matmul(model, binary64, 1, 1, 2, a.data(), 2, b.data(), 1, c.data(), 1),
                    Catch::Contains("not floats"));
  CHECK_THROWS(matmul(model, binary16, 1, 1, 1, a.data(), 1, b.data(), 1, c.data(), 1, {.threads = 0}));
}

}  // namespace mpsim

#include "mpsim/tensor/kernels/scan.hpp"

namespace mpsim {

TEST_CASE("the AVX-512 matrix scan equals the portable scan on random bit patterns", "[tensor][matmul]") {
  if (!matmul_isa_available(MatmulIsa::avx512)) return;
  std::mt19937_64 rng(99);
  const int rows = 37, cols = 45, ld = 50;
  for (const Format* f : {&binary16, &bfloat16, &binary32, &tf32, &fp8_e4m3, &fp8_e5m2}) {
    const kernels::FloatLimits limits{.precision = f->precision(), .emin = f->emin(), .emax = f->emax(),
                                      .max_significand = static_cast<std::uint32_t>(f->max_significand()),
                                      .subnormals = f->subnormals, .infinities = f->infinities, .nan = f->has_nan()};
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<float> x(static_cast<std::size_t>(rows) * ld);
      for (float& v : x) {
        // Mostly values of f (random patterns of f), some raw binary32 patterns.
        v = rng() % 8 ? to_float(*f, rng() & f->storage_mask()) : std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
      }
      if (trial % 2) {  // a clean matrix: the first bad row is -1
        for (float& v : x) v = std::isnan(v) && !f->has_nan() ? 0.0f : v;
        for (float& v : x) v = kernels::scan_portable(limits, &v, 1, 1, 1, {}) >= 0 ? 1.0f : v;
      }
      std::vector<std::int32_t> p[4], q[4];
      for (auto* s : {p, q}) for (int t = 0; t < 4; ++t) s[t].assign(t < 2 ? rows : cols, 0);
      const std::int64_t want = kernels::scan_portable(limits, x.data(), rows, cols, ld,
                                                       {p[0].data(), p[1].data(), p[2].data(), p[3].data()});
      const std::int64_t got = kernels::scan_avx512(limits, x.data(), rows, cols, ld,
                                                    {q[0].data(), q[1].data(), q[2].data(), q[3].data()});
      INFO(f->name << " trial " << trial);
      CHECK(got == want);
      for (int t = 0; t < 4; ++t) CHECK(p[t] == q[t]);
      // Without bounds (binary16 and bfloat16 take a shorter test).
      CHECK(kernels::scan_avx512(limits, x.data(), rows, cols, ld, {}) == want);
    }
    // Boundary patterns, alone among ones, in a masked tail lane (column 16 of 17).
    for (std::uint32_t pattern : {0x3F808000u /* 1 + 2^-8 */, 0x3F800001u, 0x3F804000u, 0x33800000u /* 2^-24 */,
                                  0x33000000u /* 2^-25 */, 0x477FE000u /* 65504 */, 0x477FF000u /* 65520 */,
                                  0x7F800000u /* inf */, 0xFF800000u, 0x7FC00001u /* NaN */, 0x00000001u,
                                  0x80000000u /* -0 */, 0x43E00000u /* 448 */, 0x43F00000u /* 480 */,
                                  0x00400000u /* binary32 subnormal */, 0x7F7FFFFFu}) {
      std::vector<float> x(17, 1.0f);
      x[16] = std::bit_cast<float>(pattern);
      std::int32_t lo_p = 0, hi_p = 0, lo_q = 0, hi_q = 0;
      const std::int64_t want = kernels::scan_portable(limits, x.data(), 1, 17, 17, {&lo_p, &hi_p});
      INFO(f->name << " pattern " << std::hex << pattern);
      CHECK(kernels::scan_avx512(limits, x.data(), 1, 17, 17, {&lo_q, &hi_q}) == want);
      CHECK(kernels::scan_avx512(limits, x.data(), 1, 17, 17, {}) == want);
      CHECK(lo_p == lo_q);
      CHECK(hi_p == hi_q);
    }
  }
}

}  // namespace mpsim
