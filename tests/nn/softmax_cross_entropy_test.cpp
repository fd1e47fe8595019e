// SPDX-License-Identifier: MIT
// Softmax cross-entropy: loss against float64, the scaled gradient against finite differences,
// rounding into the gradient format, argmax hits, and labels that are refused with their index.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/softmax_cross_entropy.hpp"
#include "mpsim/ops/convert.hpp"
#include "nn_reference.hpp"

using namespace mpsim;
using namespace mpsim::nn;
using namespace nn_reference;

TEST_CASE("nn: softmax cross-entropy loss and gradient match float64 references", "[nn][softmax_cross_entropy]") {
  const int batch = 4, classes = 5;
  const Tensor z = random_tensor(binary32, {batch, classes}, 1, 30.0);  // large logits: stability matters
  const std::vector<int> labels{0, 4, 2, 2};
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  SoftmaxCrossEntropy loss;
  const float value = loss.forward(z, labels, pass);
  const Vec zv = to_doubles(z);
  CHECK(value == Approx(cross_entropy(zv, labels, classes)).epsilon(1e-5));
  const float scale = 1024.0f;
  const Tensor g = loss.backward(scale, pass);
  const Vec fd = finite_differences([&](const Vec& v) { return scale * cross_entropy(v, labels, classes); }, zv, 1e-5);
  CHECK(worst_error(to_doubles(g), fd, 1e-4, 1e-4) <= 1);
}

TEST_CASE("nn: softmax cross-entropy rounds the scaled gradient once into the gradient format", "[nn][softmax_cross_entropy]") {
  LayerPrecision precision;
  precision.gradients = &binary16;
  EventCounts counts;
  Context ctx{.counters = &counts};
  Pass pass{precision, ctx};
  SoftmaxCrossEntropy loss;
  const Tensor z = random_tensor(binary32, {2, 3}, 2, 20.0);
  const std::vector<int> labels{1, 2};
  loss.forward(z, labels, pass);
  const Tensor g16 = loss.backward(1.0f, pass);
  precision.gradients = &binary32;
  const Tensor g32 = loss.backward(1.0f, pass);
  REQUIRE(g16.format() == binary16);
  for (std::size_t i = 0; i < g32.size(); ++i) CHECK(g16.value(i) == to_float(binary16, from_float(binary16, g32.value(i)).bits));
  CHECK(counts.operations == 12);  // 6 roundings into binary16, 6 into binary32
}

TEST_CASE("nn: softmax cross-entropy counts argmax hits, first maximum wins", "[nn][softmax_cross_entropy]") {
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  SoftmaxCrossEntropy loss;
  Context c0;
  const std::vector<float> v{1, 3, 3, 0, 5, 0, 2, 2, 1};
  const Tensor z = tensor_from_floats(binary32, {3, 3}, v, c0);
  const std::vector<int> labels{1, 1, 0};
  loss.forward(z, labels, pass);
  CHECK(loss.correct(labels) == 3);
  const std::vector<int> other{2, 0, 1};
  CHECK(loss.correct(other) == 0);
}

TEST_CASE("nn: softmax cross-entropy refuses bad labels naming the index", "[nn][softmax_cross_entropy]") {
  const LayerPrecision precision;
  Context ctx;
  Pass pass{precision, ctx};
  SoftmaxCrossEntropy loss;
  const Tensor z(binary32, {3, 4});
  const std::vector<int> out_of_range{0, 4, 1}, negative{0, 1, -1}, short_list{0, 1};
  CHECK_THROWS_WITH(loss.forward(z, out_of_range, pass), Catch::Contains("index 1") && Catch::Contains("[0, 4)"));
  CHECK_THROWS_WITH(loss.forward(z, negative, pass), Catch::Contains("index 2"));
  CHECK_THROWS_AS(loss.forward(z, short_list, pass), ShapeError);
  CHECK_THROWS_AS(loss.backward(1.0f, pass), std::logic_error);
  CHECK_THROWS_AS(loss.forward(Tensor(binary32, {3}), short_list, pass), ShapeError);
}
