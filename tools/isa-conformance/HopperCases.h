//===- HopperCases.h - inputs and report of the Hopper conformance cases --===//
//
// The cases that tools/isa-conformance feeds through the sm_90 units the
// emulator implements (runtime/emulator/Hopper.h), on a GPU
// (hopper_conformance.cu: TMA, mbarrier and wgmma in inline PTX, tensor
// maps from the driver) and through the emulator's semantics
// (HopperConformanceEmu.cpp). Both print the same lines, which must be
// identical byte for byte:
//   1. a TMA load of a 64 x 64 box of f16 with the 128-byte swizzle, partly
//      outside a 72 x 80 tensor, as the 8 KiB of shared memory it writes;
//   2. wgmma m64n64k16 x 4 (K = 64) with A K-major and B N-major, both
//      loaded by TMA with the 128-byte swizzle, as each thread's 32
//      accumulators;
//   3. the same product with A M-major and B K-major (the transposed
//      tensors), which must print the same accumulators as case 2.
// Operands are multiples of 1/4 in [-4, 4]: every product and sum is exact
// in f32, so the order of the additions does not matter. Host C++ only;
// included by nvcc and g++.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_HOPPER_CASES_H
#define FUSED_HOPPER_CASES_H

#include "IsaCases.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace hopper {

/// The f16 bits of `v`, a multiple of 1/4 in [-4, 4] (exact).
inline uint16_t halfBits(float v) { return isa::bits16(v, /*bf16=*/false); }

/// Element (r, c) of operand tensor `which`: a multiple of 1/4 in [-4, 4].
inline float value(int which, int r, int c) {
  return static_cast<float>(((r * 13 + c * 7 + which * 5) % 33) - 16) / 4;
}

/// Case 1: the tensor (72 x 80, row-major f16) and the box's coordinates
/// (column, row: innermost first), 16 columns and 32 rows outside.
constexpr int kTmaRows = 72, kTmaCols = 80;
constexpr int kTmaCol0 = 32, kTmaRow0 = 40;

inline std::vector<uint16_t> tmaTensor() {
  std::vector<uint16_t> t(kTmaRows * kTmaCols);
  for (int r = 0; r < kTmaRows; ++r)
    for (int c = 0; c < kTmaCols; ++c)
      t[r * kTmaCols + c] = halfBits(value(0, r, c));
  return t;
}

/// Cases 2 and 3: A is 64 x 64 (M x K), B 64 x 64 (K x N); `transposed`
/// gives A^T (K x M) and B^T (N x K), row-major.
inline std::vector<uint16_t> operandA(bool transposed) {
  std::vector<uint16_t> t(64 * 64);
  for (int m = 0; m < 64; ++m)
    for (int k = 0; k < 64; ++k)
      t[transposed ? k * 64 + m : m * 64 + k] = halfBits(value(1, m, k));
  return t;
}
inline std::vector<uint16_t> operandB(bool transposed) {
  std::vector<uint16_t> t(64 * 64);
  for (int k = 0; k < 64; ++k)
    for (int n = 0; n < 64; ++n)
      t[transposed ? n * 64 + k : k * 64 + n] = halfBits(value(2, k, n));
  return t;
}

/// Case 1's report: 512 lines of 16 shared-memory bytes.
inline void printTma(FILE *out, const uint8_t *smem) {
  for (int line = 0; line < 512; ++line) {
    std::fprintf(out, "tma 128B offset %4d:", line * 16);
    for (int i = 0; i < 16; ++i)
      std::fprintf(out, " %02x", smem[line * 16 + i]);
    std::fprintf(out, "\n");
  }
}

/// Cases 2 and 3: thread t's 32 accumulators, as f32 bits.
inline void printWgmma(FILE *out, const char *name, const float *d) {
  for (int t = 0; t < 128; ++t) {
    std::fprintf(out, "wgmma %s thread %3d:", name, t);
    for (int i = 0; i < 32; ++i) {
      uint32_t bits;
      std::memcpy(&bits, &d[t * 32 + i], 4);
      std::fprintf(out, " %08x", bits);
    }
    std::fprintf(out, "\n");
  }
}

} // namespace hopper

#endif // FUSED_HOPPER_CASES_H
