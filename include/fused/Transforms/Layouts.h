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

/// The "xor16" swizzle: in a tile whose rows are `rowBytes` long (a multiple
/// of 16), the 16-byte chunk `chunk` of row `row` is stored at chunk
/// `chunk ^ swizzleMask(row, rowBytes)` of the same row. For any 8
/// consecutive rows, the same logical chunk lands in 8 different 16-byte
/// bank groups, so ldmatrix (8 rows x 16 bytes per matrix) and 16-byte
/// stores are free of bank conflicts.
inline int64_t swizzleMask(int64_t row, int64_t rowBytes) {
  int64_t chunksPerRow = rowBytes / 16;
  int64_t rowsPer128 = std::max<int64_t>(1, 128 / rowBytes);
  int64_t period = std::min<int64_t>(chunksPerRow, 8);
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

} // namespace fused::layout

#endif // FUSED_TRANSFORMS_LAYOUTS_H
