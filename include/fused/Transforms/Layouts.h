//===- Layouts.h - shared-memory swizzle and mma fragment layouts -*- C++
//-*-===//
//
// The index math that the GPU lowering emits and that the emulator and the
// tests check: the XOR swizzle of 16-byte chunks in shared-memory tiles and
// the m16n8k16 fragment layouts of the PTX ISA. Plain C++, no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_TRANSFORMS_LAYOUTS_H
#define FUSED_TRANSFORMS_LAYOUTS_H

#include <algorithm>
#include <cstdint>

namespace fused::layout {

/// How many chunks the xor16 swizzle permutes among: the largest power of
/// two, at most 8, that divides the number of 16-byte chunks in a row (so
/// that the XOR never leaves the row).
inline int64_t swizzlePeriod(int64_t rowBytes) {
  int64_t chunksPerRow = rowBytes / 16, period = 1;
  while (period * 2 <= std::min<int64_t>(chunksPerRow, 8) &&
         chunksPerRow % (period * 2) == 0)
    period *= 2;
  return period;
}

/// The "xor16" swizzle: in a tile whose rows are `rowBytes` long (a multiple
/// of 16), the 16-byte chunk `chunk` of row `row` is stored at chunk
/// `chunk ^ swizzleMask(row, rowBytes)` of the same row. When the row holds
/// a power-of-two number of chunks (the usual tiles), for any 8 consecutive
/// rows the same logical chunk lands in 8 different 16-byte bank groups, so
/// ldmatrix (8 rows x 16 bytes per matrix) and 16-byte stores are free of
/// bank conflicts; other widths get a smaller permutation.
inline int64_t swizzleMask(int64_t row, int64_t rowBytes) {
  int64_t rowsPer128 = std::max<int64_t>(1, 128 / rowBytes);
  int64_t period = swizzlePeriod(rowBytes);
  if (period <= 1)
    return 0;
  return (row / rowsPer128) % period;
}

/// The stored chunk of logical chunk `chunk` in row `row`.
inline int64_t swizzleChunk(int64_t row, int64_t chunk, int64_t rowBytes) {
  return chunk ^ swizzleMask(row, rowBytes);
}

/// m16n8k16 accumulator (C/D) fragment: element `i` (0..3) of lane `lane`
/// holds row `accRow(lane, i)` and column `accCol(lane, i)` of the 16x8 tile.
inline int64_t accRow(int64_t lane, int64_t i) {
  return lane / 4 + (i / 2) * 8;
}
inline int64_t accCol(int64_t lane, int64_t i) {
  return (lane % 4) * 2 + i % 2;
}

/// m16n8k16 A fragment (row-major 16x16): element `i` (0..7) of lane `lane`.
inline int64_t aRow(int64_t lane, int64_t i) {
  return lane / 4 + ((i / 2) % 2) * 8;
}
inline int64_t aCol(int64_t lane, int64_t i) {
  return (lane % 4) * 2 + i % 2 + (i / 4) * 8;
}

/// m16n8k16 B fragment (16x8, K x N): element `i` (0..3) of lane `lane`.
inline int64_t bRow(int64_t lane, int64_t i) {
  return (lane % 4) * 2 + i % 2 + (i / 2) * 8;
}
inline int64_t bCol(int64_t lane, int64_t /*i*/) { return lane / 4; }

//===----------------------------------------------------------------------===//
// Address math shared by code generation and the tests
//===----------------------------------------------------------------------===//
//
// The functions below are templates over an arithmetic "Ops" type so that the
// GPU lowering instantiates them on IR values (emitting index arithmetic)
// and the unit tests on integers: both run the same formulas. Ops provides
// `Value`, `c(int64_t)`, `add(Value, Value)`, `add(Value, int64_t)`,
// `mul(Value, int64_t)`, `div(Value, int64_t)`, `rem(Value, int64_t)` and
// `xori(Value, Value)`.

/// Integer arithmetic for the templates.
struct IntOps {
  using Value = int64_t;
  Value c(int64_t v) { return v; }
  Value add(Value x, Value y) { return x + y; }
  Value mul(Value x, int64_t y) { return x * y; }
  Value div(Value x, int64_t y) { return x / y; }
  Value rem(Value x, int64_t y) { return x % y; }
  Value xori(Value x, Value y) { return x ^ y; }
};

/// The stored column of the first element of logical chunk `chunk` of row
/// `row` in a tile with `rowBytes`-long rows and `elemsPerChunk` elements
/// per 16-byte chunk (see swizzleMask).
template <typename Ops>
typename Ops::Value swizzledColumn(Ops &o, typename Ops::Value row,
                                   typename Ops::Value chunk, int64_t rowBytes,
                                   int64_t elemsPerChunk = 8,
                                   int64_t rowStep = 1) {
  int64_t rowsPer128 = std::max<int64_t>(1, 128 / rowBytes);
  int64_t period = swizzlePeriod(rowBytes);
  typename Ops::Value stored = chunk;
  if (period > 1) {
    typename Ops::Value r = o.div(row, rowsPer128);
    if (rowStep != 1)
      r = o.mul(r, rowStep);
    stored = o.xori(chunk, o.rem(r, period));
  }
  return o.mul(stored, elemsPerChunk);
}

/// The row step for swizzledColumn in a staging tile of 4-byte elements
/// written as pairs by the mma accumulator layout (lanes 4g..4g+3 write 32
/// bytes, two chunks, of row g): stepping the XOR mask by 2 per row puts the
/// four rows of a half-warp on distinct chunk pairs, so the 8-byte stores
/// are conflict-free; 1 otherwise.
inline int64_t stagingRowStep(int64_t elementBytes, int64_t rowBytes) {
  return elementBytes == 4 && swizzlePeriod(rowBytes) == 8 ? 2 : 1;
}

/// A (row, chunk) pair of a 16-bit tile: which 16-byte row segment a lane
/// hands to ldmatrix.
template <typename V> struct RowChunk { V row, chunk; };

/// The row segment lane `lane` gives to `ldmatrix.x4` to load the m16n8k16
/// A fragment whose top-left is (m, k) = (`m`, `k`). The tile is stored
/// [m][k] (then ldmatrix runs plain) or, `kMajor`, [k][m] (then with
/// .trans). Matrices 0..3 of the x4 load are a0a1, a2a3, a4a5, a6a7.
template <typename Ops>
RowChunk<typename Ops::Value> aFragmentSegment(Ops &o, typename Ops::Value lane,
                                               typename Ops::Value m, int64_t k,
                                               bool kMajor) {
  auto l8 = o.rem(lane, 8), l16 = o.rem(lane, 16);
  auto q1 = o.rem(o.div(lane, 8), 2), q2 = o.div(lane, 16);
  if (!kMajor) // rows m: lanes 0-15 rows 0-15 at k, 16-31 rows 0-15 at k+8
    return {o.add(m, l16), o.add(q2, o.c(k / 8))};
  // rows k: lanes 0-7 / 8-15 / 16-23 / 24-31 give k rows 0-7 / 0-7 / 8-15 /
  // 8-15 at m chunks 0 / 1 / 0 / 1.
  return {o.add(o.add(l8, o.mul(q2, 8)), o.c(k)), o.add(o.div(m, 8), q1)};
}

/// The row segment lane `lane` gives to `ldmatrix.x4` to load the B
/// fragments of two adjacent 8-column n-tiles starting at (k, n) = (`k`,
/// `n`). The tile is stored [k][n] (`nMajor` false; ldmatrix with .trans)
/// or [n][k] (plain). Matrices 0, 1 are b0b1, b2b3 of the first n-tile; 2, 3
/// those of the second.
template <typename Ops>
RowChunk<typename Ops::Value> bFragmentSegment(Ops &o, typename Ops::Value lane,
                                               typename Ops::Value n, int64_t k,
                                               bool nMajor) {
  auto l8 = o.rem(lane, 8);
  auto q1 = o.rem(o.div(lane, 8), 2), q2 = o.div(lane, 16);
  if (!nMajor) // rows k: lanes give k rows 0-7 / 8-15 / 0-7 / 8-15
    return {o.add(o.add(l8, o.mul(q1, 8)), o.c(k)), o.add(o.div(n, 8), q2)};
  // rows n: lanes give n rows 0-7 / 0-7 / 8-15 / 8-15 at k chunks 0/1/0/1.
  return {o.add(o.add(n, l8), o.mul(q2, 8)), o.add(q1, o.c(k / 8))};
}

/// Where the `chunkId`-th 16-byte chunk of a tile with `chunksPerRow`
/// chunks a row goes: chunks are numbered row-major and handed round-robin
/// to the threads of a block (thread t copies chunks t, t + T, ...), so 8
/// consecutive threads cover 8 consecutive chunks.
template <typename Ops>
RowChunk<typename Ops::Value>
copyChunkPosition(Ops &o, typename Ops::Value chunkId, int64_t chunksPerRow) {
  return {o.div(chunkId, chunksPerRow), o.rem(chunkId, chunksPerRow)};
}

} // namespace fused::layout

#endif // FUSED_TRANSFORMS_LAYOUTS_H
