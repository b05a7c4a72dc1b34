//===- HopperConformanceEmu.cpp - the Hopper cases on the emulator --------===//
//
// The cases of HopperCases.h through the emulator's semantics of TMA and
// wgmma (runtime/emulator/Hopper.h), printed as the GPU program
// (hopper_conformance.cu) prints them; the two outputs must be identical.
// The tiles sit where the GPU program puts them: shared offsets 0 (A or
// the TMA case) and 8192 (B), 1024-byte aligned.
//
//===----------------------------------------------------------------------===//

#include "HopperCases.h"

#include "emulator/Hopper.h"

#include <cstdlib>
#include <vector>

using namespace fused::emu;

namespace {

TensorMap mapOf(const std::vector<uint16_t> &t, int rows, int cols) {
  TensorMapFields f;
  f.rank = 2;
  f.elementBytes = 2;
  f.isFloat = true;
  f.globalAddress = reinterpret_cast<uint64_t>(t.data());
  f.globalDim[0] = cols;
  f.globalDim[1] = rows;
  f.globalStrides[0] = static_cast<uint64_t>(cols) * 2;
  f.boxDim[0] = 64;
  f.boxDim[1] = 64;
  f.swizzle = 3;
  TensorMap m;
  if (std::string e = encodeTensorMap(f, m); !e.empty()) {
    std::fprintf(stderr, "hopper-conformance-emu: %s\n", e.c_str());
    std::exit(1);
  }
  return m;
}

void wgmmaCase(const char *name, bool transposed) {
  std::vector<uint64_t> words(16384 / 8, 0);
  auto *smem = reinterpret_cast<uint8_t *>(words.data());
  std::vector<uint16_t> a = hopper::operandA(transposed);
  std::vector<uint16_t> b = hopper::operandB(transposed);
  int32_t origin[2] = {0, 0};
  if (!tmaLoad(mapOf(a, 64, 64), origin, smem, 16384, 0, nullptr).empty() ||
      !tmaLoad(mapOf(b, 64, 64), origin, smem, 16384, 8192, nullptr).empty())
    std::exit(1);
  std::vector<float> d(128 * 32, 0.0f);
  for (int s = 0; s < 4; ++s) {
    // K advances 32 bytes along a K-major row, 16 rows of 128 bytes in an
    // MN-major tile; SBO 1024 bytes between groups of 8 rows.
    MatrixDescriptor da, db;
    da.start = transposed ? 2048 * s : 32 * s;
    db.start = 8192 + (transposed ? 32 * s : 2048 * s);
    // LBO: unused by a swizzled K-major operand (16), 8 KiB between the
    // boxes of 64 columns of an MN-major one (one box here).
    da.leadingBytes = transposed ? 8192 : 16;
    db.leadingBytes = transposed ? 16 : 8192;
    da.strideBytes = db.strideBytes = 1024;
    da.swizzle = db.swizzle = Swizzle::B128;
    WgmmaOperands op;
    op.n = 64;
    op.descA = encodeMatrixDescriptor(da);
    op.descB = encodeMatrixDescriptor(db);
    op.transA = transposed;
    op.transB = !transposed;
    op.scaleD = s > 0;
    for (int t = 0; t < 128; ++t)
      if (!wgmmaThread(op, smem, 16384, t, &d[t * 32]).empty())
        std::exit(1);
  }
  hopper::printWgmma(stdout, name, d.data());
}

} // namespace

int main() {
  std::vector<uint64_t> words(8192 / 8, 0);
  auto *smem = reinterpret_cast<uint8_t *>(words.data());
  std::vector<uint16_t> t = hopper::tmaTensor();
  int32_t at[2] = {hopper::kTmaCol0, hopper::kTmaRow0};
  if (!tmaLoad(mapOf(t, hopper::kTmaRows, hopper::kTmaCols), at, smem, 8192,
               0, nullptr)
           .empty())
    return 1;
  hopper::printTma(stdout, smem);
  wgmmaCase("kmajor-a nmajor-b", false);
  wgmmaCase("mmajor-a kmajor-b", true);
  return 0;
}
