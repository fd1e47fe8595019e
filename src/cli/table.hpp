// SPDX-License-Identifier: MIT
// A plain-text table with left-aligned columns, for the formats command.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace mpsim::cli {

// Writes `rows` (the first one is the header) with columns padded to their widest cell and
// separated by two spaces, and a rule of dashes under the header.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

}  // namespace mpsim::cli
