// SPDX-License-Identifier: MIT
// Independent float64 references for the nn/ tests: plain loops written from the layers'
// mathematical definitions (not from nn/'s code), central finite differences, random data.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "mpsim/nn/layer.hpp"
#include "mpsim/tensor/elementwise.hpp"

namespace nn_reference {

using Vec = std::vector<double>;

inline Vec to_doubles(const mpsim::Tensor& t) {
  Vec v;
  for (float x : t.values()) v.push_back(x);
  return v;
}

// Uniform values in [-1, 1) rounded into f.
inline mpsim::Tensor random_tensor(const mpsim::Format& f, mpsim::Shape shape, std::uint32_t seed, double scale = 1.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(mpsim::element_count(shape));
  for (float& x : v) x = static_cast<float>(u(gen) * scale);
  mpsim::Context ctx;
  return mpsim::tensor_from_floats(f, std::move(shape), v, ctx);
}

// y (B x out) = x (B x in) W^T + b, W (out x in).
inline Vec linear(const Vec& x, const Vec& w, const Vec& b, int batch, int in, int out) {
  Vec y(static_cast<std::size_t>(batch) * out);
  for (int r = 0; r < batch; ++r)
    for (int j = 0; j < out; ++j) {
      double s = b[j];
      for (int k = 0; k < in; ++k) s += x[r * in + k] * w[j * in + k];
      y[r * out + j] = s;
    }
  return y;
}

// Stride-1 cross-correlation with zero padding, NCHW, W {O, C, k, k}.
inline Vec conv2d(const Vec& x, const Vec& w, const Vec& b, int batch, int c_in, int h, int wd, int c_out, int k, int pad) {
  const int oh = h + 2 * pad - k + 1, ow = wd + 2 * pad - k + 1;
  Vec y(static_cast<std::size_t>(batch) * c_out * oh * ow);
  for (int n = 0; n < batch; ++n)
    for (int o = 0; o < c_out; ++o)
      for (int u = 0; u < oh; ++u)
        for (int v = 0; v < ow; ++v) {
          double s = b[o];
          for (int c = 0; c < c_in; ++c)
            for (int i = 0; i < k; ++i)
              for (int j = 0; j < k; ++j) {
                const int yy = u + i - pad, xx = v + j - pad;
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                s += x[((n * c_in + c) * h + yy) * wd + xx] * w[((o * c_in + c) * k + i) * k + j];
              }
          y[((n * c_out + o) * oh + u) * ow + v] = s;
        }
  return y;
}

inline Vec relu(Vec x) {
  for (double& v : x) v = v > 0 ? v : 0;
  return x;
}

inline Vec maxpool2(const Vec& x, int planes, int h, int w) {
  const int oh = h / 2, ow = w / 2;
  Vec y(static_cast<std::size_t>(planes) * oh * ow);
  for (int p = 0; p < planes; ++p)
    for (int u = 0; u < oh; ++u)
      for (int v = 0; v < ow; ++v) {
        const double* base = &x[(p * h + 2 * u) * w + 2 * v];
        y[(p * oh + u) * ow + v] = std::max({base[0], base[1], base[w], base[w + 1]});
      }
  return y;
}

// Mean over rows of -log softmax(z)[label].
inline double cross_entropy(const Vec& z, const std::vector<int>& labels, int classes) {
  const int batch = static_cast<int>(labels.size());
  double total = 0;
  for (int r = 0; r < batch; ++r) {
    double m = z[r * classes];
    for (int j = 1; j < classes; ++j) m = std::max(m, z[r * classes + j]);
    double s = 0;
    for (int j = 0; j < classes; ++j) s += std::exp(z[r * classes + j] - m);
    total += -(z[r * classes + labels[r]] - m - std::log(s));
  }
  return total / batch;
}

// d f / d v[i] for every i by central differences with step h.
inline Vec finite_differences(const std::function<double(const Vec&)>& f, Vec v, double h = 1e-6) {
  Vec grad(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double saved = v[i];
    v[i] = saved + h;
    const double up = f(v);
    v[i] = saved - h;
    const double down = f(v);
    v[i] = saved;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

// Largest |a - b| / (abs_tol + rel_tol |b|): <= 1 passes.
inline double worst_error(const Vec& a, const Vec& b, double abs_tol, double rel_tol) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]) / (abs_tol + rel_tol * std::abs(b[i])));
  return a.size() == b.size() ? worst : 1e300;
}

// Whether two lists of tensors hold the same shapes and the same bits, element for element.
inline bool same_bits(const std::vector<mpsim::Tensor>& a, const std::vector<mpsim::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t t = 0; t < a.size(); ++t) {
    if (a[t].shape() != b[t].shape()) return false;
    for (std::size_t i = 0; i < a[t].size(); ++i)
      if (a[t].bits(i) != b[t].bits(i)) return false;
  }
  return true;
}

}  // namespace nn_reference
