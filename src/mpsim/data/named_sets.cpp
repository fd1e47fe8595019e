// SPDX-License-Identifier: MIT
// load_named_sets: the data a training config names.
#include "mpsim/data/named_sets.hpp"

#include <filesystem>
#include <string>

#include "mpsim/data/error.hpp"
#include "mpsim/data/synthetic.hpp"

namespace mpsim::data {
namespace {

std::filesystem::path file_in(const std::filesystem::path& dir, const std::string& name) {
  if (std::optional<std::filesystem::path> file = find_idx_file(dir, name)) return *file;
  throw DataError(dir.string() + ": neither " + name + ".gz nor " + name + " exists");
}

// Spirals of 3 arms, 1,000 points per arm to train on and 300 to test (different noise draws).
TrainTest spirals(std::uint64_t seed) {
  SpiralsOptions o{.arms = 3, .points_per_arm = 1000, .turns = 1.0, .noise = 0.05, .seed = seed};
  TrainTest t;
  t.train = make_spirals(o);
  o.points_per_arm = 300;
  o.seed = seed ^ 0x7465'7374ULL;  // "test"
  t.test = make_spirals(o);
  return t;
}

}  // namespace

void keep_first(Dataset& set, std::size_t n) {
  if (n == 0 || n >= set.count) return;
  set.inputs.resize(n * set.input_size());
  if (set.is_classification()) set.labels.resize(n);
  else set.targets.resize(n * set.target_size());
  set.count = n;
  set.name += " (first " + std::to_string(n) + ")";
}

TrainTest load_named_sets(std::string_view name, std::uint64_t seed, std::size_t train_limit, std::size_t test_limit) {
  TrainTest t;
  if (name == "fashion-mnist") {
    t = load_fashion_mnist();
  } else if (name == "spirals") {
    t = spirals(seed);
  } else {
    const std::filesystem::path dir{std::string(name)};
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      throw DataError("unknown data set '" + std::string(name) +
                      "': accepted are fashion-mnist, spirals, or a directory of MNIST-format IDX files");
    }
    t.train = load_idx_pair(file_in(dir, "train-images-idx3-ubyte"), file_in(dir, "train-labels-idx1-ubyte"));
    t.test = load_idx_pair(file_in(dir, "t10k-images-idx3-ubyte"), file_in(dir, "t10k-labels-idx1-ubyte"));
  }
  keep_first(t.train, train_limit);
  keep_first(t.test, test_limit);
  return t;
}

}  // namespace mpsim::data
