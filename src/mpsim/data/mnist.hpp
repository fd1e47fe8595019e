// SPDX-License-Identifier: MIT
// MNIST-format data sets: any pair of IDX files (images, labels), and Fashion-MNIST from the
// Debian package dataset-fashion-mnist (FACTS.md 9, 10).
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "mpsim/data/dataset.hpp"

namespace mpsim::data {

inline constexpr std::string_view fashion_mnist_default_dir = "/usr/share/datasets/fashion-mnist";
inline constexpr std::array<std::string_view, 10> fashion_mnist_class_names = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

struct TrainTest {
  Dataset train;
  Dataset test;
};

// Images (magic 2051) and labels (magic 2049) of MNIST-format IDX files, plain or gzip, as a
// classification set: input_shape {rows, cols}, pixels / 255 in [0, 1] (no further
// normalisation), labels in [0, num_classes). Throws DataError naming the file for any problem
// of IdxFile, for an empty image set or image size, for a label >= num_classes, and when the
// numbers of images and labels differ.
Dataset load_idx_pair(const std::filesystem::path& images_path, const std::filesystem::path& labels_path,
                      int num_classes = 10);

// DIR/NAME.gz if it is a file, else DIR/NAME if it is one, else nothing: where an IDX file of
// that name lies (gzip preferred, as Debian ships them).
std::optional<std::filesystem::path> find_idx_file(const std::filesystem::path& dir, const std::string& name);

// Fashion-MNIST's 60,000 training and 10,000 test images from `dir` (each file NAME.gz, or NAME
// uncompressed). Checks 28 x 28 images, the counts, and the class balance (6,000 per class in
// train, 1,000 in test). A missing file throws DataError saying to install the Debian package
// dataset-fashion-mnist with scripts/setup.sh.
TrainTest load_fashion_mnist(const std::filesystem::path& dir = fashion_mnist_default_dir);

}  // namespace mpsim::data
