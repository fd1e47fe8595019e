// SPDX-License-Identifier: MIT
// ProbeLog: one probe CSV of a run directory (histograms.csv, shadow.csv, updates.csv), whose
// rows start with the step. Rows are held in memory only between checkpoints: flush() replaces
// the file atomically (temporary file, fsync, rename) by its committed rows, copied from disk in
// blocks and never held whole, followed by the pending rows. resume() keeps only the rows of
// steps before a checkpoint's, as the run loop does with steps.csv.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace mpsim::train {

class ProbeLog {
 public:
  ProbeLog(std::filesystem::path path, std::string header);  // header: the first line, no newline

  // A new run: the file holds the header only.
  void create();
  // A resumed run at `end_step`: rows of steps >= end_step are dropped at the next flush().
  // std::runtime_error naming the file when it is missing, has another header or a bad row.
  void resume(std::int64_t end_step);
  // Rows of probed steps since the last flush (each ending with a newline).
  std::string& pending() { return pending_; }
  // Commits the pending rows (at each checkpoint, before checkpoint.bin is written).
  void flush();

 private:
  std::filesystem::path path_;
  std::string header_;
  std::string pending_;
  std::uintmax_t committed_ = 0;  // bytes of the file that stay: the header and rows kept
};

}  // namespace mpsim::train
