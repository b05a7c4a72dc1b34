//===- Collectives.cpp - warp-collective instruction semantics ------------===//
//
// The per-warp data movement of mma.sync, ldmatrix, shfl.sync and
// vote.sync, written from the PTX ISA's fragment tables and pseudo-code.
//
//===----------------------------------------------------------------------===//

#include "emulator/Collectives.h"

namespace fused::emu {
namespace {

/// Widens one 16-bit operand element of an mma to float.
float widen(MmaType type, uint16_t bits) {
  return type == MmaType::F16 ? halfToFloat(bits) : bf16ToFloat(bits);
}

} // namespace

uint32_t pack2(uint16_t lo, uint16_t hi) {
  return static_cast<uint32_t>(lo) | (static_cast<uint32_t>(hi) << 16);
}

uint16_t lowHalf(uint32_t r) { return static_cast<uint16_t>(r & 0xffff); }

uint16_t highHalf(uint32_t r) { return static_cast<uint16_t>(r >> 16); }

//===----------------------------------------------------------------------===//
// mma.sync
//===----------------------------------------------------------------------===//

void mmaM16N8K16(MmaType type,
                 const std::array<std::array<uint32_t, 4>, kWarpSize> &a,
                 const std::array<std::array<uint32_t, 2>, kWarpSize> &b,
                 const std::array<std::array<float, 4>, kWarpSize> &c,
                 std::array<std::array<float, 4>, kWarpSize> &d) {
  constexpr int m = 16, n = 8, k = 16;
  float matA[m][k], matB[k][n], matC[m][n];

  // Gather the whole operands first, so that `d` may alias `c`.
  for (int lane = 0; lane < kWarpSize; ++lane) {
    int group = lane / 4, tig = lane % 4;
    for (int reg = 0; reg < 4; ++reg) {
      // a[2*reg] and a[2*reg+1]: registers 0 and 2 hold row groupID,
      // 1 and 3 row groupID+8; registers 2 and 3 hold columns 8 and up.
      int row = group + (reg % 2) * 8;
      int col = 2 * tig + (reg / 2) * 8;
      matA[row][col] = widen(type, lowHalf(a[lane][reg]));
      matA[row][col + 1] = widen(type, highHalf(a[lane][reg]));
    }
    for (int reg = 0; reg < 2; ++reg) {
      // b[2*reg] and b[2*reg+1]: rows 2*tig+{0,1} (+8 for register 1).
      int row = 2 * tig + reg * 8;
      matB[row][group] = widen(type, lowHalf(b[lane][reg]));
      matB[row + 1][group] = widen(type, highHalf(b[lane][reg]));
    }
    for (int i = 0; i < 4; ++i)
      matC[group + (i / 2) * 8][2 * tig + i % 2] = c[lane][i];
  }

  float matD[m][n];
  for (int row = 0; row < m; ++row) {
    for (int col = 0; col < n; ++col) {
      float sum = 0.0f;
      for (int kk = 0; kk < k; ++kk)
        sum += matA[row][kk] * matB[kk][col]; // The product is exact.
      matD[row][col] = sum + matC[row][col];
    }
  }

  for (int lane = 0; lane < kWarpSize; ++lane) {
    int group = lane / 4, tig = lane % 4;
    for (int i = 0; i < 4; ++i)
      d[lane][i] = matD[group + (i / 2) * 8][2 * tig + i % 2];
  }
}

//===----------------------------------------------------------------------===//
// ldmatrix
//===----------------------------------------------------------------------===//

bool ldmatrix(int numTiles, bool trans,
              const std::array<std::array<uint16_t, 8>, kWarpSize> &rowData,
              std::array<std::array<uint32_t, 4>, kWarpSize> &out) {
  if (numTiles != 1 && numTiles != 2 && numTiles != 4)
    return false;
  for (int lane = 0; lane < kWarpSize; ++lane) {
    int group = lane / 4, tig = lane % 4;
    for (int tile = 0; tile < numTiles; ++tile) {
      // Row r of matrix `tile` comes from lane 8 * tile + r.
      int firstRow = 8 * tile;
      if (trans)
        out[lane][tile] = pack2(rowData[firstRow + 2 * tig][group],
                                rowData[firstRow + 2 * tig + 1][group]);
      else
        out[lane][tile] = pack2(rowData[firstRow + group][2 * tig],
                                rowData[firstRow + group][2 * tig + 1]);
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// shfl.sync
//===----------------------------------------------------------------------===//

bool shfl(ShflMode mode, const std::array<uint32_t, kWarpSize> &value,
          const std::array<uint32_t, kWarpSize> &b,
          const std::array<uint32_t, kWarpSize> &c, uint32_t memberMask,
          std::array<uint32_t, kWarpSize> &out,
          std::array<bool, kWarpSize> &pred) {
  // Every lane reads the operands before any lane writes its result, so
  // that `out` may alias `value`.
  const std::array<uint32_t, kWarpSize> source = value;
  std::array<uint32_t, kWarpSize> result = out;
  std::array<bool, kWarpSize> inRange{};
  bool defined = true;
  for (int lane = 0; lane < kWarpSize; ++lane) {
    if (!(memberMask >> lane & 1))
      continue;
    int bval = static_cast<int>(b[lane] & 0x1f);
    int cval = static_cast<int>(c[lane] & 0x1f);
    int segmask = static_cast<int>((c[lane] >> 8) & 0x1f);
    int maxLane = (lane & segmask) | (cval & ~segmask);
    int minLane = lane & segmask;
    int j = lane;
    bool pval = false;
    switch (mode) {
    case ShflMode::Up:
      j = lane - bval;
      pval = j >= maxLane;
      break;
    case ShflMode::Down:
      j = lane + bval;
      pval = j <= maxLane;
      break;
    case ShflMode::Bfly:
      j = lane ^ bval;
      pval = j <= maxLane;
      break;
    case ShflMode::Idx:
      j = minLane | (bval & ~segmask);
      pval = j <= maxLane;
      break;
    }
    if (!pval)
      j = lane;
    if (!(memberMask >> j & 1))
      defined = false;
    result[lane] = source[j];
    inRange[lane] = pval;
  }
  out = result;
  pred = inRange;
  return defined;
}

//===----------------------------------------------------------------------===//
// vote.sync
//===----------------------------------------------------------------------===//

uint32_t vote(VoteMode mode, const std::array<bool, kWarpSize> &predicate,
              uint32_t memberMask) {
  uint32_t ballot = 0;
  for (int lane = 0; lane < kWarpSize; ++lane)
    if (predicate[lane])
      ballot |= 1u << lane;
  ballot &= memberMask;
  switch (mode) {
  case VoteMode::Ballot:
    return ballot;
  case VoteMode::All:
    return ballot == memberMask ? 1 : 0;
  case VoteMode::Any:
    return ballot != 0 ? 1 : 0;
  case VoteMode::Uni:
    return ballot == 0 || ballot == memberMask ? 1 : 0;
  }
  return 0;
}

} // namespace fused::emu
