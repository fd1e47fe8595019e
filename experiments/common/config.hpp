// SPDX-License-Identifier: MIT
// An experiment's configuration: a flat JSON object. The experiment's defaults (the short
// version) define which keys exist and their types; the full-length overrides, a --config file
// (.json or .toml) and --set key=value assignments are merged on top, in that order. An unknown
// key or a value of the wrong type is an error that names the key, the source and what is
// accepted, never a silent default.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mpsim::experiments {

// A configuration problem (exit status 2 in the CLI).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Config {
 public:
  // `defaults` must be a JSON object; it fixes the accepted keys and the type of each value.
  explicit Config(nlohmann::json defaults);

  // Overrides keys with the values of `object` (a JSON object); `source` names it in errors.
  void merge(const nlohmann::json& object, std::string_view source);
  // "key=value": value read as JSON (numbers, true/false, [lists], "strings"), else as a plain string.
  void assign(std::string_view assignment);
  // Reads a .json or .toml file and merges it (ConfigError naming the file and the problem).
  void merge_file(const std::string& path);

  double number(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;
  bool flag(std::string_view key) const;
  std::string text(std::string_view key) const;
  std::vector<double> numbers(std::string_view key) const;
  std::vector<std::int64_t> integers(std::string_view key) const;
  std::vector<std::string> texts(std::string_view key) const;

  const nlohmann::json& json() const { return values_; }

 private:
  const nlohmann::json& at(std::string_view key) const;
  nlohmann::json values_;
};

// The JSON form of a TOML file (ConfigError naming the file and the line on a syntax error).
nlohmann::json read_toml_as_json(const std::string& path);

}  // namespace mpsim::experiments
