#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs dependencies, builds everything and runs every test suite through CTest: first the
# default suites, then the notebooks (label "notebooks": each executed top to bottom on quick
# experiment runs), then the exhaustive ones (label "exhaustive").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --parallel "$(nproc)" --output-on-failure -L '^default$'
ctest --test-dir build --parallel "$(nproc)" --output-on-failure -L '^notebooks$'
ctest --test-dir build --parallel "$(nproc)" --output-on-failure -L '^exhaustive$'
