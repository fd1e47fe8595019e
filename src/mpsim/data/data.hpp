// SPDX-License-Identifier: MIT
// Everything of data/ in one include.
#pragma once

#include "mpsim/data/batches.hpp"
#include "mpsim/data/dataset.hpp"
#include "mpsim/data/error.hpp"
#include "mpsim/data/idx.hpp"
#include "mpsim/data/mnist.hpp"
#include "mpsim/data/synthetic.hpp"
