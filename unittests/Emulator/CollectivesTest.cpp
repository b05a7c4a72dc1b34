//===- CollectivesTest.cpp - tests of the emulator's warp collectives -----===//
//
// Checks the 16-bit float conversions against bit patterns worked out by
// hand, and mma.sync, ldmatrix, shfl.sync and vote.sync against fragments
// and results built directly from the PTX ISA tables and pseudo-code, never
// from the code under test's own inverse.
//
//===----------------------------------------------------------------------===//

#include "emulator/Collectives.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace fused::emu;

namespace {

using AFrag = std::array<std::array<uint32_t, 4>, kWarpSize>;
using BFrag = std::array<std::array<uint32_t, 2>, kWarpSize>;
using CFrag = std::array<std::array<float, 4>, kWarpSize>;
using Lanes = std::array<uint32_t, kWarpSize>;
using Preds = std::array<bool, kWarpSize>;

float floatFromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

uint32_t bitsFromFloat(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

//===----------------------------------------------------------------------===//
// 16-bit floating point
//===----------------------------------------------------------------------===//

TEST(HalfTest, EncodesExactValues) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(-2.5f), 0xc100); // -1.25 * 2^1.
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(0.0f), 0x0000);
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -14)), 0x0400); // Smallest normal.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001); // Smallest subnormal.
  EXPECT_EQ(floatToHalf(std::ldexp(1023.0f, -24)), 0x03ff);
}

TEST(HalfTest, DecodesExactValues) {
  EXPECT_EQ(halfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(halfToFloat(0xc100), -2.5f);
  EXPECT_EQ(halfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(halfToFloat(0x0400), std::ldexp(1.0f, -14));
  EXPECT_EQ(halfToFloat(0x8001), -std::ldexp(1.0f, -24));
  float negZero = halfToFloat(0x8000);
  EXPECT_EQ(negZero, 0.0f);
  EXPECT_TRUE(std::signbit(negZero));
  EXPECT_EQ(halfToFloat(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(halfToFloat(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(halfToFloat(0x7e00)));
  EXPECT_TRUE(std::isnan(halfToFloat(0x7c01))); // Signalling NaN.
}

TEST(HalfTest, OverflowsToInfinity) {
  // 65520 is halfway between 65504 and 65536 (which is not finite in half);
  // the tie goes to the even mantissa, i.e. the carry into infinity.
  EXPECT_EQ(floatToHalf(65519.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(floatToHalf(1.0e6f), 0x7c00);
  EXPECT_EQ(floatToHalf(-1.0e6f), 0xfc00);
  EXPECT_EQ(floatToHalf(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(floatToHalf(-std::numeric_limits<float>::infinity()), 0xfc00);
}

TEST(HalfTest, NaNStaysNaN) {
  auto isHalfNaN = [](uint16_t h) {
    return (h & 0x7c00) == 0x7c00 && (h & 0x03ff) != 0;
  };
  EXPECT_TRUE(isHalfNaN(floatToHalf(std::numeric_limits<float>::quiet_NaN())));
  // A payload only in the low 13 bits must not collapse into infinity.
  EXPECT_TRUE(isHalfNaN(floatToHalf(floatFromBits(0x7f800001))));
  EXPECT_TRUE(isHalfNaN(floatToHalf(floatFromBits(0xff800001))));
}

TEST(HalfTest, RoundsTiesToEven) {
  // 1 + 2^-11 lies halfway between 0x3c00 (1.0) and 0x3c01: even is 0x3c00.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  // 1 + 3 * 2^-11 lies halfway between 0x3c01 and 0x3c02: even is 0x3c02.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(3.0f, -11)), 0x3c02);
  // Just above a tie rounds up.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)),
            0x3c01);
  // Ties among subnormals (units of 2^-24): 0.5 -> 0, 1.5 -> 2, 0.75 -> 1.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(floatToHalf(-std::ldexp(1.0f, -25)), 0x8000);
  EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -25)), 0x0002);
  EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -26)), 0x0001);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -30)), 0x0000);
  // The largest subnormal plus half a unit rounds up into the smallest
  // normal (1023.5 units; 1023 is odd).
  EXPECT_EQ(floatToHalf(std::ldexp(2047.0f, -25)), 0x0400);
}

TEST(Bf16Test, ConvertsExactValues) {
  EXPECT_EQ(floatToBf16(1.0f), 0x3f80);
  EXPECT_EQ(floatToBf16(-2.5f), 0xc020);
  EXPECT_EQ(bf16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(bf16ToFloat(0xc020), -2.5f);
  EXPECT_EQ(bf16ToFloat(0x7f80), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(bf16ToFloat(0x7fc0)));
}

TEST(Bf16Test, RoundsOneThird) {
  // 1/3 is 0x3eaaaaab in float; the dropped half 0xaaab is above 0x8000,
  // so the kept half 0x3eaa rounds up.
  ASSERT_EQ(bitsFromFloat(1.0f / 3.0f), 0x3eaaaaabu);
  EXPECT_EQ(floatToBf16(1.0f / 3.0f), 0x3eab);
  EXPECT_EQ(floatToBf16(-1.0f / 3.0f), 0xbeab);
}

TEST(Bf16Test, RoundsTiesToEvenAndOverflows) {
  EXPECT_EQ(floatToBf16(floatFromBits(0x3f808000)), 0x3f80); // Tie, even.
  EXPECT_EQ(floatToBf16(floatFromBits(0x3f818000)), 0x3f82); // Tie, odd.
  EXPECT_EQ(floatToBf16(floatFromBits(0x3f807fff)), 0x3f80); // Below tie.
  EXPECT_EQ(floatToBf16(std::numeric_limits<float>::max()), 0x7f80);
  EXPECT_EQ(floatToBf16(-std::numeric_limits<float>::max()), 0xff80);
  EXPECT_EQ(floatToBf16(floatFromBits(0x7f7f7fff)), 0x7f7f);
}

TEST(Bf16Test, NaNStaysNaN) {
  auto isBf16NaN = [](uint16_t h) {
    return (h & 0x7f80) == 0x7f80 && (h & 0x007f) != 0;
  };
  EXPECT_TRUE(isBf16NaN(floatToBf16(std::numeric_limits<float>::quiet_NaN())));
  // Rounding 0x7fffffff naively would carry into the sign-free exponent;
  // a payload only in the low 16 bits would naively become infinity.
  EXPECT_TRUE(isBf16NaN(floatToBf16(floatFromBits(0x7fffffff))));
  EXPECT_TRUE(isBf16NaN(floatToBf16(floatFromBits(0x7f800001))));
  EXPECT_TRUE(isBf16NaN(floatToBf16(floatFromBits(0xff800001))));
}

TEST(PackTest, FirstElementInLowHalf) {
  EXPECT_EQ(pack2(0x1234, 0xabcd), 0xabcd1234u);
  EXPECT_EQ(lowHalf(0xabcd1234u), 0x1234);
  EXPECT_EQ(highHalf(0xabcd1234u), 0xabcd);
}

//===----------------------------------------------------------------------===//
// mma.sync.aligned.m16n8k16
//===----------------------------------------------------------------------===//

/// Encodes an integer as binary16 by hand; exact when |n| <= 2048 (larger
/// powers of two are exact as well, up to 2^15).
uint16_t halfOfInt(int n) {
  if (n == 0)
    return 0;
  uint16_t sign = n < 0 ? 0x8000 : 0;
  unsigned mag = static_cast<unsigned>(n < 0 ? -n : n);
  int e = 0;
  while ((mag >> (e + 1)) != 0)
    ++e;
  unsigned mantissa = (e <= 10 ? mag << (10 - e) : mag >> (e - 10)) & 0x3ff;
  return static_cast<uint16_t>(sign | ((e + 15) << 10) | mantissa);
}

/// Encodes an integer as bfloat16 by hand; exact when |n| <= 256 and for
/// powers of two.
uint16_t bf16OfInt(int n) {
  if (n == 0)
    return 0;
  uint16_t sign = n < 0 ? 0x8000 : 0;
  unsigned mag = static_cast<unsigned>(n < 0 ? -n : n);
  int e = 0;
  while ((mag >> (e + 1)) != 0)
    ++e;
  unsigned mantissa = (e <= 7 ? mag << (7 - e) : mag >> (e - 7)) & 0x7f;
  return static_cast<uint16_t>(sign | ((e + 127) << 7) | mantissa);
}

TEST(MmaTest, HandEncodingsMatchKnownBits) {
  EXPECT_EQ(halfOfInt(1), 0x3c00);
  EXPECT_EQ(halfOfInt(-3), 0xc200);
  EXPECT_EQ(halfOfInt(12), 0x4a00);
  EXPECT_EQ(halfOfInt(2048), 0x6800);
  EXPECT_EQ(bf16OfInt(1), 0x3f80);
  EXPECT_EQ(bf16OfInt(-3), 0xc040);
  EXPECT_EQ(bf16OfInt(2048), 0x4500);
}

using MatA = std::array<std::array<int, 16>, 16>; // M x K.
using MatB = std::array<std::array<int, 8>, 16>;  // K x N.
using MatC = std::array<std::array<float, 8>, 16>;

/// Distributes A, B and C into per-lane fragments following the PTX ISA
/// figures for mma.m16n8k16 with floating point type, with
/// g = groupID = lane / 4 and t = threadID_in_group = lane % 4:
///   a0,a1: A[g][2t], A[g][2t+1]        a2,a3: A[g+8][2t], A[g+8][2t+1]
///   a4,a5: A[g][2t+8], A[g][2t+9]      a6,a7: A[g+8][2t+8], A[g+8][2t+9]
///   b0,b1: B[2t][g], B[2t+1][g]        b2,b3: B[2t+8][g], B[2t+9][g]
///   c0,c1: C[g][2t], C[g][2t+1]        c2,c3: C[g+8][2t], C[g+8][2t+1]
void distribute(uint16_t (*encode)(int), const MatA &matA, const MatB &matB,
                const MatC &matC, AFrag &a, BFrag &b, CFrag &c) {
  for (int lane = 0; lane < kWarpSize; ++lane) {
    int g = lane / 4, t = lane % 4;
    a[lane][0] = pack2(encode(matA[g][2 * t]), encode(matA[g][2 * t + 1]));
    a[lane][1] =
        pack2(encode(matA[g + 8][2 * t]), encode(matA[g + 8][2 * t + 1]));
    a[lane][2] = pack2(encode(matA[g][2 * t + 8]), encode(matA[g][2 * t + 9]));
    a[lane][3] =
        pack2(encode(matA[g + 8][2 * t + 8]), encode(matA[g + 8][2 * t + 9]));
    b[lane][0] = pack2(encode(matB[2 * t][g]), encode(matB[2 * t + 1][g]));
    b[lane][1] = pack2(encode(matB[2 * t + 8][g]), encode(matB[2 * t + 9][g]));
    c[lane] = {matC[g][2 * t], matC[g][2 * t + 1], matC[g + 8][2 * t],
               matC[g + 8][2 * t + 1]};
  }
}

/// Gathers D from its fragments (same layout as C).
MatC gather(const CFrag &d) {
  MatC matD{};
  for (int lane = 0; lane < kWarpSize; ++lane) {
    int g = lane / 4, t = lane % 4;
    matD[g][2 * t] = d[lane][0];
    matD[g][2 * t + 1] = d[lane][1];
    matD[g + 8][2 * t] = d[lane][2];
    matD[g + 8][2 * t + 1] = d[lane][3];
  }
  return matD;
}

/// D = A * B + C with a plain triple loop (exact for these small values).
MatC reference(const MatA &matA, const MatB &matB, const MatC &matC) {
  MatC matD{};
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 8; ++j) {
      double sum = matC[i][j];
      for (int k = 0; k < 16; ++k)
        sum += static_cast<double>(matA[i][k]) * matB[k][j];
      matD[i][j] = static_cast<float>(sum);
    }
  }
  return matD;
}

void fillOperands(MatA &matA, MatB &matB, MatC &matC) {
  for (int i = 0; i < 16; ++i)
    for (int k = 0; k < 16; ++k)
      matA[i][k] = (i * 3 + k * 5) % 7 - 3 + (i == k ? 11 : 0);
  for (int k = 0; k < 16; ++k)
    for (int j = 0; j < 8; ++j)
      matB[k][j] = (k * 2 + j * 7) % 5 - 2 + k - j;
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 8; ++j)
      matC[i][j] = static_cast<float>(i) - 0.5f * static_cast<float>(j);
}

void expectMatEq(const MatC &expected, const MatC &actual) {
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 8; ++j)
      EXPECT_EQ(expected[i][j], actual[i][j])
          << "at D[" << i << "][" << j << "]";
}

TEST(MmaTest, F16MatchesTripleLoop) {
  MatA matA;
  MatB matB;
  MatC matC;
  fillOperands(matA, matB, matC);
  AFrag a;
  BFrag b;
  CFrag c, d;
  distribute(halfOfInt, matA, matB, matC, a, b, c);
  mmaM16N8K16(MmaType::F16, a, b, c, d);
  expectMatEq(reference(matA, matB, matC), gather(d));
}

TEST(MmaTest, Bf16MatchesTripleLoop) {
  MatA matA;
  MatB matB;
  MatC matC;
  fillOperands(matA, matB, matC);
  AFrag a;
  BFrag b;
  CFrag c, d;
  distribute(bf16OfInt, matA, matB, matC, a, b, c);
  mmaM16N8K16(MmaType::BF16, a, b, c, d);
  expectMatEq(reference(matA, matB, matC), gather(d));
}

TEST(MmaTest, IdentityAGivesBPlusC) {
  MatA identity{};
  for (int i = 0; i < 16; ++i)
    identity[i][i] = 1;
  MatB matB;
  MatC matC;
  MatA unused;
  fillOperands(unused, matB, matC);
  AFrag a;
  BFrag b;
  CFrag c, d;
  distribute(halfOfInt, identity, matB, matC, a, b, c);
  mmaM16N8K16(MmaType::F16, a, b, c, d);
  MatC expected{};
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 8; ++j)
      expected[i][j] = static_cast<float>(matB[i][j]) + matC[i][j];
  expectMatEq(expected, gather(d));
}

/// A single nonzero element tells whether the fragment layout of each
/// operand is right, independently of the others.
TEST(MmaTest, SingleElementsLandInPlace) {
  for (int i = 0; i < 16; ++i) {
    for (int k = 0; k < 16; ++k) {
      MatA matA{};
      matA[i][k] = 2;
      MatB matB{};
      for (int j = 0; j < 8; ++j)
        matB[k][j] = j + 1;
      MatC matC{};
      AFrag a;
      BFrag b;
      CFrag c, d;
      distribute(halfOfInt, matA, matB, matC, a, b, c);
      mmaM16N8K16(MmaType::F16, a, b, c, d);
      MatC expected{};
      for (int j = 0; j < 8; ++j)
        expected[i][j] = static_cast<float>(2 * (j + 1));
      expectMatEq(expected, gather(d));
    }
  }
}

/// The documented order: products summed in float in k order 0..15, then C.
/// Four products 2048 * 2048 = 2^22 reach 2^24 at k = 3, after which each
/// of the twelve products 1 * 1 is a tie that rounds back to 2^24 (even),
/// so they are lost; summed in reverse order they would give 2^24 + 12.
/// C = 1, added last, is lost the same way.
TEST(MmaTest, SumsProductsInKOrderThenAddsC) {
  MatA matA{};
  MatB matB{};
  MatC matC{};
  for (int k = 0; k < 4; ++k) {
    matA[0][k] = 2048;
    matB[k][0] = 2048;
  }
  for (int k = 4; k < 16; ++k) {
    matA[0][k] = 1;
    matB[k][0] = 1;
  }
  matC[0][0] = 1.0f;
  for (MmaType type : {MmaType::F16, MmaType::BF16}) {
    AFrag a;
    BFrag b;
    CFrag c, d;
    distribute(type == MmaType::F16 ? halfOfInt : bf16OfInt, matA, matB, matC,
               a, b, c);
    mmaM16N8K16(type, a, b, c, d);
    EXPECT_EQ(gather(d)[0][0], std::ldexp(1.0f, 24));
  }
}

TEST(MmaTest, DMayAliasC) {
  MatA matA;
  MatB matB;
  MatC matC;
  fillOperands(matA, matB, matC);
  AFrag a;
  BFrag b;
  CFrag c;
  distribute(halfOfInt, matA, matB, matC, a, b, c);
  mmaM16N8K16(MmaType::F16, a, b, c, c);
  expectMatEq(reference(matA, matB, matC), gather(c));
}

//===----------------------------------------------------------------------===//
// ldmatrix.sync.aligned.m8n8
//===----------------------------------------------------------------------===//

using RowData = std::array<std::array<uint16_t, 8>, kWarpSize>;
using LdOut = std::array<std::array<uint32_t, 4>, kWarpSize>;

constexpr uint32_t kSentinel = 0xdeadbeef;

/// Lane l supplies row l % 8 of matrix l / 8; element (row, col) of matrix
/// m holds m * 256 + row * 16 + col. Lanes whose rows must not be read
/// (8 * numTiles and up) supply 0xffff instead.
RowData encodedRows(int numTiles) {
  RowData rows;
  for (int lane = 0; lane < kWarpSize; ++lane)
    for (int col = 0; col < 8; ++col)
      rows[lane][col] =
          lane < 8 * numTiles
              ? static_cast<uint16_t>((lane / 8) * 256 + (lane % 8) * 16 + col)
              : 0xffff;
  return rows;
}

LdOut sentinelOut() {
  LdOut out;
  for (auto &regs : out)
    regs.fill(kSentinel);
  return out;
}

void checkLdmatrix(int numTiles, bool trans) {
  SCOPED_TRACE(testing::Message()
               << "x" << numTiles << (trans ? ".trans" : ""));
  LdOut out = sentinelOut();
  ASSERT_TRUE(ldmatrix(numTiles, trans, encodedRows(numTiles), out));
  for (int lane = 0; lane < kWarpSize; ++lane) {
    for (int q = 0; q < 4; ++q) {
      if (q >= numTiles) {
        EXPECT_EQ(out[lane][q], kSentinel) << "lane " << lane << " reg " << q;
        continue;
      }
      uint32_t lo, hi;
      if (!trans) {
        // Row lane / 4, columns 2 * (lane % 4) and 2 * (lane % 4) + 1.
        int row = lane / 4, col = 2 * (lane % 4);
        lo = q * 256 + row * 16 + col;
        hi = q * 256 + row * 16 + col + 1;
      } else {
        // Column lane / 4, rows 2 * (lane % 4) and 2 * (lane % 4) + 1.
        int col = lane / 4, row = 2 * (lane % 4);
        lo = q * 256 + row * 16 + col;
        hi = q * 256 + (row + 1) * 16 + col;
      }
      EXPECT_EQ(out[lane][q], lo | (hi << 16))
          << "lane " << lane << " reg " << q;
    }
  }
}

TEST(LdmatrixTest, X1) { checkLdmatrix(1, false); }
TEST(LdmatrixTest, X2) { checkLdmatrix(2, false); }
TEST(LdmatrixTest, X4) { checkLdmatrix(4, false); }
TEST(LdmatrixTest, X1Trans) { checkLdmatrix(1, true); }
TEST(LdmatrixTest, X2Trans) { checkLdmatrix(2, true); }
TEST(LdmatrixTest, X4Trans) { checkLdmatrix(4, true); }

/// A few registers spelled out, as a cross-check of the formulas above.
TEST(LdmatrixTest, SpotChecks) {
  LdOut out = sentinelOut();
  ASSERT_TRUE(ldmatrix(4, false, encodedRows(4), out));
  EXPECT_EQ(out[0][0], 0x00010000u);  // M0 row 0, cols 0 and 1.
  EXPECT_EQ(out[5][1], 0x01130112u);  // M1 row 1, cols 2 and 3.
  EXPECT_EQ(out[31][3], 0x03770376u); // M3 row 7, cols 6 and 7.
  ASSERT_TRUE(ldmatrix(4, true, encodedRows(4), out));
  EXPECT_EQ(out[0][0], 0x00100000u);  // M0 col 0, rows 0 and 1.
  EXPECT_EQ(out[5][1], 0x01310121u);  // M1 col 1, rows 2 and 3.
  EXPECT_EQ(out[31][3], 0x03770367u); // M3 col 7, rows 6 and 7.
}

TEST(LdmatrixTest, RejectsOtherTileCounts) {
  for (int numTiles : {0, 3, 5, 8, -1}) {
    LdOut out = sentinelOut();
    EXPECT_FALSE(ldmatrix(numTiles, false, encodedRows(4), out)) << numTiles;
    EXPECT_FALSE(ldmatrix(numTiles, true, encodedRows(4), out)) << numTiles;
    for (const auto &regs : out)
      for (uint32_t r : regs)
        EXPECT_EQ(r, kSentinel);
  }
}

//===----------------------------------------------------------------------===//
// shfl.sync
//===----------------------------------------------------------------------===//

constexpr uint32_t kFullMask = 0xffffffffu;

Lanes uniform(uint32_t v) {
  Lanes lanes;
  lanes.fill(v);
  return lanes;
}

/// value[lane] = 100 + lane.
Lanes laneValues() {
  Lanes v;
  for (int lane = 0; lane < kWarpSize; ++lane)
    v[lane] = 100 + lane;
  return v;
}

TEST(ShflTest, IdxBroadcastsFromLane5) {
  Lanes out = uniform(kSentinel);
  Preds pred{};
  // width 32: c = (0 << 8) | 0x1f.
  ASSERT_TRUE(shfl(ShflMode::Idx, laneValues(), uniform(5), uniform(0x1f),
                   kFullMask, out, pred));
  for (int lane = 0; lane < kWarpSize; ++lane) {
    EXPECT_EQ(out[lane], 105u) << lane;
    EXPECT_TRUE(pred[lane]) << lane;
  }
}

TEST(ShflTest, IdxPerLaneSourceReverses) {
  Lanes b;
  for (int lane = 0; lane < kWarpSize; ++lane)
    b[lane] = 31 - lane;
  Lanes out = uniform(kSentinel);
  Preds pred{};
  ASSERT_TRUE(shfl(ShflMode::Idx, laneValues(), b, uniform(0x1f), kFullMask,
                   out, pred));
  for (int lane = 0; lane < kWarpSize; ++lane)
    EXPECT_EQ(out[lane], 100u + (31 - lane)) << lane;
}

TEST(ShflTest, IdxWidth8StaysInSegment) {
  // width 8: c = (24 << 8) | 0x1f; lane l reads lane (l & ~7) | (b % 8).
  for (uint32_t b : {3u, 11u}) {
    Lanes out = uniform(kSentinel);
    Preds pred{};
    ASSERT_TRUE(shfl(ShflMode::Idx, laneValues(), uniform(b),
                     uniform((24u << 8) | 0x1f), kFullMask, out, pred));
    for (int lane = 0; lane < kWarpSize; ++lane) {
      EXPECT_EQ(out[lane], 100u + ((lane & ~7) | 3))
          << "b " << b << " lane " << lane;
      EXPECT_TRUE(pred[lane]) << lane;
    }
  }
}

TEST(ShflTest, IdxAboveClampKeepsOwnValue) {
  // Clamp 15, no segments: a source lane above 15 is out of range.
  Lanes out = uniform(kSentinel);
  Preds pred{};
  ASSERT_TRUE(shfl(ShflMode::Idx, laneValues(), uniform(20), uniform(15),
                   kFullMask, out, pred));
  for (int lane = 0; lane < kWarpSize; ++lane) {
    EXPECT_EQ(out[lane], 100u + lane) << lane;
    EXPECT_FALSE(pred[lane]) << lane;
  }
}

TEST(ShflTest, UpByOneWidth32) {
  // width 32 for .up: c = (0 << 8), so the lower bound is lane 0.
  Lanes out = uniform(kSentinel);
  Preds pred{};
  ASSERT_TRUE(shfl(ShflMode::Up, laneValues(), uniform(1), uniform(0),
                   kFullMask, out, pred));
  EXPECT_EQ(out[0], 100u);
  EXPECT_FALSE(pred[0]);
  for (int lane = 1; lane < kWarpSize; ++lane) {
    EXPECT_EQ(out[lane], 100u + lane - 1) << lane;
    EXPECT_TRUE(pred[lane]) << lane;
  }
}

TEST(ShflTest, UpByThreeWidth8) {
  // width 8 for .up: c = 24 << 8; the first 3 lanes of each segment keep
  // their own value.
  Lanes out = uniform(kSentinel);
  Preds pred{};
  ASSERT_TRUE(shfl(ShflMode::Up, laneValues(), uniform(3), uniform(24u << 8),
                   kFullMask, out, pred));
  for (int lane = 0; lane < kWarpSize; ++lane) {
    bool inRange = lane % 8 >= 3;
    EXPECT_EQ(out[lane], inRange ? 100u + lane - 3 : 100u + lane) << lane;
    EXPECT_EQ(pred[lane], inRange) << lane;
  }
}

TEST(ShflTest, DownByTwoWidth16) {
  // width 16: c = (16 << 8) | 0x1f; the last 2 lanes of each 16-lane
  // segment would cross its boundary and keep their own value.
  Lanes out = uniform(kSentinel);
  Preds pred{};
  ASSERT_TRUE(shfl(ShflMode::Down, laneValues(), uniform(2),
                   uniform((16u << 8) | 0x1f), kFullMask, out, pred));
  for (int lane = 0; lane < kWarpSize; ++lane) {
    bool inRange = lane % 16 < 14;
    EXPECT_EQ(out[lane], inRange ? 100u + lane + 2 : 100u + lane) << lane;
    EXPECT_EQ(pred[lane], inRange) << lane;
  }
}

TEST(ShflTest, BflyXor1) {
  Lanes out = uniform(kSentinel);
  Preds pred{};
  ASSERT_TRUE(shfl(ShflMode::Bfly, laneValues(), uniform(1), uniform(0x1f),
                   kFullMask, out, pred));
  for (int lane = 0; lane < kWarpSize; ++lane) {
    EXPECT_EQ(out[lane], 100u + (lane ^ 1)) << lane;
    EXPECT_TRUE(pred[lane]) << lane;
  }
}

TEST(ShflTest, BflyXor16Width16StaysInSegment) {
  // width 16: lanes 0-15 would read beyond their segment's maxLane (15)
  // and keep their own value; lanes 16-31 read the earlier segment, which
  // the pseudo-code allows (j <= maxLane) and the CUDA guide describes.
  Lanes out = uniform(kSentinel);
  Preds pred{};
  ASSERT_TRUE(shfl(ShflMode::Bfly, laneValues(), uniform(16),
                   uniform((16u << 8) | 0x1f), kFullMask, out, pred));
  for (int lane = 0; lane < 16; ++lane) {
    EXPECT_EQ(out[lane], 100u + lane) << lane;
    EXPECT_FALSE(pred[lane]) << lane;
  }
  for (int lane = 16; lane < kWarpSize; ++lane) {
    EXPECT_EQ(out[lane], 100u + lane - 16) << lane;
    EXPECT_TRUE(pred[lane]) << lane;
  }
}

TEST(ShflTest, SourceOutsideMemberMaskIsReported) {
  uint32_t mask = kFullMask & ~(1u << 5);
  Lanes out = uniform(kSentinel);
  Preds pred;
  pred.fill(true);
  EXPECT_FALSE(shfl(ShflMode::Idx, laneValues(), uniform(5), uniform(0x1f),
                    mask, out, pred));
  // Lane 5 itself is not a member: not computed.
  EXPECT_EQ(out[5], kSentinel);
  EXPECT_FALSE(pred[5]);
}

TEST(ShflTest, PartialMaskLeavesOtherLanesAlone) {
  // Lanes 0-15 exchange pairwise; all their sources are members.
  Lanes out = uniform(kSentinel);
  Preds pred;
  pred.fill(true);
  ASSERT_TRUE(shfl(ShflMode::Bfly, laneValues(), uniform(1), uniform(0x1f),
                   0x0000ffffu, out, pred));
  for (int lane = 0; lane < 16; ++lane) {
    EXPECT_EQ(out[lane], 100u + (lane ^ 1)) << lane;
    EXPECT_TRUE(pred[lane]) << lane;
  }
  for (int lane = 16; lane < kWarpSize; ++lane) {
    EXPECT_EQ(out[lane], kSentinel) << lane;
    EXPECT_FALSE(pred[lane]) << lane;
  }
}

TEST(ShflTest, OutOfRangeSourceIsOwnLaneNotAMemberRead) {
  // Lane 31 shuffling down by 1 reads nothing outside itself, so a mask
  // of only lane 31 is well defined.
  Lanes out = uniform(kSentinel);
  Preds pred{};
  EXPECT_TRUE(shfl(ShflMode::Down, laneValues(), uniform(1), uniform(0x1f),
                   1u << 31, out, pred));
  EXPECT_EQ(out[31], 131u);
  EXPECT_FALSE(pred[31]);
}

TEST(ShflTest, OutMayAliasValue) {
  Lanes v = laneValues();
  Preds pred{};
  ASSERT_TRUE(
      shfl(ShflMode::Up, v, uniform(1), uniform(0), kFullMask, v, pred));
  EXPECT_EQ(v[0], 100u);
  for (int lane = 1; lane < kWarpSize; ++lane)
    EXPECT_EQ(v[lane], 100u + lane - 1) << lane;
}

//===----------------------------------------------------------------------===//
// vote.sync
//===----------------------------------------------------------------------===//

/// Predicates from a bit pattern: lane l is true iff bit l is set.
Preds predsFromBits(uint32_t bits) {
  Preds p;
  for (int lane = 0; lane < kWarpSize; ++lane)
    p[lane] = (bits >> lane) & 1;
  return p;
}

TEST(VoteTest, AllWithPartialMask) {
  // True in lanes 0-15 only: all members of 0x0000ffff agree on true.
  Preds p = predsFromBits(0x0000ffffu);
  EXPECT_EQ(vote(VoteMode::All, p, 0x0000ffffu), 1u);
  EXPECT_EQ(vote(VoteMode::All, p, 0x000000f0u), 1u);
  EXPECT_EQ(vote(VoteMode::All, p, 0x0001ffffu), 0u);
  EXPECT_EQ(vote(VoteMode::All, p, kFullMask), 0u);
}

TEST(VoteTest, AnyWithPartialMask) {
  Preds p = predsFromBits(0x00ff0000u);
  EXPECT_EQ(vote(VoteMode::Any, p, 0x0000ff00u), 0u);
  EXPECT_EQ(vote(VoteMode::Any, p, 0x00010000u), 1u);
  EXPECT_EQ(vote(VoteMode::Any, p, kFullMask), 1u);
  EXPECT_EQ(vote(VoteMode::Any, predsFromBits(0), kFullMask), 0u);
}

TEST(VoteTest, UniWithPartialMask) {
  Preds p = predsFromBits(0xf0f0f0f0u);
  EXPECT_EQ(vote(VoteMode::Uni, p, 0x000000f0u), 1u); // All true.
  EXPECT_EQ(vote(VoteMode::Uni, p, 0x0f0f0f0fu), 1u); // All false.
  EXPECT_EQ(vote(VoteMode::Uni, p, 0x00000180u), 0u); // Lanes 7, 8 differ.
  EXPECT_EQ(vote(VoteMode::Uni, p, kFullMask), 0u);
}

TEST(VoteTest, BallotWithPartialMask) {
  Preds p = predsFromBits(0x12345678u);
  EXPECT_EQ(vote(VoteMode::Ballot, p, kFullMask), 0x12345678u);
  EXPECT_EQ(vote(VoteMode::Ballot, p, 0xffff0000u), 0x12340000u);
  EXPECT_EQ(vote(VoteMode::Ballot, p, 0x0000000fu), 0x00000008u);
  EXPECT_EQ(vote(VoteMode::Ballot, p, 0u), 0u);
}

} // namespace
