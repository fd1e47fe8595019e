// SPDX-License-Identifier: MIT
// The containers and shapes of round_array: lengths that are not multiples of the vector
// width, float64 input, stochastic draws that continue across calls, unpack_array, and the
// errors for bad arguments.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "check.hpp"

using namespace array_test;

TEST_CASE("round_array handles every length and stochastic start offset", "[array][round_array]") {
  const std::vector<float> all = random_inputs(binary16, 300, 11);
  for (std::size_t n : {0, 1, 3, 15, 17, 63, 64, 65, 67, 127, 129, 200, 300}) {
    const std::span<const float> in(all.data(), n);
    for (Isa isa : available_isas()) {
      check_against_core(bfloat16, Env{}, in, isa);
      for (std::uint64_t first : {0, 1, 2, 3, 5, 1000003}) {
        check_against_core(binary16, Env{.rounding = Rounding::stochastic}, in, isa,
                           {.seed = 1, .stream = 2, .first_index = first});
      }
    }
  }
}

TEST_CASE("round_array streams large float outputs past the cache at any alignment", "[array][round_array]") {
  // 2^21 elements and more take non-temporal stores from the first 64-byte boundary on.
  const std::vector<float> all = random_inputs(binary16, (std::size_t{1} << 21) + 100, 14);
  for (std::size_t offset : {1, 6}) {
    const std::span<const float> in(all.data() + offset, (std::size_t{1} << 21) + 37);
    for (Isa isa : available_isas()) {
      if (isa == Isa::portable) continue;
      check_against_core(binary16, Env{}, in, isa);
      check_against_core(fp8_e5m2, Env{.rounding = Rounding::stochastic}, in, isa, {.seed = 2, .first_index = offset});
    }
  }
}

TEST_CASE("stochastic rounding gives the same bits whether an array is rounded in one call or two",
          "[array][round_array][stochastic]") {
  const std::vector<float> in = random_inputs(fp8_e4m3, 1000, 12);
  const Env env{.rounding = Rounding::stochastic};
  for (Isa isa : available_isas()) {
    std::vector<float> whole(in.size());
    round_array(fp8_e4m3, env, in, whole, {.seed = 8, .stream = 1, .first_index = 40}, true, isa);
    for (std::size_t split : {1, 37, 64, 500, 999}) {
      std::vector<float> parts(in.size());
      const std::span<const float> src(in);
      const std::span<float> dst(parts);
      round_array(fp8_e4m3, env, src.first(split), dst.first(split), {.seed = 8, .stream = 1, .first_index = 40},
                  true, isa);
      round_array(fp8_e4m3, env, src.subspan(split), dst.subspan(split),
                  {.seed = 8, .stream = 1, .first_index = 40 + split}, true, isa);
      INFO("isa " << isa_name(isa) << ", split at " << split);
      CHECK(std::memcmp(whole.data(), parts.data(), whole.size() * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("stochastic draws differ between seeds and streams", "[array][round_array][stochastic]") {
  const std::vector<float> in(4096, 1.0f + 0x1p-12f);  // a quarter ulp above 1 in binary16
  const Env env{.rounding = Rounding::stochastic};
  std::vector<float> a(in.size()), b(in.size()), c(in.size());
  round_array(binary16, env, in, a, {.seed = 1, .stream = 0});
  round_array(binary16, env, in, b, {.seed = 2, .stream = 0});
  round_array(binary16, env, in, c, {.seed = 1, .stream = 1});
  CHECK(a != b);
  CHECK(a != c);
  const auto ups = std::count(a.begin(), a.end(), 1.0f + 0x1p-10f);
  CHECK(ups > 900);  // expected 1024 of 4096
  CHECK(ups < 1150);
}

TEST_CASE("round_array of float64 matches the core for every format", "[array][round_array]") {
  std::vector<double> in;
  for (float x : random_inputs(binary16, 3000, 13)) in.push_back(x);
  for (int k = 0; k < 3000; ++k) in.push_back(std::ldexp(1.0 + k * 0x1p-40, (k % 300) - 150));
  in.push_back(0x1p-1074);
  in.push_back(-0x1.fffffffffffffp1023);
  const Env ftz{.flush_to_zero = true, .denormals_are_zero = true};
  for (const Format* f : {&binary16, &bfloat16, &fp8_e4m3, &fp8_e5m2, &binary32, &binary64, &tf32}) {
    for (Rounding r : all_roundings) {
      for (Env env : {Env{}, ftz}) {
        env.rounding = r;
        std::vector<double> out(in.size());
        const StochasticDraws draws{.seed = 4, .first_index = 7};
        const ArrayOutcome got = round_array(*f, env, in, out, draws);
        EventCounts want;
        bool same = true;
        for (std::size_t i = 0; i < in.size(); ++i) {
          const Result res = from_double(*f, in[i], env, stochastic_bits_for(4, 0, 7 + i));
          want.record(res);
          same = same && std::bit_cast<std::uint64_t>(out[i]) == std::bit_cast<std::uint64_t>(to_double(*f, res.bits));
        }
        INFO(f->name << " " << describe(env));
        CHECK(same);
        CHECK(got.counts == want);
      }
    }
  }
}

TEST_CASE("unpack_array widens storage bits exactly", "[array][unpack_array]") {
  for (const Format* f : simd_formats) {
    if (f->storage_bits() == 16) {
      std::vector<std::uint16_t> in(65536 + 5);
      for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::uint16_t>(i);
      std::vector<float> out(in.size());
      unpack_array(*f, in, out);
      CHECK(first_difference<float>(std::vector<float>(in.size()), out, [&](std::size_t i) -> std::uint64_t {
              return std::bit_cast<std::uint32_t>(to_float(*f, in[i]));
            }) == "");
    } else {
      std::vector<std::uint8_t> in(256 * 3 + 5);
      for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::uint8_t>(i);
      std::vector<float> out(in.size());
      unpack_array(*f, in, out);
      CHECK(first_difference<float>(std::vector<float>(in.size()), out, [&](std::size_t i) -> std::uint64_t {
              return std::bit_cast<std::uint32_t>(to_float(*f, in[i]));
            }) == "");
    }
  }
}

TEST_CASE("round_array rejects mismatched sizes and containers that cannot hold the format",
          "[array][round_array][errors]") {
  std::vector<float> f3(3), f4(4);
  std::vector<double> d3(3);
  std::vector<std::uint16_t> h3(3);
  std::vector<std::uint8_t> b3(3);
  const Env env;
  CHECK_THROWS_WITH(round_array(binary16, env, f3, f4), Catch::Contains("3 elements but output has 4"));
  CHECK_THROWS_WITH(round_array(binary64, env, f3, f3), Catch::Contains("cannot be held in float"));
  CHECK_THROWS_WITH(round_array_packed(binary32, env, f3, std::span<std::uint16_t>(h3)),
                    Catch::Contains("cannot be held in uint16_t"));
  CHECK_THROWS_WITH(round_array_packed(binary16, env, f3, std::span<std::uint8_t>(b3)),
                    Catch::Contains("cannot be held in uint8_t"));
  CHECK_THROWS_WITH(unpack_array(binary16, std::span<const std::uint8_t>(b3), f3),
                    Catch::Contains("cannot be held in uint8_t"));
  CHECK_THROWS_AS(round_array(binary16, env, std::span<const double>(d3), std::span<double>(d3.data(), 2)),
                  std::invalid_argument);
  const Format too_wide{.name = "e12m60", .exponent_bits = 12, .fraction_bits = 60, .bias = 2047};
  CHECK_THROWS_WITH(round_array(too_wide, env, std::span<const double>(d3), std::span<double>(d3)),
                    Catch::Contains("cannot be emulated"));
}

TEST_CASE("available_isas lists portable first and best_isa last", "[array][isa]") {
  const std::vector<Isa> isas = available_isas();
  REQUIRE(!isas.empty());
  CHECK(isas.front() == Isa::portable);
  CHECK(isas.back() == best_isa());
  CHECK(isa_name(Isa::portable) == "portable");
  CHECK(isa_name(Isa::avx2) == "avx2");
  CHECK(isa_name(Isa::avx512) == "avx512");
}
