// SPDX-License-Identifier: MIT
// Pairs Google Benchmark results with their same-run baselines and prints the ratio table.
#include "bench_table.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <regex>
#include <stdexcept>

#include "table.hpp"

namespace mpsim::cli {
namespace {

std::vector<std::string_view> components(std::string_view name) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto slash = name.find('/');
    parts.push_back(name.substr(0, slash));
    if (slash == std::string_view::npos) return parts;
    name.remove_prefix(slash + 1);
  }
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

double nanoseconds(double value, const std::string& unit) {
  if (unit == "s") return value * 1e9;
  if (unit == "ms") return value * 1e6;
  if (unit == "us") return value * 1e3;
  return value;
}

std::string fixed(double x, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, x);
  return text;
}

// 1234567 -> "1.23 M"
std::string si(double x) {
  const char* prefixes[] = {"", " k", " M", " G", " T"};
  int i = 0;
  while (x >= 1000 && i < 4) x /= 1000, ++i;
  return fixed(x, x < 10 ? 2 : x < 100 ? 1 : 0) + prefixes[i];
}

std::string duration(double ns) {
  if (ns >= 1e9) return fixed(ns / 1e9, 3) + " s";
  if (ns >= 1e6) return fixed(ns / 1e6, 3) + " ms";
  if (ns >= 1e3) return fixed(ns / 1e3, 3) + " us";
  return fixed(ns, 1) + " ns";
}

}  // namespace

std::vector<std::string> baseline_prefixes_of(std::string_view name) {
  const auto parts = components(name);
  if (parts.size() < 2) return {};
  const std::string_view family = parts[0];
  if (family == "array") {
    if (parts[1].starts_with("memcpy")) return {};
    return {"array/memcpy_f32"};
  }
  if (family == "matmul") {
    if (parts[1].starts_with("eigen_f32")) return {};
    for (std::size_t i = 2; i < parts.size(); ++i) {
      if (!all_digits(parts[i])) continue;
      const std::string n(parts[i]);
      return {"matmul/eigen_f32_avx512/" + n, "matmul/eigen_f32/" + n};
    }
    return {};
  }
  if (family == "train" && parts.size() >= 4 && parts[2] != "fp32") {
    // train/mlp_epoch/POLICY/threads:T against the fp32 epoch at the same thread count.
    return {"train/" + std::string(parts[1]) + "/fp32/" + std::string(parts[3])};
  }
  if ((family == "mpsim" || family == "Float") && parts.size() >= 5) {
    const std::string_view op = parts[1], data = parts[4];
    if (op == "add" || op == "mul" || op == "fma" || op == "div") return {"native/" + std::string(op) + "/" + std::string(data)};
    if (op == "from_float" || op == "round_trip") return {"native/float_to_double/" + std::string(data)};
  }
  return {};
}

nlohmann::json parse_benchmark_json(const std::string& text) {
  // A value position (after ':' or '[' or ',') holding nan, -nan, inf, -inf in any case.
  static const std::regex non_finite(R"(([:\[,]\s*)-?(nan|inf|infinity)(?=\s*[,\]}]))", std::regex::icase);
  return nlohmann::json::parse(std::regex_replace(text, non_finite, "$1null"));
}

std::vector<BenchRow> bench_rows(const nlohmann::json& report) {
  if (!report.is_object() || !report.contains("benchmarks") || !report["benchmarks"].is_array())
    throw std::runtime_error("the benchmark output has no \"benchmarks\" array");
  // With repetitions, keep each benchmark's median; without, its single measurement.
  std::vector<BenchRow> rows;
  std::map<std::string, std::size_t> index;
  for (const auto& b : report["benchmarks"]) {
    const std::string run_type = b.value("run_type", "iteration");
    if (run_type == "aggregate" && b.value("aggregate_name", "") != "median") continue;
    const std::string name = b.value("run_name", b.value("name", ""));
    BenchRow row;
    row.name = name;
    if (b.contains("real_time") && b["real_time"].is_number())
      row.real_time_ns = nanoseconds(b["real_time"].get<double>(), b.value("time_unit", "ns"));
    if (b.contains("items_per_second") && b["items_per_second"].is_number())
      row.items_per_second = b["items_per_second"].get<double>();
    const auto found = index.find(name);
    if (found == index.end()) {
      index.emplace(name, rows.size());
      rows.push_back(row);
    } else if (run_type == "aggregate") {
      rows[found->second] = row;  // the median replaces a repetition's own row
    }
  }
  for (BenchRow& row : rows) {
    for (const std::string& prefix : baseline_prefixes_of(row.name)) {
      const auto base = std::find_if(rows.begin(), rows.end(), [&](const BenchRow& b) {
        return b.name == prefix || b.name.starts_with(prefix + "/");
      });
      if (base == rows.end()) continue;
      row.baseline = base->name;
      if (row.items_per_second && base->items_per_second && *base->items_per_second > 0)
        row.ratio = *row.items_per_second / *base->items_per_second;
      else if (row.real_time_ns > 0)
        row.ratio = base->real_time_ns / row.real_time_ns;
      break;
    }
  }
  return rows;
}

void print_bench_table(std::ostream& out, const nlohmann::json& report, const std::vector<BenchRow>& rows) {
  const nlohmann::json context = report.value("context", nlohmann::json::object());
  out << "machine: " << context.value("host_name", "?") << ", " << context.value("num_cpus", 0) << " CPUs at "
      << context.value("mhz_per_cpu", 0) << " MHz; run " << context.value("date", "?") << "\n"
      << "ratio: throughput of the row / throughput of its baseline in the same run (above 1: faster)\n\n";
  std::vector<std::vector<std::string>> table{{"benchmark", "time", "items/s", "baseline", "ratio"}};
  for (const BenchRow& r : rows) {
    table.push_back({r.name, duration(r.real_time_ns), r.items_per_second ? si(*r.items_per_second) : "",
                     r.baseline, r.ratio ? fixed(*r.ratio, *r.ratio < 0.1 ? 4 : 3) + "x" : ""});
  }
  print_table(out, table);
}

nlohmann::json bench_json(const nlohmann::json& report, const std::vector<BenchRow>& rows) {
  nlohmann::json j;
  j["context"] = report.value("context", nlohmann::json::object());
  j["rows"] = nlohmann::json::array();
  for (const BenchRow& r : rows) {
    nlohmann::json row{{"name", r.name}, {"real_time_ns", r.real_time_ns}};
    row["items_per_second"] = r.items_per_second ? nlohmann::json(*r.items_per_second) : nlohmann::json(nullptr);
    row["baseline"] = r.baseline.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.baseline);
    row["ratio"] = r.ratio ? nlohmann::json(*r.ratio) : nlohmann::json(nullptr);
    j["rows"].push_back(row);
  }
  return j;
}

}  // namespace mpsim::cli
