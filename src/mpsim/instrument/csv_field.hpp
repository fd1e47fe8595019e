// SPDX-License-Identifier: MIT
// One CSV field as RFC 4180 writes it: as is, or in double quotes (quotes doubled) when it holds
// a comma, a quote or a line break. Every CSV mpsim writes (histograms, probes, sweeps) uses it.
#pragma once

#include <string>
#include <string_view>

namespace mpsim {

inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace mpsim
