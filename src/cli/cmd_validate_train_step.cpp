// SPDX-License-Identifier: MIT
// The validate train_step command (cmd_validate_train_step.hpp): emulate, export, run on the
// device, compare, print one row per tensor.
#include "cmd_validate_train_step.hpp"

#include <bit>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd_validate.hpp"
#include "mpsim/cuda/train_step.hpp"
#include "mpsim/cuda/validate.hpp"
#include "mpsim/data/atomic_file.hpp"
#include "table.hpp"

namespace mpsim::cli {
namespace {

using mpsim::cuda::StepTensor;
using mpsim::cuda::TensorComparison;

constexpr int usage_error = 2;

std::string hex(std::uint32_t bits, bool half) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, half ? "%04X" : "%08X", bits);
  return buffer;
}

std::string version_string(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

template <class T>
std::string raw_bytes(const std::vector<T>& v) {  // little-endian on every machine mpsim builds for
  static_assert(std::endian::native == std::endian::little);
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// DIR/manifest.json names every file with its shape; DIR/x.f32, labels.i32, <parameter>.f32,
// emulated.<tensor>.f32 (binary32 little-endian, row-major; fp16 tensors hold fp16 values).
void export_step(const std::filesystem::path& dir, const cuda::TrainStepSetup& setup, const cuda::TrainStepInputs& in,
                 const std::vector<StepTensor>& emulated) {
  std::filesystem::create_directories(dir);
  nlohmann::json manifest{{"model", "mlp"},
                          {"widths", setup.widths},
                          {"batch", setup.batch},
                          {"seed", setup.seed},
                          {"policy", "amp-fp16"},
                          {"products", setup.products},
                          {"loss_scale", setup.loss_scale},
                          {"x", {{"file", "x.f32"}, {"shape", {setup.batch, setup.widths.front()}}}},
                          {"labels", {{"file", "labels.i32"}, {"shape", {setup.batch}}}}};
  data::write_file_atomically(dir / "x.f32", raw_bytes(in.x));
  data::write_file_atomically(dir / "labels.i32", raw_bytes(in.labels));
  for (const StepTensor& p : in.parameters) {
    data::write_file_atomically(dir / (p.name + ".f32"), raw_bytes(p.values));
    manifest["parameters"].push_back({{"name", p.name}, {"file", p.name + ".f32"}, {"shape", p.shape}});
  }
  for (const StepTensor& t : emulated) {
    const std::string file = "emulated." + t.name + ".f32";
    data::write_file_atomically(dir / file, raw_bytes(t.values));
    manifest["emulated"].push_back(
        {{"name", t.name}, {"file", file}, {"shape", t.shape}, {"format", t.half ? "binary16" : "binary32"}});
  }
  data::write_file_atomically(dir / "manifest.json", manifest.dump(2) + "\n");
}

std::string compared_as(const TensorComparison& c) {
  return c.transcendental ? "bits (exp/log: CUDA vs glibc)" : "bits";
}

}  // namespace

CLI::App* add_validate_train_step_command(CLI::App& validate, TrainStepValidateOptions& options) {
  CLI::App* cmd = validate.add_subcommand(
      "train_step", "One amp-fp16 training step of the benchmark MLP: the CPU emulation against mpsim's CUDA kernels");
  cmd->add_option("--batch", options.batch, "Batch size of the synthetic batch (1..4096)")->check(CLI::Range(1, 4096));
  cmd->add_option("--seed", options.seed, "Seed of the weights and the batch");
  cmd->add_option("--products", options.products,
                  "Accumulation model of the products: fp32-sequential (amp-fp16's own; fma chains on the device) "
                  "or sm90 (tensor-core model; mma.sync chains)")
      ->check(CLI::IsMember({"fp32-sequential", "sm90"}));
  cmd->add_option("--json", options.json, "Also write the per-tensor report as JSON to FILE");
  cmd->add_option("--export", options.export_dir,
                  "Write the batch, the weights and the emulated tensors as raw files to DIR (for "
                  "scripts/validate_train_step_torch.py)");
  cmd->add_flag("--device-dlogits", options.device_dlogits,
                "Let the device's backward start from its own logits gradient (default: the emulation's)");
  cmd->callback([&options] { options.requested = true; });
  return cmd;
}

int run_validate_train_step_command(const TrainStepValidateOptions& options, std::ostream& out, std::ostream& err) {
  cuda::TrainStepSetup setup;
  setup.batch = options.batch;
  setup.seed = options.seed;
  setup.products = options.products;
  cuda::TrainStepInputs inputs;
  std::vector<StepTensor> emulated;
  try {
    inputs = cuda::make_train_step_inputs(setup);
    emulated = cuda::emulate_train_step(setup, inputs);
    if (!options.export_dir.empty()) export_step(options.export_dir, setup, inputs, emulated);
  } catch (const std::exception& e) {
    err << "mpsim validate train_step: " << e.what() << "\n";
    return usage_error;
  }
  if (!options.export_dir.empty()) err << "  exported the step to " << options.export_dir << "\n";
  if (!cuda::built_with_cuda()) {
    err << "mpsim validate train_step: this mpsim was built without CUDA (configure with nvcc available, MPSIM_CUDA=ON)\n";
    return validate_no_device_exit;
  }
  std::string why;
  const std::optional<cuda::DeviceInfo> device = cuda::find_device(why);
  if (!device) {
    err << "mpsim validate train_step: " << why << "\n";
    return validate_no_device_exit;
  }
  const cuda::DeviceStepOptions device_options{.feed_emulated_dlogits = !options.device_dlogits};
  const auto on_device = cuda::device_train_step(setup, inputs, emulated, device_options, why);
  if (!on_device) {
    err << "mpsim validate train_step: the device step failed: " << why << "\n";
    return validate_no_device_exit;
  }
  const std::vector<TensorComparison> compared = cuda::compare_step(emulated, *on_device);

  out << "device: " << device->name << " (sm_" << device->compute_major << device->compute_minor << "), driver "
      << device->driver_version << " (CUDA " << version_string(device->driver_cuda_version) << "), CUDA runtime "
      << version_string(device->runtime_version) << "\n";
  out << "step: MLP";
  for (int w : setup.widths) out << " " << w;
  out << ", batch " << setup.batch << " (synthetic, seed " << setup.seed << "), amp-fp16 with " << setup.products << " products, loss scale " << setup.loss_scale
      << "; backward from the " << (options.device_dlogits ? "device's" : "emulation's") << " logits gradient\n";
  std::vector<std::vector<std::string>> rows{
      {"tensor", "elements", "value", "sign_of_zero", "nan_pattern", "max_ulps", "compared", "first mismatch"}};
  nlohmann::json tensors = nlohmann::json::array();
  std::uint64_t total = 0, elements = 0;
  for (std::size_t i = 0; i < compared.size(); ++i) {
    const TensorComparison& c = compared[i];
    const bool half = emulated[i].half;
    total += c.total();
    elements += c.cases;
    const std::string first =
        c.first_index < 0 ? "-"
                          : "[" + std::to_string(c.first_index) + "] mpsim " + hex(c.first_expected, half) + " device " +
                                hex(c.first_actual, half);
    rows.push_back({c.name, std::to_string(c.cases), std::to_string(c.mismatches[0]), std::to_string(c.mismatches[1]),
                    std::to_string(c.mismatches[2]), std::to_string(c.max_ulps), compared_as(c), first});
    tensors.push_back({{"tensor", c.name},
                       {"format", half ? "binary16" : "binary32"},
                       {"elements", c.cases},
                       {"mismatches", {{"value", c.mismatches[0]}, {"sign_of_zero", c.mismatches[1]}, {"nan_pattern", c.mismatches[2]}}},
                       {"max_ulps", c.max_ulps},
                       {"transcendental", c.transcendental},
                       {"first_mismatch", c.first_index < 0 ? nlohmann::json(nullptr)
                                                            : nlohmann::json{{"index", c.first_index},
                                                                             {"mpsim", hex(c.first_expected, half)},
                                                                             {"device", hex(c.first_actual, half)}}}});
  }
  print_table(out, rows);
  out << "\n" << compared.size() << " tensors, " << elements << " elements, " << total << " mismatches\n";
  if (!options.json.empty()) {
    const nlohmann::json doc{{"device",
                              {{"name", device->name},
                               {"driver", device->driver_version},
                               {"driver_cuda", version_string(device->driver_cuda_version)},
                               {"runtime_cuda", version_string(device->runtime_version)}}},
                             {"step",
                              {{"widths", setup.widths},
                               {"batch", setup.batch},
                               {"seed", setup.seed},
                               {"policy", "amp-fp16"},
                               {"products", setup.products},
                               {"loss_scale", setup.loss_scale},
                               {"backward_from", options.device_dlogits ? "device dlogits" : "emulated dlogits"}}},
                             {"tensors", tensors},
                             {"total_mismatches", total}};
    try {
      data::write_file_atomically(options.json, doc.dump(2) + "\n");
    } catch (const std::exception& e) {
      err << "mpsim validate train_step: " << e.what() << "\n";
      return usage_error;
    }
  }
  return total == 0 ? 0 : validate_mismatch_exit;
}

}  // namespace mpsim::cli
