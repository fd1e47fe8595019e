// SPDX-License-Identifier: MIT
// main() of the device test executables: Catch2's session, preceded by a look for a CUDA
// device. Without one, a device test prints why and exits 77, which CTest reports as
// "Skipped" (SKIP_RETURN_CODE). Listing the tests (CTest's discovery) never needs a device.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "mpsim/cuda/validate.hpp"

int main(int argc, char** argv) {
  bool listing = false;
  for (int i = 1; i < argc; ++i) listing = listing || std::string(argv[i]).starts_with("--list");
#if !defined(MPSIM_NO_DEVICE_RUNS_TOO)
  std::string why;
  if (!listing && !mpsim::cuda::find_device(why)) {
    std::printf("SKIPPED: %s\n", why.c_str());
    return 77;
  }
#endif
  return Catch::Session().run(argc, argv);
}
