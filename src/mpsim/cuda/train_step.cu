// SPDX-License-Identifier: MIT
// The MLP's training step under amp-fp16 in mpsim's own CUDA kernels (train_step.hpp), each
// kernel the emulation's arithmetic in its order:
//   cast      binary32 -> binary16 operand: __float2half_rn (validated for every float32, f32.to_fp16.rn)
//   linear    y[r][j]  = fp16( acc = b[j]; acc = __fmaf_rn(xo[r][k], wo[j][k], acc), k = 0, 1, ... )
//   backward  gx[r][k] = fp16( acc = +0;   acc = __fmaf_rn(go[r][j], wo[j][k], acc), j increasing )
//             gw[j][k] = fp16( acc = +0;   acc = __fmaf_rn(go[r][j], xo[r][k], acc), r increasing )
//             gb[j]    = fp16( acc = +0;   acc = __fmaf_rn(gy[r][j], 1, acc), r increasing )  (sum = dot with ones)
//   relu      bits kept where v > 0 or NaN; backward keeps the gradient where the output was nonzero
//   softmax cross-entropy (softmax_cross_entropy.hpp): binary32 steps with _rn intrinsics (no
//             contraction), exp and log as CUDA's double exp/log rounded to binary32 (the CPU: glibc's).
// One thread per output element; every dot runs in increasing k as dot() specifies for the
// fp32-sequential model (fused: one rounding per step). With TrainStepSetup::products "sm90"
// the three products run on tensor cores instead (mma_product); the bias gradient stays a sum
// under amp-fp16's reductions model (fp32-sequential).
#include <cstdint>
#include <string>
#include <vector>

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "mpsim/cuda/sweep.cuh"
#include "mpsim/cuda/train_step.hpp"
#include "mpsim/cuda/validate.hpp"

namespace mpsim::cuda {
namespace {

constexpr int threads = 128;

unsigned blocks_for(std::size_t n) { return static_cast<unsigned>((n + threads - 1) / threads); }

__device__ inline float to_half_value(float v) { return __half2float(__float2half_rn(v)); }

__global__ void cast_to_half(const float* in, float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = to_half_value(in[i]);
}

// y (B x out) = fp16(bias + xo wo^T); xo (B x in), wo (out x in).
__global__ void linear_forward(const float* xo, const float* wo, const float* bias, float* y, int batch, int in, int out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= batch * out) return;
  const int r = i / out, j = i % out;
  float acc = bias[j];
  for (int k = 0; k < in; ++k) acc = __fmaf_rn(xo[r * in + k], wo[j * in + k], acc);
  y[i] = to_half_value(acc);
}

// gx (B x in) = fp16(go wo): go (B x out), wo (out x in).
__global__ void linear_grad_input(const float* go, const float* wo, float* gx, int batch, int in, int out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= batch * in) return;
  const int r = i / in, k = i % in;
  float acc = 0.0f;
  for (int j = 0; j < out; ++j) acc = __fmaf_rn(go[r * out + j], wo[j * in + k], acc);
  gx[i] = to_half_value(acc);
}

// gw (out x in) = fp16(go^T xo).
__global__ void linear_grad_weight(const float* go, const float* xo, float* gw, int batch, int in, int out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= out * in) return;
  const int j = i / in, k = i % in;
  float acc = 0.0f;
  for (int r = 0; r < batch; ++r) acc = __fmaf_rn(go[r * out + j], xo[r * in + k], acc);
  gw[i] = to_half_value(acc);
}

// gb (out) = fp16(column sums of gy), rows in increasing order.
__global__ void linear_grad_bias(const float* gy, float* gb, int batch, int out) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= out) return;
  float acc = 0.0f;
  for (int r = 0; r < batch; ++r) acc = __fmaf_rn(gy[r * out + j], 1.0f, acc);
  gb[j] = to_half_value(acc);
}

// The products on tensor cores (TrainStepSetup::products == "sm90"): D = C + A B with A (M x K)
// and B (K x N) read through strides (A(i, k) = a[i sai + k sak], B(k, j) = b[k sbk + j sbj]),
// C(i, j) = bias[j] or +0, one warp per 16 x 8 tile, a chain of
// mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 in increasing k (D of one k-block is C of
// the next), zeros beyond M, N and K (zero products take no part in the sm90 step: FACTS.md 8),
// and D rounded to binary16. Fragments as in tensor_core_suites.cu.
struct Strided {
  const float* p;
  int row_stride, col_stride, rows, cols;
  __device__ std::uint32_t half_bits(int r, int c) const {
    if (r >= rows || c >= cols) return 0;
    return __half_as_ushort(__float2half_rn(p[r * row_stride + c * col_stride]));  // exact: binary16 values
  }
  __device__ std::uint32_t pair(int r0, int c0, int r1, int c1) const { return half_bits(r0, c0) | (half_bits(r1, c1) << 16); }
};

__global__ void __launch_bounds__(32) mma_product(Strided a, Strided b, const float* bias, float* d, int m, int n, int k) {
  const int tiles_n = (n + 7) / 8;
  const int tile_row = blockIdx.x / tiles_n * 16, tile_col = blockIdx.x % tiles_n * 8;
  const int lane = static_cast<int>(threadIdx.x), g = lane / 4, t2 = 2 * (lane % 4);
  const int rows[4] = {tile_row + g, tile_row + g, tile_row + g + 8, tile_row + g + 8};
  const int cols[4] = {tile_col + t2, tile_col + t2 + 1, tile_col + t2, tile_col + t2 + 1};
  float acc[4];
  for (int e = 0; e < 4; ++e) acc[e] = bias && cols[e] < n ? bias[cols[e]] : 0.0f;
  for (int k0 = 0; k0 < k; k0 += 16) {
    const int r = tile_row + g, c = k0 + t2;
    const std::uint32_t a0 = a.pair(r, c, r, c + 1), a1 = a.pair(r + 8, c, r + 8, c + 1);
    const std::uint32_t a2 = a.pair(r, c + 8, r, c + 9), a3 = a.pair(r + 8, c + 8, r + 8, c + 9);
    const int col = tile_col + g;
    const std::uint32_t b0 = b.pair(c, col, c + 1, col), b1 = b.pair(c + 8, col, c + 9, col);
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(acc[0]), "+f"(acc[1]), "+f"(acc[2]), "+f"(acc[3])
        : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
  }
  for (int e = 0; e < 4; ++e)
    if (rows[e] < m && cols[e] < n) d[rows[e] * n + cols[e]] = to_half_value(acc[e]);
}

void launch_mma_product(const Strided& a, const Strided& b, const float* bias, float* d, int m, int n, int k) {
  const unsigned tiles = static_cast<unsigned>(((m + 15) / 16) * ((n + 7) / 8));
  mma_product<<<tiles, 32>>>(a, b, bias, d, m, n, k);
}

__device__ inline bool relu_passes(float v) { return v > 0.0f || v != v; }

__global__ void relu_forward(const float* x, float* y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = relu_passes(x[i]) ? x[i] : 0.0f;  // +0, as the CPU's bit mask gives
}

// The gradient where the forward output was nonzero (> 0 or NaN), +0 elsewhere.
__global__ void relu_backward(const float* y, const float* g, float* gx, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) gx[i] = y[i] != 0.0f ? g[i] : 0.0f;
}

__device__ inline float exp32(float x) { return __double2float_rn(exp(static_cast<double>(x))); }
__device__ inline float log32(float x) { return __double2float_rn(log(static_cast<double>(x))); }

// One thread per row: log-softmax into lp, the row's loss into row_loss.
__global__ void softmax_rows(const float* z, const int* labels, float* lp, float* row_loss, int batch, int classes) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= batch) return;
  const float* row = z + r * classes;
  float m = row[0];
  for (int j = 1; j < classes; ++j) {
    if (m != m) break;
    if (row[j] > m || row[j] != row[j]) m = row[j];
  }
  float s = 0.0f;
  for (int j = 0; j < classes; ++j) s = __fadd_rn(s, exp32(__fsub_rn(row[j], m)));
  const float log_s = log32(s);
  for (int j = 0; j < classes; ++j) lp[r * classes + j] = __fsub_rn(__fsub_rn(row[j], m), log_s);
  row_loss[r] = -lp[r * classes + labels[r]];
}

// One thread: loss = (sum of the rows' losses, from +0, r increasing) / B.
__global__ void mean_loss(const float* row_loss, float* loss, int batch) {
  float total = 0.0f;
  for (int r = 0; r < batch; ++r) total = __fadd_rn(total, row_loss[r]);
  *loss = __fdiv_rn(total, static_cast<float>(batch));
}

// dz[r][j] = fp16( g_j - exp(lp) * g ), g = -(scale / B): two roundings.
__global__ void softmax_backward(const float* lp, const int* labels, float* dz, float scale, int batch, int classes) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= batch * classes) return;
  const int r = i / classes, j = i % classes;
  const float g = -__fdiv_rn(scale, static_cast<float>(batch));
  const float g_j = j == labels[r] ? g : 0.0f;
  dz[i] = to_half_value(__fsub_rn(g_j, __fmul_rn(exp32(lp[i]), g)));
}

// A device array freed on every path.
struct DeviceArray {
  void* p = nullptr;
  std::size_t bytes = 0;
  DeviceArray() = default;
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  DeviceArray(DeviceArray&& o) noexcept : p(o.p), bytes(o.bytes) { o.p = nullptr; }
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    if (this != &o) {
      if (p) cudaFree(p);
      p = o.p, bytes = o.bytes, o.p = nullptr;
    }
    return *this;
  }
  ~DeviceArray() {
    if (p) cudaFree(p);
  }
  float* f() const { return static_cast<float*>(p); }
};

DeviceArray device_array(std::size_t count, std::size_t element = sizeof(float)) {
  DeviceArray a;
  a.bytes = count * element;
  check(cudaMalloc(&a.p, a.bytes ? a.bytes : 1), "cudaMalloc");
  check(cudaMemset(a.p, 0, a.bytes ? a.bytes : 1), "cudaMemset");
  return a;
}

template <class T>
DeviceArray upload(const std::vector<T>& v) {
  DeviceArray a = device_array(v.size(), sizeof(T));
  check(cudaMemcpy(a.p, v.data(), a.bytes, cudaMemcpyHostToDevice), "cudaMemcpy to the device");
  return a;
}

StepTensor download(std::string name, const DeviceArray& a, std::vector<std::int64_t> shape, bool half) {
  StepTensor t{std::move(name), std::move(shape), std::vector<float>(a.bytes / sizeof(float)), half};
  check(cudaMemcpy(t.values.data(), a.p, a.bytes, cudaMemcpyDeviceToHost), "cudaMemcpy to the host");
  return t;
}

void launched(const char* what) { check(cudaGetLastError(), what); }

std::vector<StepTensor> run_step(const TrainStepSetup& s, const TrainStepInputs& inputs, const std::vector<StepTensor>& emulated,
                                 const DeviceStepOptions& options) {
  const int layers = static_cast<int>(s.widths.size()) - 1, batch = s.batch, classes = s.widths.back();
  const bool tensor_cores = s.products == "sm90";
  std::vector<StepTensor> forward, backward;
  auto fc = [](int l) { return "fc" + std::to_string(l); };
  auto relu = [](int l) { return "relu" + std::to_string(l); };

  // Operands of the forward products: x and every weight cast to binary16.
  std::vector<DeviceArray> inputs_half;  // xo of layer l (index l - 1)
  std::vector<DeviceArray> weights_half, biases, outputs;  // wo, b (binary32), relu or logits output
  const DeviceArray x = upload(inputs.x);
  DeviceArray x_half = device_array(inputs.x.size());
  cast_to_half<<<blocks_for(inputs.x.size()), threads>>>(x.f(), x_half.f(), static_cast<int>(inputs.x.size()));
  launched("cast kernel");
  inputs_half.push_back(std::move(x_half));
  for (int l = 1; l <= layers; ++l) {
    const std::vector<float>& w = inputs.parameters[2 * (l - 1)].values;
    const DeviceArray w32 = upload(w);
    DeviceArray wh = device_array(w.size());
    cast_to_half<<<blocks_for(w.size()), threads>>>(w32.f(), wh.f(), static_cast<int>(w.size()));
    launched("cast kernel");
    weights_half.push_back(std::move(wh));
    biases.push_back(upload(inputs.parameters[2 * (l - 1) + 1].values));
  }
  // Forward.
  std::vector<DeviceArray> pre_relu;  // linear outputs
  for (int l = 1; l <= layers; ++l) {
    const int in = s.widths[l - 1], out = s.widths[l];
    DeviceArray y = device_array(std::size_t(batch) * out);
    if (tensor_cores) {  // y (B x out) = bias + xo (B x in) wo^T
      launch_mma_product({inputs_half[l - 1].f(), in, 1, batch, in}, {weights_half[l - 1].f(), 1, in, in, out},
                         biases[l - 1].f(), y.f(), batch, out, in);
    } else {
      linear_forward<<<blocks_for(std::size_t(batch) * out), threads>>>(inputs_half[l - 1].f(), weights_half[l - 1].f(),
                                                                        biases[l - 1].f(), y.f(), batch, in, out);
    }
    launched("linear forward kernel");
    forward.push_back(download(fc(l) + ".activation", y, {batch, out}, true));
    if (l < layers) {
      DeviceArray a = device_array(std::size_t(batch) * out);
      relu_forward<<<blocks_for(std::size_t(batch) * out), threads>>>(y.f(), a.f(), batch * out);
      launched("relu kernel");
      forward.push_back(download(relu(l) + ".activation", a, {batch, out}, true));
      // The next layer's operand: already binary16, cast again as the emulation does (exact).
      DeviceArray next = device_array(std::size_t(batch) * out);
      cast_to_half<<<blocks_for(std::size_t(batch) * out), threads>>>(a.f(), next.f(), batch * out);
      launched("cast kernel");
      inputs_half.push_back(std::move(next));
      outputs.push_back(std::move(a));
    }
    pre_relu.push_back(std::move(y));
  }
  // Loss and its gradient.
  const DeviceArray labels = upload(inputs.labels);
  const DeviceArray lp = device_array(std::size_t(batch) * classes), row_loss = device_array(batch), loss = device_array(1);
  softmax_rows<<<blocks_for(batch), threads>>>(pre_relu.back().f(), static_cast<const int*>(labels.p), lp.f(), row_loss.f(),
                                               batch, classes);
  launched("softmax kernel");
  mean_loss<<<1, 1>>>(row_loss.f(), loss.f(), batch);
  launched("loss kernel");
  DeviceArray dz = device_array(std::size_t(batch) * classes);
  softmax_backward<<<blocks_for(std::size_t(batch) * classes), threads>>>(lp.f(), static_cast<const int*>(labels.p), dz.f(),
                                                                          s.loss_scale, batch, classes);
  launched("softmax backward kernel");
  forward.push_back(download("loss", loss, {1}, false));
  backward.push_back(download(fc(layers) + ".grad_output", dz, {batch, classes}, true));
  if (options.feed_emulated_dlogits) {
    for (const StepTensor& t : emulated) {
      if (t.name != fc(layers) + ".grad_output") continue;
      if (t.values.size() != std::size_t(batch) * classes) throw std::invalid_argument("train step: the fed logits gradient has another size");
      dz = upload(t.values);
    }
  }
  // Backward, from the last layer.
  DeviceArray g = std::move(dz);  // the gradient of layer l's output
  for (int l = layers; l >= 1; --l) {
    const int in = s.widths[l - 1], out = s.widths[l];
    DeviceArray go = device_array(std::size_t(batch) * out);
    cast_to_half<<<blocks_for(std::size_t(batch) * out), threads>>>(g.f(), go.f(), batch * out);
    launched("cast kernel");
    DeviceArray gx = device_array(std::size_t(batch) * in);
    if (l > 1) {
      if (tensor_cores) {  // gx (B x in) = go (B x out) wo (out x in)
        launch_mma_product({go.f(), out, 1, batch, out}, {weights_half[l - 1].f(), in, 1, out, in}, nullptr, gx.f(), batch,
                           in, out);
      } else {
        linear_grad_input<<<blocks_for(std::size_t(batch) * in), threads>>>(go.f(), weights_half[l - 1].f(), gx.f(), batch,
                                                                            in, out);
      }
      launched("grad input kernel");
      backward.push_back(download(fc(l) + ".grad_input", gx, {batch, in}, true));
    }
    DeviceArray gw = device_array(std::size_t(out) * in), gb = device_array(out);
    if (tensor_cores) {  // gw (out x in) = go^T (out x B) xo (B x in)
      launch_mma_product({go.f(), 1, out, out, batch}, {inputs_half[l - 1].f(), in, 1, batch, in}, nullptr, gw.f(), out, in,
                         batch);
    } else {
      linear_grad_weight<<<blocks_for(std::size_t(out) * in), threads>>>(go.f(), inputs_half[l - 1].f(), gw.f(), batch, in,
                                                                         out);
    }
    launched("grad weight kernel");
    linear_grad_bias<<<blocks_for(out), threads>>>(g.f(), gb.f(), batch, out);
    launched("grad bias kernel");
    backward.push_back(download(fc(l) + ".weight_gradient", gw, {out, in}, true));
    backward.push_back(download(fc(l) + ".bias_gradient", gb, {out}, true));
    if (l > 1) {
      DeviceArray gr = device_array(std::size_t(batch) * in);
      relu_backward<<<blocks_for(std::size_t(batch) * in), threads>>>(outputs[l - 2].f(), gx.f(), gr.f(), batch * in);
      launched("relu backward kernel");
      backward.push_back(download(relu(l - 1) + ".grad_input", gr, {batch, in}, true));
      g = std::move(gr);
    }
  }
  forward.insert(forward.end(), std::make_move_iterator(backward.begin()), std::make_move_iterator(backward.end()));
  return forward;
}

}  // namespace

std::optional<std::vector<StepTensor>> device_train_step(const TrainStepSetup& setup, const TrainStepInputs& inputs,
                                                         const std::vector<StepTensor>& emulated,
                                                         const DeviceStepOptions& options, std::string& why) {
  if (!find_device(why)) return std::nullopt;
  if (inputs.parameters.size() != 2 * (setup.widths.size() - 1)) {
    why = "train step: the inputs hold another number of parameters than the widths need";
    return std::nullopt;
  }
  try {
    return run_step(setup, inputs, emulated, options);
  } catch (const std::exception& e) {
    why = e.what();
    return std::nullopt;
  }
}

}  // namespace mpsim::cuda
