// SPDX-License-Identifier: MIT
// The spirals classification set.
#include <string>

#include "mpsim/data/counter_random.hpp"
#include "mpsim/data/error.hpp"
#include "mpsim/data/sin_cos.hpp"
#include "mpsim/data/synthetic.hpp"

namespace mpsim::data {

Dataset make_spirals(const SpiralsOptions& options) {
  if (options.arms < 2 || options.arms > 16) throw DataError("spirals: arms must be in 2..16, got " + std::to_string(options.arms));
  if (options.points_per_arm == 0) throw DataError("spirals: points_per_arm must be at least 1");
  if (!(options.noise >= 0.0)) throw DataError("spirals: noise must be >= 0");
  constexpr double two_pi = 6.28318530717958647693;
  const auto arms = static_cast<std::size_t>(options.arms);
  Dataset set;
  set.name = "spirals arms=" + std::to_string(options.arms) + " seed=" + std::to_string(options.seed);
  set.count = arms * options.points_per_arm;
  set.input_shape = {2};
  set.num_classes = options.arms;
  set.inputs.reserve(2 * set.count);
  set.labels.reserve(set.count);
  const std::uint64_t noise_stream = random_stream(RandomPurpose::spirals_noise);
  for (std::size_t i = 0; i < options.points_per_arm; ++i) {
    const double t = (static_cast<double>(i) + 0.5) / static_cast<double>(options.points_per_arm);
    for (std::size_t a = 0; a < arms; ++a) {
      const std::size_t j = i * arms + a;
      const SinCos sc = portable_sin_cos(two_pi * (options.turns * t + static_cast<double>(a) / static_cast<double>(arms)));
      const double x = t * sc.cos + options.noise * random_normal(options.seed, noise_stream, 2 * j);
      const double y = t * sc.sin + options.noise * random_normal(options.seed, noise_stream, 2 * j + 1);
      set.inputs.push_back(static_cast<float>(x));
      set.inputs.push_back(static_cast<float>(y));
      set.labels.push_back(static_cast<int>(a));
    }
  }
  return set;
}

}  // namespace mpsim::data
