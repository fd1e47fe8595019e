// SPDX-License-Identifier: MIT
// Pairs of IDX files as data sets, and the Fashion-MNIST files with their known counts.
#include "mpsim/data/mnist.hpp"

#include <string>

#include "mpsim/data/error.hpp"
#include "mpsim/data/idx.hpp"

namespace mpsim::data {

Dataset load_idx_pair(const std::filesystem::path& images_path, const std::filesystem::path& labels_path,
                      int num_classes) {
  if (num_classes < 1 || num_classes > 256)
    throw DataError("load_idx_pair: number of classes " + std::to_string(num_classes) + " is not in 1..256");
  IdxImages images = read_idx_images(images_path);
  if (images.count == 0) throw file_error(images_path, "holds no images");
  if (images.rows == 0 || images.cols == 0)
    throw file_error(images_path, "image size " + std::to_string(images.rows) + " x " + std::to_string(images.cols) + " is empty");
  const std::vector<std::uint8_t> labels = read_idx_labels(labels_path);
  if (labels.size() != images.count)
    throw DataError("images and labels do not match: " + images_path.string() + " holds " + std::to_string(images.count) +
                    " images, " + labels_path.string() + " holds " + std::to_string(labels.size()) + " labels");
  Dataset set;
  set.name = images_path.string();
  set.count = images.count;
  set.input_shape = {static_cast<std::int64_t>(images.rows), static_cast<std::int64_t>(images.cols)};
  set.inputs = std::move(images.pixels);
  set.num_classes = num_classes;
  set.labels.reserve(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= num_classes)
      throw file_error(labels_path, "label " + std::to_string(labels[i]) + " at index " + std::to_string(i) +
                                        " is out of range: expected 0.." + std::to_string(num_classes - 1) + " (" +
                                        std::to_string(num_classes) + " classes)");
    set.labels.push_back(labels[i]);
  }
  return set;
}

std::optional<std::filesystem::path> find_idx_file(const std::filesystem::path& dir, const std::string& name) {
  std::error_code ec;
  for (const auto& candidate : {dir / (name + ".gz"), dir / name})
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  return std::nullopt;
}

namespace {

// find_idx_file, or the install hint.
std::filesystem::path find_file(const std::filesystem::path& dir, const std::string& name) {
  if (std::optional<std::filesystem::path> file = find_idx_file(dir, name)) return *file;
  throw DataError("Fashion-MNIST not found: " + (dir / (name + ".gz")).string() +
                  " is missing; install the Debian package dataset-fashion-mnist with scripts/setup.sh"
                  " (or pass the directory that holds the four IDX files)");
}

Dataset load_split(const std::filesystem::path& dir, const std::string& prefix, const std::string& split,
                   std::size_t expected_count) {
  const std::filesystem::path images = find_file(dir, prefix + "-images-idx3-ubyte");
  const std::filesystem::path labels = find_file(dir, prefix + "-labels-idx1-ubyte");
  Dataset set = load_idx_pair(images, labels, 10);
  set.name = "fashion-mnist " + split;
  if (set.count != expected_count)
    throw DataError(set.name + " in " + dir.string() + ": " + std::to_string(set.count) + " images, expected " +
                    std::to_string(expected_count));
  if (set.input_shape != std::vector<std::int64_t>{28, 28})
    throw DataError(set.name + " in " + dir.string() + ": images of " + std::to_string(set.input_shape[0]) + " x " +
                    std::to_string(set.input_shape[1]) + ", expected 28 x 28");
  const std::vector<std::size_t> counts = class_counts(set);
  for (std::size_t c = 0; c < counts.size(); ++c)
    if (counts[c] != expected_count / 10)
      throw DataError(set.name + " in " + dir.string() + ": class " + std::to_string(c) + " has " + std::to_string(counts[c]) +
                      " samples, expected " + std::to_string(expected_count / 10));
  return set;
}

}  // namespace

TrainTest load_fashion_mnist(const std::filesystem::path& dir) {
  return {load_split(dir, "train", "train", 60000), load_split(dir, "t10k", "test", 10000)};
}

}  // namespace mpsim::data
