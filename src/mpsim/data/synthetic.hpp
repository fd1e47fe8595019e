// SPDX-License-Identifier: MIT
// Small synthetic data sets for fast tests, deterministic from a seed on every platform
// (counter_random.hpp, sin_cos.hpp): teacher-student regression and spiral classification.
#pragma once

#include <cstdint>
#include <vector>

#include "mpsim/data/dataset.hpp"

namespace mpsim::data {

// Spirals: `arms` interleaved arms (sample j = i * arms + a is point i of arm a, label a). Point i
// of arm a sits at radius t = (i + 0.5) / points_per_arm and angle 2 pi (turns t + a / arms),
// computed in float64, plus noise * N(0,1) on each coordinate, then rounded to float32.
struct SpiralsOptions {
  int arms = 2;  // 2 or 3 (any value in 2..16 works)
  std::size_t points_per_arm = 100;
  double turns = 1.0;   // revolutions from the centre to the tip
  double noise = 0.05;  // standard deviation of the coordinate noise
  std::uint64_t seed = 0;
};
Dataset make_spirals(const SpiralsOptions& options);

// A random teacher MLP y = W2 relu(W1 x + b1) + b2, float64 weights:
// W1 (hidden x inputs) ~ N(0,1)/sqrt(inputs), b1 ~ 0.1 N(0,1), W2 (outputs x hidden) ~ N(0,1)/sqrt(hidden), b2 = 0.
struct TeacherMlp {
  std::size_t inputs = 0, hidden = 0, outputs = 0;
  std::vector<double> w1, b1, w2, b2;  // row-major: w1[j * inputs + k], w2[o * hidden + j]
};
struct TeacherStudentOptions {
  std::size_t samples = 256;
  std::size_t inputs = 8, hidden = 16, outputs = 1;
  double noise = 0.0;  // standard deviation of N(0,1) noise added to each target
  std::uint64_t seed = 0;
};
TeacherMlp make_teacher(const TeacherStudentOptions& options);
// The teacher's output for one input; sums in float64, in ascending index order starting from
// the bias.
std::vector<double> teacher_forward(const TeacherMlp& teacher, const float* x);
// Regression set: inputs x ~ N(0,1) rounded to float32 (input_shape {inputs}), targets
// teacher(x) + noise * N(0,1) rounded to float32 (target_shape {outputs}).
Dataset make_teacher_student(const TeacherStudentOptions& options);

}  // namespace mpsim::data
