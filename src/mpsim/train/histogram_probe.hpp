// SPDX-License-Identifier: MIT
// HistogramProbe: a TensorProbe that keeps one Log2Histogram per (layer, role), adding every
// tensor it observes, and writes them all as one CSV (docs/probes.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mpsim/instrument/log2_histogram.hpp"
#include "mpsim/nn/probe.hpp"

namespace mpsim::train {

class HistogramProbe final : public nn::TensorProbe {
 public:
  struct Entry {
    std::string layer;
    std::string role;
    Log2Histogram histogram;
  };

  void observe(std::string_view layer, std::string_view role, const Tensor& t) override;

  // The histogram of (layer, role); null when nothing was observed under that key.
  const Log2Histogram* find(std::string_view layer, std::string_view role) const;
  // Every (layer, role), in the order first observed (a forward then a backward: activations in
  // model order, then the backward roles from the last layer down).
  const std::vector<Entry>& entries() const { return entries_; }
  // Forgets every histogram (for example after writing one step's).
  void clear();

  // layer,role,bin,exponent,lower_edge,count,positive,negative: Log2Histogram's rows (280 per
  // entry) behind the layer and role, entries in entries() order; `step` >= 0 adds a leading
  // step column. Fields with a comma or a quote are quoted. `skip_empty`: rows with count 0 are
  // left out (a run directory's histograms.csv; the counts still sum to the values observed).
  static std::string csv_header(bool with_step = false);
  void append_csv_rows(std::string& out, std::int64_t step = -1, bool skip_empty = false) const;
  std::string to_csv() const;  // header and rows, no step column

 private:
  std::vector<Entry> entries_;
  std::map<std::pair<std::string, std::string>, std::size_t> index_;  // (layer, role) -> entries_
};

}  // namespace mpsim::train
