// SPDX-License-Identifier: MIT
// All operations of the arithmetic core, one family per header.
#pragma once

#include "mpsim/ops/add.hpp"
#include "mpsim/ops/classify.hpp"
#include "mpsim/ops/compare.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/ops/div.hpp"
#include "mpsim/ops/fma.hpp"
#include "mpsim/ops/integer.hpp"
#include "mpsim/ops/minmax.hpp"
#include "mpsim/ops/mul.hpp"
#include "mpsim/ops/sign.hpp"
#include "mpsim/ops/sqrt.hpp"
