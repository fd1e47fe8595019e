// SPDX-License-Identifier: MIT
// The one exception type of data/: a file or data set that cannot be used, with a message that
// names the file (or data set) and the problem, e.g. "/x/t10k-labels-idx1-ubyte.gz: truncated ...".
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace mpsim::data {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// DataError("PATH: problem").
inline DataError file_error(const std::filesystem::path& path, const std::string& problem) {
  return DataError(path.string() + ": " + problem);
}

}  // namespace mpsim::data
