//===- IsaConformanceEmu.cpp - the ISA conformance cases on the emulator -===//
//
// The inputs of IsaCases.h through the emulator's warp collectives
// (runtime/emulator/Collectives.h), printed in the format the GPU program
// (isa_conformance.cu) prints; the two outputs must be identical.
//
//===----------------------------------------------------------------------===//

#include "IsaCases.h"

#include "emulator/Collectives.h"

#include <array>

using namespace fused::emu;

int main() {
  using namespace isa;
  for (int bf16 = 0; bf16 < 2; ++bf16) {
    MmaInputs in = mmaInputs(bf16);
    std::array<std::array<uint32_t, 4>, kWarpSize> a{};
    std::array<std::array<uint32_t, 2>, kWarpSize> b{};
    std::array<std::array<float, 4>, kWarpSize> c{}, d{};
    for (int l = 0; l < kLanes; ++l) {
      for (int r = 0; r < 4; ++r) {
        a[l][r] = in.a[l][r];
        c[l][r] = in.c[l][r];
      }
      b[l] = {in.b[l][0], in.b[l][1]};
    }
    mmaM16N8K16(bf16 ? MmaType::BF16 : MmaType::F16, a, b, c, d);
    float out[kLanes][4];
    for (int l = 0; l < kLanes; ++l)
      for (int r = 0; r < 4; ++r)
        out[l][r] = d[l][r];
    printMma(stdout, bf16, out);
  }
  std::array<std::array<uint16_t, 8>, kWarpSize> rows{};
  for (int l = 0; l < kLanes; ++l)
    for (int e = 0; e < 8; ++e)
      rows[l][e] = ldmatrixElement(ldmatrixRow(l) + e);
  for (int num : {1, 2, 4})
    for (int trans = 0; trans < 2; ++trans) {
      std::array<std::array<uint32_t, 4>, kWarpSize> regs{};
      if (!ldmatrix(num, trans, rows, regs))
        return 1;
      uint32_t out[kLanes][4];
      for (int l = 0; l < kLanes; ++l)
        for (int q = 0; q < 4; ++q)
          out[l][q] = regs[l][q];
      printLdmatrix(stdout, num, trans, out);
    }
  for (int i = 0; i < kNumShflCases; ++i) {
    ShflCase sc = shflCase(i);
    std::array<uint32_t, kWarpSize> v{}, bs{}, cs{}, out{};
    std::array<bool, kWarpSize> pred{};
    for (int l = 0; l < kLanes; ++l) {
      v[l] = shflValue(l);
      bs[l] = shflB(sc, l);
      cs[l] = shflC(sc);
    }
    if (!shfl(static_cast<fused::emu::ShflMode>(sc.mode), v, bs, cs,
              0xffffffffu, out, pred))
      return 1;
    uint32_t vals[kLanes], preds[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      vals[l] = out[l];
      preds[l] = pred[l] ? 1 : 0;
    }
    printShfl(stdout, sc, vals, preds);
  }
  return 0;
}
