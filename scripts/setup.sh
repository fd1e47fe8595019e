#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs mpsim's build and test dependencies from Debian packages (idempotent: apt runs
# only when a package is missing). docs/dependencies.md says why each one is here.
set -euo pipefail

packages=(
  cmake ninja-build g++            # build
  libboost-dev                     # Boost.Multiprecision: the exact oracle in tests
  libeigen3-dev                    # Eigen: matrices of Float<F>
  catch2                           # tests
  libcli11-dev                     # the mpsim command line
  libbenchmark-dev                 # Google Benchmark
  nlohmann-json3-dev               # JSON output, JSON precision-policy files
  libtomlplusplus-dev              # TOML precision-policy files (train/)
  zlib1g-dev                       # zlib: reading gzip IDX files (data/)
  dataset-fashion-mnist            # Fashion-MNIST in /usr/share/datasets/fashion-mnist (FACTS.md 9)
  gnuplot-nox                      # the experiments' plots (PNG and SVG)
  jupyter-nbconvert                # executes the notebooks (tests, scripts/run_notebooks.sh)
  python3-ipykernel                # the notebooks' python3 kernel (/usr/bin/python3)
  python3-matplotlib               # the notebooks' plots
  python3-pandas                   # the notebooks read the experiments' CSV files
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all dependencies present"
