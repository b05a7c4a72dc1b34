//===- BankConflictTest.cpp - shared-memory bank conflicts of the GEMM ----===//
//
// Counts shared-memory wavefronts of the accesses that fused-lower-to-mma
// generates, with the address math it uses (fused/Transforms/Layouts.h):
// ldmatrix.x4 reads of A and B fragments and 16-byte cp.async writes of
// operand tiles, for the tile shapes the heuristic picks. Bank model: 32
// banks of 4 bytes; a 16-byte access per thread is served 8 threads (128
// bytes) at a time, so a phase is conflict-free when its 8 chunks fall in 8
// different 16-byte bank groups.
//
//===----------------------------------------------------------------------===//

#include "fused/Transforms/Layouts.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>
#include <vector>

using namespace fused::layout;

namespace {

/// Extra wavefronts (beyond one per 8-thread phase) of 16-byte accesses at
/// the given byte addresses, taken 8 at a time in order.
int64_t extraWavefronts(const std::vector<int64_t> &addresses) {
  int64_t extra = 0;
  for (size_t first = 0; first < addresses.size(); first += 8) {
    // Each bank group a phase touches more than once costs a wavefront.
    std::vector<int64_t> hits(8, 0);
    for (size_t i = first; i < first + 8 && i < addresses.size(); ++i)
      ++hits[(addresses[i] % 128) / 16];
    int64_t worst = 0;
    for (int64_t h : hits)
      worst = std::max(worst, h);
    extra += worst - 1;
  }
  return extra;
}

int64_t byteAddress(int64_t row, int64_t chunk, int64_t rowBytes) {
  IntOps o;
  return row * rowBytes + swizzledColumn(o, row, chunk, rowBytes) * 2;
}

/// (tile rows, tile columns in f16 elements) of the operand tiles.
using Shape = std::tuple<int64_t, int64_t>;

class TileTest : public ::testing::TestWithParam<Shape> {};

/// cp.async: 256 threads copying a whole tile, 16 bytes each per step.
TEST_P(TileTest, CpAsyncWritesAreConflictFree) {
  auto [rows, cols] = GetParam();
  int64_t rowBytes = cols * 2, chunksPerRow = cols / 8;
  IntOps o;
  for (int64_t first = 0; first < rows * chunksPerRow; first += 256) {
    std::vector<int64_t> addresses;
    for (int64_t t = 0; t < 256 && first + t < rows * chunksPerRow; ++t) {
      auto p = copyChunkPosition(o, first + t, chunksPerRow);
      addresses.push_back(byteAddress(p.row, p.chunk, rowBytes));
    }
    EXPECT_EQ(extraWavefronts(addresses), 0) << "chunks from " << first;
  }
}

/// ldmatrix.x4 of A fragments (tile [m][k] or, K-major, [k][m]) and of B
/// fragments (tile [k][n] or [n][k]) for every 16x16 position in the tile.
TEST_P(TileTest, LdmatrixReadsAreConflictFree) {
  auto [rows, cols] = GetParam();
  int64_t rowBytes = cols * 2;
  IntOps o;
  // The tile seen as an A operand stored [m][k] (rows = m, cols = k) and as
  // one stored [k][m] (rows = k, cols = m); likewise for B.
  for (bool kMajor : {false, true}) {
    int64_t mExtent = kMajor ? cols : rows, kExtent = kMajor ? rows : cols;
    for (int64_t m = 0; m < mExtent; m += 16)
      for (int64_t k = 0; k < kExtent; k += 16) {
        std::vector<int64_t> a, b;
        for (int64_t lane = 0; lane < 32; ++lane) {
          auto sa = aFragmentSegment(o, lane, m, k, kMajor);
          a.push_back(byteAddress(sa.row, sa.chunk, rowBytes));
          // The same tile as a B operand: [n][k] (n-major) when A would be
          // row-major, [k][n] when A would be K-major.
          auto sb = bFragmentSegment(o, lane, m, k, !kMajor);
          b.push_back(byteAddress(sb.row, sb.chunk, rowBytes));
        }
        EXPECT_EQ(extraWavefronts(a), 0)
            << (kMajor ? "K-major" : "row-major") << " A at " << m << "," << k;
        EXPECT_EQ(extraWavefronts(b), 0)
            << (kMajor ? "K-major" : "N-major") << " B at " << m << "," << k;
      }
  }
}

/// Without the swizzle the same ldmatrix reads of a 64-byte-row tile do
/// conflict: the test above can fail.
TEST(TileTest, UnswizzledLdmatrixConflicts) {
  IntOps o;
  std::vector<int64_t> a;
  for (int64_t lane = 0; lane < 32; ++lane) {
    auto s = aFragmentSegment(o, lane, int64_t(0), 0, false);
    a.push_back(s.row * 64 + s.chunk * 16);
  }
  EXPECT_GT(extraWavefronts(a), 0);
}

// The heuristic's tiles: A 128x32 / 64x32 / 16x32, B 32x128 / 32x64 / 32x32,
// K-major A 32x128; 64-wide rows too.
INSTANTIATE_TEST_SUITE_P(GemmTiles, TileTest,
                         ::testing::Values(Shape{128, 32}, Shape{64, 32},
                                           Shape{16, 32}, Shape{32, 128},
                                           Shape{32, 64}, Shape{32, 32},
                                           Shape{128, 64}, Shape{64, 64}));

} // namespace
