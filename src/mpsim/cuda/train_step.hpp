// SPDX-License-Identifier: MIT
// One training step of the benchmark MLP under amp-fp16, twice: in the CPU emulation
// (nn::Sequential under the amp-fp16 policy, every tensor captured by a TensorProbe) and in
// mpsim's own CUDA kernels that follow the emulated order (train_step.cu), then every tensor
// compared. Plain C++ (no CUDA headers): the emulation and the comparison run in every build;
// the device step is a stub without CUDA (no_cuda.cpp).
//
// amp-fp16's products use the accumulation model "fp32-sequential" (policy_presets.cpp): each
// output element is acc = c, then acc = fma(a_k, b_k, acc) in binary32 for k increasing, so
// the kernels are chains of __fmaf_rn, not tensor cores. Softmax cross-entropy needs exp and
// log: the emulation rounds glibc's double exp/log to binary32, the kernels CUDA's double
// exp/log; the two libraries are different code, so the loss and the logits' gradient are
// compared bit for bit *and* by ulp distance, and the device's backward continues from the
// emulation's logits gradient (DeviceStepOptions::feed_emulated_dlogits), so that the later
// tensors test the products alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mpsim::cuda {

struct TrainStepSetup {
  std::vector<int> widths{784, 256, 128, 100, 10};  // the Fashion-MNIST benchmark MLP (mpsim train's default)
  int batch = 64;
  std::uint64_t seed = 1;       // the MLP's init streams (models.hpp) and the synthetic batch
  float loss_scale = 65536.0f;  // the PyTorch GradScaler's initial scale (amp-fp16's scaler)
  // The accumulation model of the layers' products: amp-fp16's own "fp32-sequential" (fma
  // chains on the device) or "sm90" (amp-fp16 with the tensor-core model: mma.sync chains).
  std::string products = "fp32-sequential";
};

// A named tensor of the step; values as binary32 (fp16 tensors hold fp16 values exactly).
struct StepTensor {
  std::string name;                  // "fc1.activation", "loss", "fc4.grad_output", "fc2.weight_gradient", ...
  std::vector<std::int64_t> shape;
  std::vector<float> values;
  bool half = false;                 // the values are binary16 (the policy's formats); else binary32
};

struct TrainStepInputs {
  std::vector<float> x;              // batch x widths[0], pixels k/255 (half of them 0)
  std::vector<int> labels;           // batch class indices
  std::vector<StepTensor> parameters;  // "fc1.weight" {out, in}, "fc1.bias" {out}, ... binary32 masters
};

// The synthetic batch (a pure function of the seed) and the MLP's initial parameters.
// Throws std::invalid_argument for fewer than two widths, a width or batch outside 1..4096, or
// products other than "fp32-sequential" and "sm90".
TrainStepInputs make_train_step_inputs(const TrainStepSetup& setup);

// The emulated step, tensors in step order (train_step_tensor_names()).
std::vector<StepTensor> emulate_train_step(const TrainStepSetup& setup, const TrainStepInputs& inputs);

// Names in step order: fc1.activation, relu1.activation, ..., fcN.activation (logits), loss,
// fcN.grad_output (the logits' gradient), then per layer from the last: fcN.grad_input,
// fcN.weight_gradient, fcN.bias_gradient, reluN-1.grad_input, ..., fc1.weight_gradient,
// fc1.bias_gradient (fc1 has no input gradient: models.hpp).
std::vector<std::string> train_step_tensor_names(const TrainStepSetup& setup);

// Whether a tensor depends on exp/log of two different libraries (loss, the logits' gradient).
bool uses_transcendentals(const std::string& name);

struct DeviceStepOptions {
  bool feed_emulated_dlogits = true;  // backward starts from the emulation's logits gradient
};

// The same step by mpsim's CUDA kernels; nothing, with the reason in `why`, without a device.
// `emulated` supplies the logits gradient when options.feed_emulated_dlogits.
std::optional<std::vector<StepTensor>> device_train_step(const TrainStepSetup& setup, const TrainStepInputs& inputs,
                                                         const std::vector<StepTensor>& emulated,
                                                         const DeviceStepOptions& options, std::string& why);

struct TensorComparison {
  std::string name;
  std::uint64_t cases = 0;
  std::uint64_t mismatches[3] = {0, 0, 0};  // value, sign_of_zero, nan_pattern (mismatch.hpp)
  std::uint64_t max_ulps = 0;               // largest distance in units in the last place of the tensor's format
  std::int64_t first_index = -1;            // first mismatching element, -1 when none
  std::uint32_t first_expected = 0, first_actual = 0;  // its bits (see compare_step)
  bool transcendental = false;              // uses_transcendentals(name)
  std::uint64_t total() const { return mismatches[0] + mismatches[1] + mismatches[2]; }
};

// Element by element, bit for bit on the binary32 values (so a value outside binary16 in a
// binary16 tensor is a mismatch too); max_ulps and the first mismatch's bits in the tensor's
// format where both values belong to it, else in binary32. Throws std::invalid_argument when
// the two lists differ in names, sizes or formats.
std::vector<TensorComparison> compare_step(const std::vector<StepTensor>& emulated, const std::vector<StepTensor>& device);

// Distance in units in the last place between two bit patterns of binary16 (half) or binary32,
// counted through zero (+0 and -0 are 0 apart); a NaN on either side gives UINT64_MAX unless both are NaN (0).
std::uint64_t ulp_distance(std::uint32_t a, std::uint32_t b, bool half);
// The binary16 bits of a float holding a binary16 value exactly (else of its rounding).
std::uint16_t half_bits(float v);
// Whether v is a binary16 value (every NaN counts as one).
bool is_half_value(float v);

}  // namespace mpsim::cuda
