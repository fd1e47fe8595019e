// SPDX-License-Identifier: MIT
// Config merging and typed access (config.hpp).
#include "config.hpp"

#include <cmath>
#include <sstream>

#include <toml++/toml.h>

#include "mpsim/data/atomic_file.hpp"

namespace mpsim::experiments {
namespace {

std::string type_name(const nlohmann::json& v) {
  if (v.is_boolean()) return "true/false";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "a list";
  return v.type_name();
}

std::string accepted_keys(const nlohmann::json& defaults) {
  std::string keys;
  for (const auto& [k, v] : defaults.items()) keys += (keys.empty() ? "" : ", ") + k;
  return keys;
}

// True when `value` may replace `model` (the default's type): integers where numbers are
// expected, integral numbers where integers are, lists whose elements fit the default's.
bool fits(const nlohmann::json& model, const nlohmann::json& value) {
  if (model.is_boolean()) return value.is_boolean();
  if (model.is_number_integer()) {
    return value.is_number_integer() || (value.is_number_float() && std::isfinite(value.get<double>()) &&
                                         std::floor(value.get<double>()) == value.get<double>());
  }
  if (model.is_number()) return value.is_number();
  if (model.is_string()) return value.is_string();
  if (model.is_array()) {
    if (!value.is_array()) return false;
    if (model.empty()) return true;
    for (const auto& e : value) {
      if (!fits(model.front(), e)) return false;
    }
    return true;
  }
  return false;
}

}  // namespace

Config::Config(nlohmann::json defaults) : values_(std::move(defaults)) {
  if (!values_.is_object()) throw std::logic_error("experiment defaults must be a JSON object");
}

void Config::merge(const nlohmann::json& object, std::string_view source) {
  if (!object.is_object()) throw ConfigError(std::string(source) + ": expected an object of key = value pairs");
  for (const auto& [key, value] : object.items()) {
    const auto it = values_.find(key);
    if (it == values_.end()) {
      throw ConfigError(std::string(source) + ": unknown key '" + key + "'; accepted: " + accepted_keys(values_));
    }
    if (!fits(*it, value)) {
      throw ConfigError(std::string(source) + ": key '" + key + "' takes " + type_name(*it) + ", got " +
                        value.dump());
    }
    // Keep the default's type (an integral 3.0 for an integer key is stored as 3).
    *it = it->is_number_integer() && value.is_number_float() ? nlohmann::json(value.get<std::int64_t>()) : value;
  }
}

void Config::assign(std::string_view assignment) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw ConfigError("--set '" + std::string(assignment) + "': expected key=value");
  }
  const std::string key(assignment.substr(0, eq));
  const std::string text(assignment.substr(eq + 1));
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;  // a bare word: a string
  merge(nlohmann::json{{key, value}}, "--set");
}

nlohmann::json read_toml_as_json(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream what;
    what << path << ":" << e.source().begin.line << ": " << e.description();
    throw ConfigError(what.str());
  }
  std::ostringstream json;
  json << toml::json_formatter{table};
  return nlohmann::json::parse(json.str());
}

void Config::merge_file(const std::string& path) {
  nlohmann::json object;
  if (path.ends_with(".toml")) {
    object = read_toml_as_json(path);
  } else if (path.ends_with(".json")) {
    std::string text;
    try {
      text = data::read_whole_file(path);
    } catch (const std::runtime_error& e) {
      throw ConfigError(e.what());
    }
    object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded()) throw ConfigError(path + ": not valid JSON");
  } else {
    throw ConfigError(path + ": a config file ends in .json or .toml");
  }
  merge(object, path);
}

const nlohmann::json& Config::at(std::string_view key) const {
  const auto it = values_.find(std::string(key));
  if (it == values_.end()) throw std::logic_error("experiment reads key '" + std::string(key) + "' it does not define");
  return *it;
}

double Config::number(std::string_view key) const { return at(key).get<double>(); }
std::int64_t Config::integer(std::string_view key) const { return at(key).get<std::int64_t>(); }
bool Config::flag(std::string_view key) const { return at(key).get<bool>(); }
std::string Config::text(std::string_view key) const { return at(key).get<std::string>(); }
std::vector<double> Config::numbers(std::string_view key) const { return at(key).get<std::vector<double>>(); }
std::vector<std::int64_t> Config::integers(std::string_view key) const {
  return at(key).get<std::vector<std::int64_t>>();
}
std::vector<std::string> Config::texts(std::string_view key) const { return at(key).get<std::vector<std::string>>(); }

}  // namespace mpsim::experiments
