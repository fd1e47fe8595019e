// SPDX-License-Identifier: MIT
// Choosing suites by name or dotted prefix (both builds).
#include "mpsim/cuda/validate.hpp"

namespace mpsim::cuda {

std::vector<const Suite*> select_suites(std::span<const Suite> all, const std::string& selector) {
  std::vector<const Suite*> chosen;
  for (const Suite& s : all) {
    const std::string name = s.name;
    if (name == selector || (name.size() > selector.size() && name.starts_with(selector) && name[selector.size()] == '.')) {
      chosen.push_back(&s);
    }
  }
  return chosen;
}

}  // namespace mpsim::cuda
