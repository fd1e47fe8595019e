// SPDX-License-Identifier: MIT
// The ranges of the low-precision formats as plots draw them, on an axis of log2 |x|:
// markers.csv rows and gnuplot objects (fp16's subnormal and normal bands shaded, its flush
// threshold dashed, the bf16 / E4M3 / E5M2 ranges as labelled bars along the top).
#pragma once

#include <string>
#include <vector>

#include "mpsim/format/format.hpp"

namespace mpsim::experiments {

// The formats drawn: binary16, bfloat16, fp8_e4m3, fp8_e5m2.
const std::vector<Format>& plotted_formats();

// markers.csv: format,marker,log2,value with min_subnormal, min_normal, max_finite and
// flush_threshold of each plotted format (from instrument/log2_histogram.hpp's format_markers).
std::string markers_csv();

// gnuplot commands drawing the ranges on an x axis of log2 |x| (graph y in 0..1): fp16's bands
// shaded, its flush threshold 2^-25 dashed, and one bar per format near the top, clipped to
// [x_min, x_max] with an arrow where a range goes beyond the axis.
std::string gnuplot_format_ranges(double x_min, double x_max);

}  // namespace mpsim::experiments
