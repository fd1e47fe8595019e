// SPDX-License-Identifier: MIT
// MPSIM_HD marks the core's functions: host-and-device under nvcc (the CUDA backend runs the
// same code), and always inlined so that a constant Format folds into constants. This is
// the project's one macro.
#pragma once

#if defined(__CUDACC__)
#define MPSIM_HD __host__ __device__ __forceinline__
#else
#define MPSIM_HD [[gnu::always_inline]] inline
#endif
