//===- Collectives.cpp - warp-collective instruction semantics ------------===//
//
// The bit-level 16-bit float conversions and the per-warp data movement of
// mma.sync, ldmatrix, shfl.sync and vote.sync, written from the PTX ISA's
// fragment tables and pseudo-code.
//
//===----------------------------------------------------------------------===//

#include "emulator/Collectives.h"

#include <cstring>

namespace fused::emu {
namespace {

uint32_t floatBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// Shifts `value` right by `shift` (1..31) bits, rounding to nearest even.
uint32_t shiftRightRoundEven(uint32_t value, int shift) {
  uint32_t kept = value >> shift;
  uint32_t rest = value & ((1u << shift) - 1);
  uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (kept & 1)))
    ++kept;
  return kept;
}

/// Widens one 16-bit operand element of an mma to float.
float widen(MmaType type, uint16_t bits) {
  return type == MmaType::F16 ? halfToFloat(bits) : bf16ToFloat(bits);
}

} // namespace

//===----------------------------------------------------------------------===//
// 16-bit floating point
//===----------------------------------------------------------------------===//

float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h >> 15) << 31;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  if (exponent == 0x1f) // Infinity or NaN; the payload moves up unchanged.
    return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
  if (exponent != 0)
    return bitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  if (mantissa == 0)
    return bitsToFloat(sign);
  // Subnormal: mantissa * 2^-24. Normalise it into a float significand.
  int shift = 0;
  while (!(mantissa & 0x400)) {
    mantissa <<= 1;
    ++shift;
  }
  // The value is now 1.m * 2^(-14 - shift).
  uint32_t floatExponent = static_cast<uint32_t>(-14 - shift + 127);
  return bitsToFloat(sign | (floatExponent << 23) | ((mantissa & 0x3ff) << 13));
}

uint16_t floatToHalf(float f) {
  uint32_t bits = floatBits(f);
  auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  int exponent = static_cast<int>((bits >> 23) & 0xff);
  uint32_t mantissa = bits & 0x7fffff;
  if (exponent == 0xff) {
    if (mantissa == 0)
      return sign | 0x7c00;
    // Keep the top of the payload and set the quiet bit, so that a payload
    // living only in the low bits does not turn into infinity.
    return sign | 0x7e00 | static_cast<uint16_t>(mantissa >> 13);
  }
  if (exponent == 0) // Zero or a float subnormal: far below half's range.
    return sign;
  int unbiased = exponent - 127;
  if (unbiased > 15)
    return sign | 0x7c00;
  uint32_t significand = mantissa | 0x800000; // 24 bits, value * 2^-23.
  if (unbiased >= -14) {
    // Normal range. Rounding may carry into the exponent, which is the
    // correct encoding, up to and including infinity (0x7c00).
    uint32_t rounded = shiftRightRoundEven(significand, 13); // 11 bits.
    uint32_t result =
        (static_cast<uint32_t>(unbiased + 15) << 10) + (rounded - 0x400);
    if (result >= 0x7c00)
      return sign | 0x7c00;
    return sign | static_cast<uint16_t>(result);
  }
  // Subnormal result: count units of 2^-24, i.e. significand * 2^(e + 1).
  int shift = -unbiased - 1; // At least 14.
  if (shift > 24)            // Below half a unit: rounds to zero.
    return sign;
  // A carry into 0x400 gives the smallest normal, again the right encoding.
  return sign | static_cast<uint16_t>(shiftRightRoundEven(significand, shift));
}

float bf16ToFloat(uint16_t h) {
  return bitsToFloat(static_cast<uint32_t>(h) << 16);
}

uint16_t floatToBf16(float f) {
  uint32_t bits = floatBits(f);
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffff) != 0)
    return static_cast<uint16_t>((bits >> 16) | 0x0040); // Quiet NaN.
  // Round to nearest even on the low 16 bits; a carry moves into the
  // exponent, up to infinity, which is the correct result.
  uint32_t rounded = bits + 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(rounded >> 16);
}

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
