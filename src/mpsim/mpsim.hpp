// SPDX-License-Identifier: MIT
// Everything of mpsim's arithmetic core in one include.
#pragma once

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
