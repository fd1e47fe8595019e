// SPDX-License-Identifier: MIT
// mpsim_bench: registers every benchmark family, then runs Google Benchmark's command line.
#include "benchmarks.hpp"

int main(int argc, char** argv) {
  mpsim::bench::register_native();
  mpsim::bench::register_ops();
  mpsim::bench::register_convert();
  mpsim::bench::register_scalar();
  mpsim::bench::register_train();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
