// SPDX-License-Identifier: MIT
// The validate command: picks suites from the CUDA backend's table, runs them on the first
// device and prints one line per suite, the first mismatches' bits, and optionally JSON.
#include "cmd_validate.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mpsim/cuda/validate.hpp"
#include "table.hpp"

namespace mpsim::cli {
namespace {

using mpsim::cuda::MismatchClass;
using mpsim::cuda::MismatchRecord;
using mpsim::cuda::Suite;
using mpsim::cuda::SuiteReport;

constexpr int usage_error = 2;

std::string hex(std::uint64_t bits, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*llX", digits, static_cast<unsigned long long>(bits));
  return buffer;
}

const char* class_name(std::uint32_t kind) {
  switch (static_cast<MismatchClass>(kind)) {
    case MismatchClass::value: return "value";
    case MismatchClass::sign_of_zero: return "sign_of_zero";
    case MismatchClass::nan_pattern: return "nan_pattern";
    case MismatchClass::none: break;
  }
  return "none";
}

std::string version_string(int v) {  // 13000 -> "13.0"
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

std::string seconds_string(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", s);
  return buffer;
}

std::string operands_text(const Suite& s, const MismatchRecord& m) {
  static const char* names[] = {"a", "b", "c"};
  std::string text;
  for (int i = 0; i < s.operand_count; ++i) {
    text += std::string(i ? " " : "") + names[i] + "=" + hex(m.operands[i], s.operand_hex_digits);
  }
  return text;
}

nlohmann::json report_json(const Suite& s, const SuiteReport& r) {
  nlohmann::json first = nlohmann::json::array();
  for (const MismatchRecord& m : r.first) {
    nlohmann::json operands = nlohmann::json::array();
    for (int i = 0; i < s.operand_count; ++i) operands.push_back(hex(m.operands[i], s.operand_hex_digits));
    first.push_back({{"index", m.index},
                     {"operands", operands},
                     {"expected_mpsim", hex(m.expected, s.result_hex_digits)},
                     {"actual_hardware", hex(m.actual, s.result_hex_digits)},
                     {"class", class_name(m.kind)}});
  }
  return {{"suite", s.name},
          {"native", s.native},
          {"emulated", s.emulated},
          {"inputs", s.inputs},
          {"cases", r.cases},
          {"mismatches",
           {{"value", r.mismatches[0]}, {"sign_of_zero", r.mismatches[1]}, {"nan_pattern", r.mismatches[2]}}},
          {"first_mismatches", first},
          {"seconds", r.seconds}};
}

int list_suites(std::span<const Suite> all, std::ostream& out) {
  std::vector<std::vector<std::string>> rows{{"suite", "native", "emulated", "inputs", "run"}};
  for (const Suite& s : all) {
    rows.push_back({s.name, s.native, s.emulated, s.inputs, s.explicit_only ? "only when named" : "by default"});
  }
  print_table(out, rows);
  return 0;
}

}  // namespace

CLI::App* add_validate_command(CLI::App& app, ValidateOptions& options) {
  CLI::App* cmd = app.add_subcommand("validate", "Compare the emulator with the GPU's native instructions, on the GPU");
  cmd->add_option("--suite", options.suites,
                  "Suites to run: a name or a dotted prefix (fp16, bf16.div, f32.to_e4m3); default every suite");
  cmd->add_option("--json", options.json, "Also write the report as JSON to FILE");
  cmd->add_option("--max-mismatches", options.max_mismatches, "Mismatches kept per suite, with their bits (0..64)")
      ->check(CLI::Range(0, mpsim::cuda::max_records));
  cmd->add_flag("--list", options.list, "List the suites and exit");
  add_validate_train_step_command(*cmd, options.train_step);
  cmd->footer("Exit status: 0 every case matched, 1 mismatches found, 2 usage error, 3 no usable CUDA device\n"
              "or a build without CUDA. 'mpsim validate train_step --help': one training step instead.\n"
              "docs/validation.md describes the suites and the results.");
  return cmd;
}

int run_validate_command(const ValidateOptions& options, std::ostream& out, std::ostream& err) {
  if (options.train_step.requested) return run_validate_train_step_command(options.train_step, out, err);
  const auto all = mpsim::cuda::validation_suites();
  if (!mpsim::cuda::built_with_cuda()) {
    err << "mpsim validate: this mpsim was built without CUDA (configure with nvcc available, "
           "MPSIM_CUDA=ON)\n";
    return validate_no_device_exit;
  }
  if (options.list) return list_suites(all, out);
  std::vector<const Suite*> chosen;
  if (options.suites.empty()) {
    for (const Suite& s : all) {
      if (!s.explicit_only) chosen.push_back(&s);
    }
  }
  for (const std::string& name : options.suites) {
    const auto matched = mpsim::cuda::select_suites(all, name);
    if (matched.empty()) {
      err << "mpsim validate: unknown suite '" << name << "'; 'mpsim validate --list' shows them\n";
      return usage_error;
    }
    for (const Suite* s : matched) {
      if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) chosen.push_back(s);
    }
  }
  std::string why;
  const std::optional<mpsim::cuda::DeviceInfo> device = mpsim::cuda::find_device(why);
  if (!device) {
    err << "mpsim validate: " << why << "\n";
    return validate_no_device_exit;
  }
  out << "device: " << device->name << " (sm_" << device->compute_major << device->compute_minor << ", "
      << device->multiprocessors << " SMs), driver " << device->driver_version << " (CUDA "
      << version_string(device->driver_cuda_version) << "), CUDA runtime " << version_string(device->runtime_version)
      << "\n";
  nlohmann::json suites_json = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows{
      {"suite", "native", "inputs", "cases", "value", "sign_of_zero", "nan_pattern", "seconds"}};
  std::vector<std::string> details;
  std::uint64_t total = 0;
  const auto started = std::chrono::steady_clock::now();
  for (const Suite* s : chosen) {
    SuiteReport r;
    try {
      r = s->run(options.max_mismatches);
    } catch (const std::exception& e) {
      err << "mpsim validate: suite " << s->name << " failed: " << e.what() << "\n";
      return validate_no_device_exit;
    }
    r.name = s->name;
    total += r.total_mismatches();
    rows.push_back({s->name, s->native, s->inputs, std::to_string(r.cases), std::to_string(r.mismatches[0]),
                    std::to_string(r.mismatches[1]), std::to_string(r.mismatches[2]), seconds_string(r.seconds)});
    for (const MismatchRecord& m : r.first) {
      details.push_back(std::string(s->name) + ": " + operands_text(*s, m) + "  mpsim " +
                        hex(m.expected, s->result_hex_digits) + "  hardware " + hex(m.actual, s->result_hex_digits) +
                        "  (" + class_name(m.kind) + ")");
    }
    suites_json.push_back(report_json(*s, r));
    err << "  " << s->name << ": " << r.total_mismatches() << " mismatches in " << r.cases << " cases, "
        << seconds_string(r.seconds) << " s\n";
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  print_table(out, rows);
  if (!details.empty()) {
    out << "\nfirst mismatches (operands, emulator result, hardware result):\n";
    for (const std::string& line : details) out << "  " << line << "\n";
  }
  out << "\n" << chosen.size() << " suites, " << total << " mismatches, " << seconds_string(wall) << " s wall\n";
  if (!options.json.empty()) {
    const nlohmann::json doc{{"device",
                              {{"name", device->name},
                               {"compute_capability", std::to_string(device->compute_major) + "." +
                                                          std::to_string(device->compute_minor)},
                               {"multiprocessors", device->multiprocessors},
                               {"driver", device->driver_version},
                               {"driver_cuda", version_string(device->driver_cuda_version)},
                               {"runtime_cuda", version_string(device->runtime_version)}}},
                             {"environment", "nvidia_sm90_env (canonical NaN 0x7FFF / 0x7FFFFFFF, gradual underflow, "
                                             "neg/abs NaN as an addition, bf16 -> f32 NaN bits kept, "
                                             "E4M3 overflow NaN signed)"},
                             {"suites", suites_json},
                             {"total_mismatches", total},
                             {"wall_seconds", wall}};
    std::ofstream file(options.json);
    if (!file) {
      err << "mpsim validate: cannot write " << options.json << "\n";
      return usage_error;
    }
    file << doc.dump(2) << "\n";
  }
  return total == 0 ? 0 : validate_mismatch_exit;
}

}  // namespace mpsim::cli
