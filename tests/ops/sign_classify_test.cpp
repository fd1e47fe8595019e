// SPDX-License-Identifier: MIT
// neg, abs, copysign and classify against the oracle's own field extraction and decoding: every
// pattern of the formats up to 19 bits, seeded random patterns of binary32 and binary64.
#include <catch2/catch.hpp>

#include "cases.hpp"
#include "check.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/classify.hpp"
#include "mpsim/ops/sign.hpp"
#include "oracle.hpp"

using namespace mpsim;

namespace {

void check_pattern(testing::Mismatches& log, const Format& f, std::uint64_t a, std::uint64_t other) {
  const oracle::Class want = oracle::classify(f, a);
  const Class got = classify(f, a);
  const bool nan = want == oracle::Class::signaling_nan || want == oracle::Class::quiet_nan;
  const bool inf = want == oracle::Class::negative_infinity || want == oracle::Class::positive_infinity;
  const bool sub = want == oracle::Class::negative_subnormal || want == oracle::Class::positive_subnormal;
  const bool zero = want == oracle::Class::negative_zero || want == oracle::Class::positive_zero;
  const bool ok = static_cast<int>(got) == static_cast<int>(want) && is_nan(f, a) == nan &&
                  is_signaling(f, a) == (want == oracle::Class::signaling_nan) && is_finite(f, a) == (!nan && !inf) &&
                  is_subnormal(f, a) == sub && is_zero(f, a) == zero && neg(f, a) == oracle::neg(f, a) &&
                  abs(f, a) == oracle::abs(f, a) && copysign(f, a, other) == oracle::copysign(f, a, other);
  log.record(ok, [&] {
    return "sign/classify " + format_name(f) + testing::operands_text(f, {a, other}) + "\n  expected class " +
           std::string(class_name(static_cast<Class>(want))) + ", actual " + std::string(class_name(got)) + "\n  neg " +
           oracle::hex(neg(f, a), 64) + " vs " + oracle::hex(oracle::neg(f, a), 64) + ", abs " +
           oracle::hex(abs(f, a), 64) + " vs " + oracle::hex(oracle::abs(f, a), 64) + ", copysign " +
           oracle::hex(copysign(f, a, other), 64) + " vs " + oracle::hex(oracle::copysign(f, a, other), 64);
  });
}

}  // namespace

TEST_CASE("sign operations and classify agree with the oracle on every pattern up to 19 bits", "[ops][sign]") {
  for (const Format& f : cases::formats_under_test()) {
    if (f.storage_bits() > 19) continue;
    testing::Mismatches log;
    for (std::uint64_t a = 0; a <= f.storage_mask(); ++a) check_pattern(log, f, a, a * 0x9E3779B97F4A7C15 >> 7);
    INFO(format_name(f));
    log.report();
  }
}

TEST_CASE("sign operations and classify agree with the oracle on boundary and random patterns", "[ops][sign]") {
  for (const Format& f : cases::formats_under_test()) {
    testing::Mismatches log;
    cases::Operands src(f, 101);
    for (std::uint64_t a : cases::interesting_patterns(f)) check_pattern(log, f, a, src.uniform_bits());
    for (int i = 0; i < 100000; ++i) check_pattern(log, f, src.any(), src.uniform_bits());
    INFO(format_name(f));
    log.report();
  }
}

TEST_CASE("neg, abs and copysign only touch the sign bit, NaN payloads included", "[ops][sign]") {
  CHECK(neg(binary16, 0x7C01) == 0xFC01);  // a signaling NaN stays signaling
  CHECK(abs(binary16, 0xFE05) == 0x7E05);
  CHECK(copysign(binary32, 0x7FC00001, 0x80000000) == 0xFFC00001);
  CHECK(neg(fp8_e4m3, 0x7F) == 0xFF);
  CHECK(neg(binary16, 0x0000) == 0x8000);
}

TEST_CASE("classify reads E4M3's top binade as finite and nosub exponent 0 as zero", "[ops][classify]") {
  CHECK(classify(fp8_e4m3, 0x7E) == Class::positive_normal);  // 448
  CHECK(classify(fp8_e4m3, 0x78) == Class::positive_normal);  // 256: no inf at S.1111.000
  CHECK(classify(fp8_e4m3, 0xFF) == Class::quiet_nan);
  CHECK(classify(fp8_e4m3, 0x01) == Class::positive_subnormal);
  const Format nosub = *find_format("e4m4-sat-nosub");
  CHECK(classify(nosub, 0x001) == Class::positive_zero);
  CHECK(classify(nosub, 0x101) == Class::negative_zero);
  CHECK(classify(binary16, 0x7C01) == Class::signaling_nan);
  CHECK(classify(binary16, 0x7E00) == Class::quiet_nan);
  CHECK(classify(binary16, 0x8001) == Class::negative_subnormal);
}
