//===- WarpGemmTest.cpp - one warp's tensor-core GEMM step, simulated -----===//
//
// Runs the exact address math that fused-lower-to-mma emits (the templates
// of fused/Transforms/Layouts.h, instantiated on integers) against the
// emulator's warp collectives: operand tiles stored XOR-swizzled in a
// simulated shared memory, ldmatrix.x4 row segments chosen per lane,
// mma.sync m16n8k16, and the accumulator element mapping of the epilogue.
// The product must equal a plain matrix product, for every combination of
// K-major and row-major A and B tiles and several tile widths.
//
//===----------------------------------------------------------------------===//

#include "fused/Transforms/Layouts.h"

#include "emulator/Collectives.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

using namespace fused;

namespace {

/// A 16-bit tile of `rows` x `cols` elements as stored in shared memory:
/// each row's 16-byte chunks permuted by the xor16 swizzle.
struct SwizzledTile {
  int64_t rows, cols;
  std::vector<uint16_t> data;
  SwizzledTile(int64_t r, int64_t c) : rows(r), cols(c), data(r * c, 0) {}
  int64_t rowBytes() const { return cols * 2; }
  int64_t physicalColumn(int64_t row, int64_t col) const {
    layout::IntOps o;
    return layout::swizzledColumn(o, row, col / 8, rowBytes()) + col % 8;
  }
  void store(int64_t row, int64_t col, uint16_t v) {
    data[row * cols + physicalColumn(row, col)] = v;
  }
  /// The 16 bytes ldmatrix reads for logical chunk `chunk` of `row`.
  std::array<uint16_t, 8> segment(int64_t row, int64_t chunk) const {
    std::array<uint16_t, 8> out;
    layout::IntOps o;
    int64_t start = layout::swizzledColumn(o, row, chunk, rowBytes());
    for (int e = 0; e < 8; ++e)
      out[e] = data[row * cols + start + e];
    return out;
  }
};

/// (A K-major, B N-major, A tile columns, B tile columns)
using Params = std::tuple<bool, bool, int64_t, int64_t>;

class WarpGemmTest : public ::testing::TestWithParam<Params> {};

TEST_P(WarpGemmTest, MatchesPlainProduct) {
  auto [aKMajor, bNMajor, aCols, bCols] = GetParam();
  // The warp computes a 16 x 16 tile at (m0, n0) over K = 32, from tiles
  // that hold more than it reads.
  const int64_t m0 = 16, n0 = 16, K = 32;
  const int64_t M = 32 + m0, N = 32 + n0;
  auto aValue = [](int64_t m, int64_t k) {
    return static_cast<float>((m * 7 + k * 3) % 9 - 4);
  };
  auto bValue = [](int64_t k, int64_t n) {
    return static_cast<float>((k * 5 + n * 11) % 7 - 3);
  };
  // A tile: [m][k] (aCols >= K) or [k][m] (aCols >= M); likewise B.
  SwizzledTile a(aKMajor ? K : M, aCols), b(bNMajor ? N : K, bCols);
  ASSERT_GE(aCols, aKMajor ? M : K);
  ASSERT_GE(bCols, bNMajor ? K : N);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t k = 0; k < K; ++k) {
      uint16_t h = emu::floatToHalf(aValue(m, k));
      aKMajor ? a.store(k, m, h) : a.store(m, k, h);
    }
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) {
      uint16_t h = emu::floatToHalf(bValue(k, n));
      bNMajor ? b.store(n, k, h) : b.store(k, n, h);
    }

  std::array<std::array<float, 4>, 32> acc[2] = {};
  layout::IntOps o;
  for (int64_t kk = 0; kk < K; kk += 16) {
    std::array<std::array<uint16_t, 8>, 32> rows;
    std::array<std::array<uint32_t, 4>, 32> aRegs, bRegs;
    for (int64_t lane = 0; lane < 32; ++lane) {
      auto seg = layout::aFragmentSegment(o, lane, m0, kk, aKMajor);
      rows[lane] = a.segment(seg.row, seg.chunk);
    }
    ASSERT_TRUE(emu::ldmatrix(4, /*trans=*/aKMajor, rows, aRegs));
    for (int64_t lane = 0; lane < 32; ++lane) {
      auto seg = layout::bFragmentSegment(o, lane, n0, kk, bNMajor);
      rows[lane] = b.segment(seg.row, seg.chunk);
    }
    ASSERT_TRUE(emu::ldmatrix(4, /*trans=*/!bNMajor, rows, bRegs));
    for (int nt = 0; nt < 2; ++nt) {
      std::array<std::array<uint32_t, 2>, 32> bFrag;
      for (int lane = 0; lane < 32; ++lane)
        bFrag[lane] = {bRegs[lane][2 * nt], bRegs[lane][2 * nt + 1]};
      emu::mmaM16N8K16(emu::MmaType::F16, aRegs, bFrag, acc[nt], acc[nt]);
    }
  }
  for (int nt = 0; nt < 2; ++nt)
    for (int64_t lane = 0; lane < 32; ++lane)
      for (int64_t i = 0; i < 4; ++i) {
        int64_t row = m0 + layout::accRow(lane, i);
        int64_t col = n0 + nt * 8 + layout::accCol(lane, i);
        float expected = 0;
        for (int64_t k = 0; k < K; ++k)
          expected += aValue(row, k) * bValue(k, col);
        EXPECT_EQ(acc[nt][lane][i], expected)
            << "n-tile " << nt << " lane " << lane << " element " << i;
      }
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, WarpGemmTest,
    ::testing::Combine(::testing::Bool(), ::testing::Bool(),
                       ::testing::Values<int64_t>(48, 64, 128),
                       ::testing::Values<int64_t>(48, 64, 128)));

} // namespace
