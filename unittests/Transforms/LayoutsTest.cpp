//===- LayoutsTest.cpp - swizzle and fragment layout math -----------------===//
//
// Checks the shared-memory swizzle against the bank model of the hardware
// (32 banks of 4 bytes; a 16-byte access touches 4 consecutive banks) and
// the m16n8k16 fragment layouts against the PTX ISA's tables (every element
// of the tile owned by exactly one lane and register).
//
//===----------------------------------------------------------------------===//

#include "fused/Transforms/Layouts.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

using namespace fused::layout;

namespace {

/// The 16-byte bank group (0..7) of a byte address.
int64_t bankGroup(int64_t byteAddress) { return (byteAddress % 128) / 16; }

class SwizzleTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(SwizzleTest, PermutesChunksWithinARow) {
  int64_t rowBytes = GetParam(), chunks = rowBytes / 16;
  for (int64_t row = 0; row < 64; ++row) {
    std::set<int64_t> stored;
    for (int64_t c = 0; c < chunks; ++c) {
      int64_t s = swizzleChunk(row, c, rowBytes);
      EXPECT_GE(s, 0);
      EXPECT_LT(s, chunks);
      stored.insert(s);
    }
    EXPECT_EQ(static_cast<int64_t>(stored.size()), chunks) << "row " << row;
  }
}

/// ldmatrix: 8 lanes read the same logical chunk of 8 consecutive rows;
/// conflict-free when the 8 rows land in 8 different bank groups.
TEST_P(SwizzleTest, LdmatrixRowsHitDistinctBankGroups) {
  int64_t rowBytes = GetParam(), chunks = rowBytes / 16;
  if (chunks < 2)
    GTEST_SKIP() << "one chunk per row: 8 rows are contiguous";
  if (chunks & (chunks - 1))
    GTEST_SKIP() << chunks
                 << " chunks per row is not a power of two: the "
                    "swizzle only keeps accesses in the row";
  for (int64_t base = 0; base < 64; base += 8)
    for (int64_t c = 0; c < chunks; ++c) {
      std::set<int64_t> groups;
      for (int64_t r = base; r < base + 8; ++r)
        groups.insert(
            bankGroup(r * rowBytes + swizzleChunk(r, c, rowBytes) * 16));
      EXPECT_EQ(groups.size(), 8u) << "rows " << base << ".., chunk " << c;
    }
}

/// Without the swizzle, rows of 64 bytes or more do conflict: the test
/// above would fail for them.
TEST(SwizzleTest, UnswizzledRowsConflict) {
  for (int64_t rowBytes : {64, 128, 256}) {
    std::set<int64_t> groups;
    for (int64_t r = 0; r < 8; ++r)
      groups.insert(bankGroup(r * rowBytes));
    EXPECT_LT(groups.size(), 8u) << rowBytes;
  }
}

INSTANTIATE_TEST_SUITE_P(RowBytes, SwizzleTest,
                         ::testing::Values(16, 32, 48, 64, 96, 128, 192, 256,
                                           512));

/// Every (row, col) of a tile is covered exactly once by (lane, element).
template <typename RowFn, typename ColFn>
void expectCoversTile(int64_t rows, int64_t cols, int64_t perLane, RowFn row,
                      ColFn col) {
  std::set<std::pair<int64_t, int64_t>> seen;
  for (int64_t lane = 0; lane < 32; ++lane)
    for (int64_t i = 0; i < perLane; ++i) {
      int64_t r = row(lane, i), c = col(lane, i);
      ASSERT_GE(r, 0);
      ASSERT_LT(r, rows);
      ASSERT_GE(c, 0);
      ASSERT_LT(c, cols);
      EXPECT_TRUE(seen.insert({r, c}).second)
          << "lane " << lane << " element " << i;
    }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), rows * cols);
}

TEST(FragmentTest, AccumulatorCovers16x8) {
  expectCoversTile(16, 8, 4, accRow, accCol);
}
TEST(FragmentTest, ACovers16x16) { expectCoversTile(16, 16, 8, aRow, aCol); }
TEST(FragmentTest, BCovers16x8) { expectCoversTile(16, 8, 4, bRow, bCol); }

/// Spot checks against the PTX ISA figures for m16n8k16 (.f16/.bf16).
TEST(FragmentTest, MatchesPtxIsaExamples) {
  // Lane 5 (groupID 1, threadID_in_group 1): c0 is row 1, col 2; c3 is
  // row 9, col 3.
  EXPECT_EQ(accRow(5, 0), 1);
  EXPECT_EQ(accCol(5, 0), 2);
  EXPECT_EQ(accRow(5, 3), 9);
  EXPECT_EQ(accCol(5, 3), 3);
  // a6, a7 of lane 5: row 9, cols 10 and 11.
  EXPECT_EQ(aRow(5, 6), 9);
  EXPECT_EQ(aCol(5, 6), 10);
  EXPECT_EQ(aCol(5, 7), 11);
  // b2 of lane 5: row (k) 10, col (n) 1.
  EXPECT_EQ(bRow(5, 2), 10);
  EXPECT_EQ(bCol(5, 2), 1);
}

} // namespace
