// SPDX-License-Identifier: MIT
// The teacher-student regression set.
#include <cmath>
#include <string>

#include "mpsim/data/counter_random.hpp"
#include "mpsim/data/error.hpp"
#include "mpsim/data/synthetic.hpp"

namespace mpsim::data {

namespace {
enum TeacherPart : std::uint32_t { part_w1 = 0, part_b1 = 1, part_w2 = 2 };
}  // namespace

TeacherMlp make_teacher(const TeacherStudentOptions& options) {
  if (options.inputs == 0 || options.hidden == 0 || options.outputs == 0)
    throw DataError("teacher-student: inputs, hidden and outputs must be at least 1");
  TeacherMlp t{options.inputs, options.hidden, options.outputs, {}, {}, {}, {}};
  // sqrt is correctly rounded (IEEE 754), so these scales are the same everywhere.
  const double w1_scale = 1.0 / std::sqrt(static_cast<double>(t.inputs));
  const double w2_scale = 1.0 / std::sqrt(static_cast<double>(t.hidden));
  auto normal = [&](TeacherPart part, std::size_t i) {
    return random_normal(options.seed, random_stream(RandomPurpose::teacher_weights, part), i);
  };
  for (std::size_t i = 0; i < t.hidden * t.inputs; ++i) t.w1.push_back(w1_scale * normal(part_w1, i));
  for (std::size_t j = 0; j < t.hidden; ++j) t.b1.push_back(0.1 * normal(part_b1, j));
  for (std::size_t i = 0; i < t.outputs * t.hidden; ++i) t.w2.push_back(w2_scale * normal(part_w2, i));
  t.b2.assign(t.outputs, 0.0);
  return t;
}

std::vector<double> teacher_forward(const TeacherMlp& t, const float* x) {
  std::vector<double> hidden(t.hidden), out(t.outputs);
  for (std::size_t j = 0; j < t.hidden; ++j) {
    double h = t.b1[j];  // accumulator: float64, k ascending
    for (std::size_t k = 0; k < t.inputs; ++k) h += t.w1[j * t.inputs + k] * static_cast<double>(x[k]);
    hidden[j] = h > 0.0 ? h : 0.0;
  }
  for (std::size_t o = 0; o < t.outputs; ++o) {
    double y = t.b2[o];  // accumulator: float64, j ascending
    for (std::size_t j = 0; j < t.hidden; ++j) y += t.w2[o * t.hidden + j] * hidden[j];
    out[o] = y;
  }
  return out;
}

Dataset make_teacher_student(const TeacherStudentOptions& options) {
  if (!(options.noise >= 0.0)) throw DataError("teacher-student: noise must be >= 0");
  const TeacherMlp teacher = make_teacher(options);
  Dataset set;
  set.name = "teacher-student seed=" + std::to_string(options.seed);
  set.count = options.samples;
  set.input_shape = {static_cast<std::int64_t>(options.inputs)};
  set.target_shape = {static_cast<std::int64_t>(options.outputs)};
  set.inputs.reserve(options.samples * options.inputs);
  set.targets.reserve(options.samples * options.outputs);
  const std::uint64_t input_stream = random_stream(RandomPurpose::teacher_inputs);
  const std::uint64_t noise_stream = random_stream(RandomPurpose::teacher_noise);
  for (std::size_t s = 0; s < options.samples; ++s) {
    for (std::size_t k = 0; k < options.inputs; ++k)
      set.inputs.push_back(static_cast<float>(random_normal(options.seed, input_stream, s * options.inputs + k)));
    const std::vector<double> y = teacher_forward(teacher, set.inputs.data() + s * options.inputs);
    for (std::size_t o = 0; o < options.outputs; ++o)
      set.targets.push_back(
          static_cast<float>(y[o] + options.noise * random_normal(options.seed, noise_stream, s * options.outputs + o)));
  }
  return set;
}

}  // namespace mpsim::data
