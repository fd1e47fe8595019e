// SPDX-License-Identifier: MIT
// `mpsim run` and `mpsim sweep` (runner.hpp).
#include "runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "mpsim/data/atomic_file.hpp"
#include "mpsim/instrument/csv_field.hpp"
#include "process.hpp"

namespace mpsim::experiments {
namespace fs = std::filesystem;
namespace {

constexpr int failure = 1;
constexpr int usage_error = 2;


// A JSON scalar as a CSV field (strings bare, numbers as JSON writes them: shortest round trip).
std::string scalar_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The summary's scalars by dotted path: nested objects become "mlp.best_scale_log2" (JSON
// pointers of flatten(), "/" read as "."), so experiments keep their summaries structured.
std::map<std::string, nlohmann::json> summary_columns(const nlohmann::json& summary) {
  std::map<std::string, nlohmann::json> columns;
  const nlohmann::json flat = summary.flatten();  // named: items() of a temporary would dangle
  for (const auto& [pointer, value] : flat.items()) {
    if (value.is_null() || pointer.empty()) continue;
    std::string key = pointer.substr(1);
    std::replace(key.begin(), key.end(), '/', '.');
    columns[key] = value;
  }
  return columns;
}

}  // namespace

Config assemble_config(const Experiment& experiment, const RunRequest& request) {
  Config config(experiment.defaults());
  if (request.size == Size::full) config.merge(experiment.full(), "--full");
  if (request.size == Size::quick) config.merge(experiment.quick(), "--quick");
  if (!request.config_file.empty()) config.merge_file(request.config_file);
  for (const std::string& s : request.sets) config.assign(s);
  return config;
}

int run_experiment(const Experiment& experiment, const RunRequest& request, std::ostream& out, std::ostream& err) {
  const std::string name(experiment.name);
  try {
    const Config config = assemble_config(experiment, request);
    Output output(request.out.empty() ? fs::path("runs") / name : fs::path(request.out));
    output.write("config.json", config.json().dump(2) + "\n");
    const auto start = std::chrono::steady_clock::now();
    experiment.run(config, output);
    output.summary()["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    output.finish();
    for (const std::string& line : output.lines()) out << line << "\n";
    out << name << ": results in " << output.final_dir().string() << "\n";
    return 0;
  } catch (const ConfigError& e) {
    err << name << ": " << e.what() << "\n";
    return usage_error;
  } catch (const std::invalid_argument& e) {  // a name the config gives that the simulator refuses
    err << name << ": " << e.what() << "\n";
    return usage_error;
  } catch (const std::exception& e) {
    err << name << ": failed: " << e.what() << "\n";
    return failure;
  }
}

int run_sweep(const Experiment& experiment, const SweepRequest& request, std::ostream& out, std::ostream& err) {
  const std::string name(experiment.name);
  // The grid: key -> list of values, each checked against the experiment's config now, so a
  // typo fails before any case runs.
  nlohmann::json grid;
  std::vector<std::vector<std::string>> cases;  // --set assignments per case
  try {
    Config base = assemble_config(experiment, request.base);
    const std::string text = data::read_whole_file(request.grid_file);
    grid = nlohmann::json::parse(text, nullptr, false);
    if (grid.is_discarded() || !grid.is_object() || grid.empty()) {
      throw ConfigError(request.grid_file + ": a grid is a JSON object of key: [values...]");
    }
    cases.emplace_back();
    for (const auto& [key, values] : grid.items()) {
      if (!values.is_array() || values.empty()) throw ConfigError(request.grid_file + ": '" + key + "' needs a non-empty list");
      std::vector<std::vector<std::string>> next;
      for (const auto& c : cases) {
        for (const auto& v : values) {
          Config probe = base;
          probe.merge(nlohmann::json{{key, v}}, request.grid_file);
          std::vector<std::string> extended = c;
          extended.push_back(key + "=" + v.dump());
          next.push_back(std::move(extended));
        }
      }
      cases = std::move(next);
    }
  } catch (const ConfigError& e) {
    err << name << " sweep: " << e.what() << "\n";
    return usage_error;
  } catch (const std::runtime_error& e) {
    err << name << " sweep: " << e.what() << "\n";
    return usage_error;
  }

  const fs::path dir = request.out.empty() ? fs::path("runs") / (name + "-sweep") : fs::path(request.out);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    err << name << " sweep: " << dir.string() << ": " << ec.message() << "\n";
    return failure;
  }
  const int jobs = request.jobs > 0 ? request.jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  auto case_name = [](std::size_t i) {
    std::ostringstream s;
    s << "case-" << std::setw(3) << std::setfill('0') << i;
    return s.str();
  };
  std::vector<int> status(cases.size(), -1);
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, done = 0;
  while (done < cases.size()) {
    while (next < cases.size() && static_cast<int>(running.size()) < jobs) {
      std::vector<std::string> argv = request.runner;
      argv.push_back(name);
      argv.insert(argv.end(), {"--out", fs::absolute(dir / case_name(next)).string()});
      if (request.base.size == Size::full) argv.push_back("--full");
      if (request.base.size == Size::quick) argv.push_back("--quick");
      if (!request.base.config_file.empty()) argv.insert(argv.end(), {"--config", fs::absolute(request.base.config_file).string()});
      for (const std::string& s : request.base.sets) argv.insert(argv.end(), {"--set", s});
      for (const std::string& s : cases[next]) argv.insert(argv.end(), {"--set", s});
      const pid_t pid = spawn_program(argv, fs::current_path(), dir / (case_name(next) + ".log"));
      if (pid < 0) {
        status[next] = 127;
        ++done;
      } else {
        running[pid] = next;
      }
      ++next;
    }
    if (running.empty()) continue;
    int wait_status = 0;
    const pid_t pid = waitpid(-1, &wait_status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    status[it->second] = exit_status(wait_status);
    out << name << " sweep: " << case_name(it->second) << " finished with status " << status[it->second] << " ("
        << ++done << "/" << cases.size() << ")\n";
    running.erase(it);
  }

  // sweep.csv: one row per case, the grid's keys then the summary's scalars (nested keys dotted).
  std::vector<std::map<std::string, nlohmann::json>> summaries(cases.size());
  std::set<std::string> columns;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (status[i] != 0) continue;
    try {
      summaries[i] = summary_columns(nlohmann::json::parse(data::read_whole_file(dir / case_name(i) / "summary.json")));
      for (const auto& [k, v] : summaries[i]) columns.insert(k);
    } catch (const std::exception&) {
      status[i] = failure;
    }
  }
  std::string csv = "case,status";
  for (const auto& [key, values] : grid.items()) csv += "," + csv_field(key);
  for (const std::string& c : columns) csv += "," + csv_field(c);
  csv += "\n";
  int failed = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    failed += status[i] != 0;
    csv += case_name(i) + "," + std::to_string(status[i]);
    std::size_t k = 0;
    for (const auto& [key, values] : grid.items()) {
      const std::string& assignment = cases[i][k++];
      csv += ',';  // appended piecewise: "," + field trips GCC 12's -Wrestrict false positive
      csv += csv_field(scalar_text(nlohmann::json::parse(assignment.substr(key.size() + 1))));
    }
    for (const std::string& c : columns) {
      const auto it = summaries[i].find(c);
      csv += ',';
      if (it != summaries[i].end()) csv += csv_field(scalar_text(it->second));
    }
    csv += "\n";
  }
  data::write_file_atomically(dir / "sweep.csv", csv);
  out << name << " sweep: " << cases.size() - failed << " of " << cases.size() << " cases done; table in "
      << (dir / "sweep.csv").string() << "\n";
  if (failed) err << name << " sweep: " << failed << " case(s) failed: see " << dir.string() << "/case-*.log\n";
  return failed ? failure : 0;
}

}  // namespace mpsim::experiments
