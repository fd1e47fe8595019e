// SPDX-License-Identifier: MIT
// Everything of mpsim's arithmetic core, array rounding and tensors in one include.
#pragma once

#include "mpsim/array/round_array.hpp"
#include "mpsim/format/format.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/format/unpacked.hpp"
#include "mpsim/instrument/counters.hpp"
#include "mpsim/ops/ops.hpp"
#include "mpsim/round/env.hpp"
#include "mpsim/round/round.hpp"
#include "mpsim/round/status.hpp"
#include "mpsim/round/stochastic.hpp"
#include "mpsim/scalar/context.hpp"
#include "mpsim/scalar/eigen.hpp"
#include "mpsim/scalar/float.hpp"
#include "mpsim/tensor/accumulation_model.hpp"
#include "mpsim/tensor/dot.hpp"
#include "mpsim/tensor/elementwise.hpp"
#include "mpsim/tensor/matmul.hpp"
#include "mpsim/tensor/products.hpp"
#include "mpsim/tensor/reduce.hpp"
#include "mpsim/tensor/tensor.hpp"
