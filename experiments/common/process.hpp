// SPDX-License-Identifier: MIT
// Child processes of experiments: gnuplot for plots, `mpsim run` for the cases of a sweep.
// posix_spawn (no shell: arguments are never re-parsed), stdout and stderr into a log file.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace mpsim::experiments {

// Starts `argv` (argv[0] looked up on PATH) in `directory` with stdout and stderr sent to `log`;
// returns its pid, or -1 when it could not be started.
pid_t spawn_program(const std::vector<std::string>& argv, const std::filesystem::path& directory,
                    const std::filesystem::path& log);
// The exit status of a waitpid() status word: the code, or 128 + N when killed by signal N.
int exit_status(int wait_status);
// spawn_program and wait: its exit status, 127 when it could not be started.
int run_program(const std::vector<std::string>& argv, const std::filesystem::path& directory,
                const std::filesystem::path& log);

}  // namespace mpsim::experiments
