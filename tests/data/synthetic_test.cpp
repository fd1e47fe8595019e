// SPDX-License-Identifier: MIT
// Synthetic sets and their random numbers (src/mpsim/data/synthetic.hpp, counter_random.hpp,
// sin_cos.hpp): deterministic from the seed, different across seeds, and what they claim to be.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "mpsim/data/counter_random.hpp"
#include "mpsim/data/error.hpp"
#include "mpsim/data/sin_cos.hpp"
#include "mpsim/data/synthetic.hpp"

using namespace mpsim::data;

TEST_CASE("counter-based draws are pure functions of seed, stream and index", "[data][random]") {
  // Pinned values: a change of generator or bit layout changes the synthetic sets everywhere.
  // random_u64 = Philox4x32-10 words (1, 0) of counter (0,0,0,0), key (0,0); Salmon et al.'s
  // known-answer vector for that input is 6627e8d5 e169c58d bc57ac4c 9b00dbd8.
  CHECK(random_u64(0, 0, 0) == 0xe169c58d6627e8d5ull);
  CHECK(random_u64(1, 2, 3) == random_u64(1, 2, 3));
  CHECK(random_u64(1, 2, 3) != random_u64(2, 2, 3));
  CHECK(random_u64(1, 2, 3) != random_u64(1, 3, 3));
  CHECK(random_u64(1, 2, 3) != random_u64(1, 2, 4));
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const double u = random_uniform(7, 1, i);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    REQUIRE(random_below(10, 7, 1, i) < 10);
  }
}

TEST_CASE("random_normal has mean 0 and variance 1 within sampling error", "[data][random]") {
  const int n = 100000;
  double sum = 0.0, sum_sq = 0.0;  // accumulators: double, index order
  for (int i = 0; i < n; ++i) {
    const double z = random_normal(42, 9, static_cast<std::uint64_t>(i));
    REQUIRE(std::abs(z) <= 6.0);
    sum += z;
    sum_sq += z * z;
  }
  const double mean = sum / n, variance = sum_sq / n - mean * mean;
  CHECK(std::abs(mean) < 0.015);           // 4.7 standard errors (1 / sqrt(n) = 0.0032)
  CHECK(std::abs(variance - 1.0) < 0.02);  // standard error of the variance ~ sqrt(2 / n) = 0.0045
}

TEST_CASE("portable_sin_cos agrees with libm to a few ulp", "[data][random]") {
  double worst = 0.0;
  for (int i = -2000; i <= 20000; ++i) {
    const double x = i * 0.00987654321;
    const SinCos sc = portable_sin_cos(x);
    worst = std::max({worst, std::abs(sc.sin - std::sin(x)), std::abs(sc.cos - std::cos(x))});
  }
  CHECK(worst < 1e-14);
  CHECK(portable_sin_cos(0.0).sin == 0.0);
  CHECK(portable_sin_cos(0.0).cos == 1.0);
}

TEST_CASE("spirals are deterministic per seed, differ across seeds, and lie on their arms", "[data][synthetic]") {
  SpiralsOptions options{.arms = 3, .points_per_arm = 50, .turns = 1.5, .noise = 0.02, .seed = 11};
  const Dataset a = make_spirals(options);
  const Dataset b = make_spirals(options);
  CHECK_NOTHROW(check_consistent(a));
  CHECK(a.count == 150);
  CHECK(a.input_shape == std::vector<std::int64_t>{2});
  CHECK(a.num_classes == 3);
  CHECK(a.inputs == b.inputs);
  CHECK(a.labels == b.labels);
  CHECK(class_counts(a) == std::vector<std::size_t>{50, 50, 50});
  options.seed = 12;
  const Dataset c = make_spirals(options);
  // Both coordinates of (almost) every point carry seed-dependent noise.
  std::size_t x_differ = 0, y_differ = 0;
  for (std::size_t j = 0; j < a.count; ++j) {
    x_differ += c.inputs[2 * j] != a.inputs[2 * j];
    y_differ += c.inputs[2 * j + 1] != a.inputs[2 * j + 1];
  }
  CHECK(x_differ > a.count * 95 / 100);
  CHECK(y_differ > a.count * 95 / 100);
  CHECK(c.labels == a.labels);  // only the noise depends on the seed
  // Independent geometry check with libm: each point is within 6 noise sigmas (the bound of
  // random_normal) of its arm point (t cos theta, t sin theta).
  for (std::size_t j = 0; j < a.count; ++j) {
    const std::size_t i = j / 3, arm = j % 3;
    REQUIRE(a.labels[j] == static_cast<int>(arm));
    const double t = (i + 0.5) / 50.0;
    const double theta = 2.0 * std::numbers::pi * (1.5 * t + arm / 3.0);
    REQUIRE(std::abs(a.inputs[2 * j] - t * std::cos(theta)) <= 6 * 0.02 + 1e-6);
    REQUIRE(std::abs(a.inputs[2 * j + 1] - t * std::sin(theta)) <= 6 * 0.02 + 1e-6);
  }
  // The noise has the requested standard deviation (300 draws: standard error ~ 0.02 / sqrt(600)).
  double sum_sq = 0.0;  // accumulator: double, sample order
  for (std::size_t j = 0; j < a.count; ++j) {
    const double t = (j / 3 + 0.5) / 50.0;
    const double theta = 2.0 * std::numbers::pi * (1.5 * t + (j % 3) / 3.0);
    sum_sq += std::pow(a.inputs[2 * j] - t * std::cos(theta), 2) + std::pow(a.inputs[2 * j + 1] - t * std::sin(theta), 2);
  }
  CHECK(std::sqrt(sum_sq / 300) == Approx(0.02).margin(0.003));
  // Without noise, the points are the arm points to float32 rounding.
  options.noise = 0.0;
  const Dataset exact = make_spirals(options);
  for (std::size_t j = 0; j < exact.count; ++j) {
    const double t = (j / 3 + 0.5) / 50.0;
    const double theta = 2.0 * std::numbers::pi * (1.5 * t + (j % 3) / 3.0);
    REQUIRE(exact.inputs[2 * j] == Approx(t * std::cos(theta)).margin(1e-7));
    REQUIRE(exact.inputs[2 * j + 1] == Approx(t * std::sin(theta)).margin(1e-7));
  }
  CHECK_THROWS_AS(make_spirals({.arms = 1}), DataError);
}

TEST_CASE("teacher-student targets are the teacher's outputs on the stored inputs", "[data][synthetic]") {
  const TeacherStudentOptions options{.samples = 64, .inputs = 5, .hidden = 7, .outputs = 2, .noise = 0.0, .seed = 3};
  const Dataset set = make_teacher_student(options);
  const TeacherMlp teacher = make_teacher(options);
  CHECK_NOTHROW(check_consistent(set));
  CHECK(set.count == 64);
  CHECK(set.input_shape == std::vector<std::int64_t>{5});
  CHECK(set.target_shape == std::vector<std::int64_t>{2});
  CHECK_FALSE(set.is_classification());
  REQUIRE(teacher.w1.size() == 35);
  REQUIRE(teacher.w2.size() == 14);
  // Independent forward pass: relu(W1 x + b1), then W2 h + b2, in long double.
  int active = 0;
  for (std::size_t s = 0; s < set.count; ++s) {
    std::vector<long double> h(7);
    for (std::size_t j = 0; j < 7; ++j) {
      long double z = teacher.b1[j];
      for (std::size_t k = 0; k < 5; ++k) z += teacher.w1[j * 5 + k] * static_cast<long double>(set.input(s)[k]);
      h[j] = z > 0 ? z : 0;
      active += z > 0;
    }
    for (std::size_t o = 0; o < 2; ++o) {
      long double y = teacher.b2[o];
      for (std::size_t j = 0; j < 7; ++j) y += teacher.w2[o * 7 + j] * h[j];
      REQUIRE(set.target(s)[o] == Approx(static_cast<double>(y)).epsilon(1e-6).margin(1e-6));
    }
  }
  CHECK(active > 64 * 7 / 4);  // the hidden layer is not dead
  // Deterministic per seed, different across seeds, noise changes only the targets.
  CHECK(make_teacher_student(options).targets == set.targets);
  TeacherStudentOptions other = options;
  other.seed = 4;
  CHECK(make_teacher_student(other).inputs != set.inputs);
  other = options;
  other.noise = 0.1;
  const Dataset noisy = make_teacher_student(other);
  CHECK(noisy.inputs == set.inputs);
  CHECK(noisy.targets != set.targets);
}
