// SPDX-License-Identifier: MIT
// MNIST-format pairs and Fashion-MNIST (src/mpsim/data/mnist.hpp). The real-data cases need the
// Debian package dataset-fashion-mnist (scripts/setup.sh installs it) and are skipped with a
// message without it.
#include <catch2/catch.hpp>

#include <functional>
#include <numeric>

#include "idx_files.hpp"
#include "mpsim/data/error.hpp"
#include "mpsim/data/mnist.hpp"
#include "mpsim/data/named_sets.hpp"

using namespace mpsim::data;
using namespace mpsim::data::test;
using Catch::Matchers::Contains;

namespace {

std::string error_of(const std::function<void()>& load) {
  try {
    load();
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no DataError)";
}

bool fashion_mnist_installed() {
  return std::filesystem::exists(std::filesystem::path(fashion_mnist_default_dir) / "train-images-idx3-ubyte.gz");
}

// Pixel (row, col) of image `i` as its byte value.
int byte_at(const Dataset& set, std::size_t i, std::size_t row, std::size_t col) {
  return static_cast<int>(set.input(i)[row * 28 + col] * 255.0f + 0.5f);
}

}  // namespace

TEST_CASE("an IDX pair loads as a classification set with its shape", "[data][mnist]") {
  ScratchDir dir("pair");
  write_gzip(dir / "images.gz", idx_images(3, 1, 2, {0, 255, 51, 102, 153, 204}));
  write_plain(dir / "labels", idx_labels({2, 0, 1}));
  const Dataset set = load_idx_pair(dir / "images.gz", dir / "labels", 3);
  CHECK(set.count == 3);
  CHECK(set.input_shape == std::vector<std::int64_t>{1, 2});
  CHECK(set.num_classes == 3);
  CHECK(set.labels == std::vector<int>{2, 0, 1});
  CHECK(set.inputs == std::vector<float>{0.0f, 1.0f, 0.2f, 0.4f, 0.6f, 0.8f});  // k * 51 / 255 = k / 5
  CHECK(set.target_size() == 0);
  CHECK_NOTHROW(check_consistent(set));
}

TEST_CASE("an IDX pair whose counts differ names both files and both counts", "[data][mnist][errors]") {
  ScratchDir dir("pair-count");
  write_plain(dir / "images", idx_images(3, 1, 1, {1, 2, 3}));
  write_plain(dir / "labels", idx_labels({1, 2}));
  const std::string message = error_of([&] { load_idx_pair(dir / "images", dir / "labels"); });
  CHECK_THAT(message, Contains("images and labels do not match") && Contains((dir / "images").string() + " holds 3 images") &&
                          Contains((dir / "labels").string() + " holds 2 labels"));
}

TEST_CASE("a label at or above the number of classes names the file, label and index", "[data][mnist][errors]") {
  ScratchDir dir("pair-label");
  write_plain(dir / "images", idx_images(3, 1, 1, {1, 2, 3}));
  write_plain(dir / "labels", idx_labels({9, 10, 0}));
  CHECK_THAT(error_of([&] { load_idx_pair(dir / "images", dir / "labels"); }),
             Contains((dir / "labels").string() + ": label 10 at index 1 is out of range: expected 0..9 (10 classes)"));
  CHECK_NOTHROW(load_idx_pair(dir / "images", dir / "labels", 11));
  CHECK_THAT(error_of([&] { load_idx_pair(dir / "images", dir / "labels", 0); }), Contains("number of classes 0"));
}

TEST_CASE("an IDX pair without images is an error", "[data][mnist][errors]") {
  ScratchDir dir("pair-empty");
  write_plain(dir / "none", idx_images(0, 28, 28, {}));
  write_plain(dir / "zero-width", idx_images(2, 28, 0, {}));
  write_plain(dir / "labels", idx_labels({}));
  CHECK_THAT(error_of([&] { load_idx_pair(dir / "none", dir / "labels"); }), Contains((dir / "none").string() + ": holds no images"));
  CHECK_THAT(error_of([&] { load_idx_pair(dir / "zero-width", dir / "labels"); }),
             Contains((dir / "zero-width").string() + ": image size 28 x 0 is empty"));
}

TEST_CASE("Fashion-MNIST missing from a directory says how to install it", "[data][mnist][errors]") {
  ScratchDir dir("no-fashion");
  CHECK_THAT(error_of([&] { load_fashion_mnist(dir.path); }),
             Contains((dir / "train-images-idx3-ubyte.gz").string() + " is missing") &&
                 Contains("install the Debian package dataset-fashion-mnist with scripts/setup.sh"));
}

TEST_CASE("Fashion-MNIST with the wrong class balance is refused", "[data][mnist][errors]") {
  // A directory of well-formed files with 60000 training images, all labelled 0.
  ScratchDir dir("fashion-unbalanced");
  write_gzip(dir / "train-images-idx3-ubyte.gz", idx_images(60000, 28, 28, Bytes(60000 * 784, 0)));
  write_gzip(dir / "train-labels-idx1-ubyte.gz", idx_labels(Bytes(60000, 0)));
  CHECK_THAT(error_of([&] { load_fashion_mnist(dir.path); }),
             Contains("fashion-mnist train in " + dir.path.string() + ": class 0 has 60000 samples, expected 6000"));
  write_gzip(dir / "train-images-idx3-ubyte.gz", idx_images(10, 28, 28, Bytes(10 * 784, 0)));
  write_gzip(dir / "train-labels-idx1-ubyte.gz", idx_labels(Bytes(10, 0)));
  CHECK_THAT(error_of([&] { load_fashion_mnist(dir.path); }), Contains("10 images, expected 60000"));
}

TEST_CASE("Fashion-MNIST loads 60000 + 10000 balanced 28x28 images with known values", "[data][mnist][fashion]") {
  if (!fashion_mnist_installed()) {
    WARN("skipped: Fashion-MNIST is not installed in " << fashion_mnist_default_dir
                                                        << " (install dataset-fashion-mnist with scripts/setup.sh)");
    return;
  }
  const TrainTest sets = load_fashion_mnist();
  const Dataset& train = sets.train;
  const Dataset& test = sets.test;
  REQUIRE(train.count == 60000);
  REQUIRE(test.count == 10000);
  CHECK(train.input_shape == std::vector<std::int64_t>{28, 28});
  CHECK(train.num_classes == 10);
  CHECK_NOTHROW(check_consistent(train));
  CHECK_NOTHROW(check_consistent(test));
  CHECK(class_counts(train) == std::vector<std::size_t>(10, 6000));  // FACTS.md 9
  CHECK(class_counts(test) == std::vector<std::size_t>(10, 1000));

  // Reference values read with an independent tool, Python's gzip module on the Debian files:
  //   /usr/bin/python3 -c 'import gzip; d = gzip.open("/usr/share/datasets/fashion-mnist/
  //     train-labels-idx1-ubyte.gz").read()[8:]; print(list(d[:10]), list(d[-5:]))'
  // and likewise for the images (offset 16, image i at 784 i, pixel (r, c) at 28 r + c).
  CHECK(std::vector<int>(train.labels.begin(), train.labels.begin() + 10) == std::vector<int>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5});
  CHECK(std::vector<int>(train.labels.end() - 5, train.labels.end()) == std::vector<int>{5, 1, 3, 0, 5});
  CHECK(std::vector<int>(test.labels.begin(), test.labels.begin() + 10) == std::vector<int>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7});
  CHECK(std::vector<int>(test.labels.end() - 5, test.labels.end()) == std::vector<int>{9, 1, 8, 1, 5});
  const std::vector<int> train0_row14 = {0,   0,   1,   4,   6,   7,   2,   0,   0,   0,   0,   0,   237, 226,
                                         217, 223, 222, 219, 222, 221, 216, 223, 229, 215, 218, 255, 77,  0};
  for (std::size_t col = 0; col < 28; ++col) CHECK(byte_at(train, 0, 14, col) == train0_row14[col]);
  CHECK(byte_at(train, 59999, 10, 20) == 19);
  CHECK(byte_at(test, 0, 20, 10) == 126);
  CHECK(byte_at(test, 9999, 14, 14) == 132);
  CHECK(train.input(0)[14 * 28 + 25] == 1.0f);  // byte 255
  // Pixel sums over whole images (python: sum(d[784 i : 784 (i + 1)])).
  auto image_sum = [](const Dataset& set, std::size_t i) {
    long long sum = 0;  // accumulator: integer, exact
    for (float v : set.input(i)) sum += static_cast<long long>(v * 255.0f + 0.5f);
    return sum;
  };
  CHECK(image_sum(train, 0) == 76247);
  CHECK(image_sum(train, 59999) == 16684);
  CHECK(image_sum(test, 0) == 33456);
  CHECK(image_sum(test, 9999) == 24390);
}

TEST_CASE("a directory of MNIST-format IDX files loads by name, .gz preferred, limits applied", "[data][mnist]") {
  ScratchDir dir("named-dir");
  write_gzip(dir / "train-images-idx3-ubyte.gz", idx_images(3, 1, 2, {0, 255, 51, 102, 153, 204}));
  write_plain(dir / "train-images-idx3-ubyte", idx_images(1, 1, 2, {0, 0}));  // the .gz wins
  write_plain(dir / "train-labels-idx1-ubyte", idx_labels({2, 0, 1}));
  write_plain(dir / "t10k-images-idx3-ubyte", idx_images(2, 1, 2, {1, 2, 3, 4}));
  write_gzip(dir / "t10k-labels-idx1-ubyte.gz", idx_labels({0, 1}));
  TrainTest t = load_named_sets(dir.path.string(), 0);
  CHECK(t.train.count == 3);
  CHECK(t.test.count == 2);
  t = load_named_sets(dir.path.string(), 0, 2, 1);
  CHECK(t.train.count == 2);
  CHECK(t.train.labels == std::vector<int>{2, 0});
  CHECK(t.test.inputs.size() == 2);
  std::filesystem::remove(dir / "t10k-labels-idx1-ubyte.gz");
  CHECK_THAT(error_of([&] { load_named_sets(dir.path.string(), 0); }),
             Contains("neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte exists"));
  CHECK_THAT(error_of([&] { load_named_sets("no-such-set", 0); }), Contains("unknown data set 'no-such-set'"));
}
