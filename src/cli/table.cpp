// SPDX-License-Identifier: MIT
// Plain-text tables.
#include "table.hpp"

#include <algorithm>

namespace mpsim::cli {

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out << line << '\n';
  };
  for (std::size_t r = 0; r < rows.size(); ++r) {
    print_row(rows[r]);
    if (r == 0) {
      std::vector<std::string> rule;
      for (std::size_t c = 0; c < rows[0].size(); ++c) rule.emplace_back(width[c], '-');
      print_row(rule);
    }
  }
}

}  // namespace mpsim::cli
