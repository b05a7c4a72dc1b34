//===- MemoryAccess.h - how one IR access becomes PTX instructions -*- C++ -*-===//
//
// The NVPTX backend turns one load or store of `bytes` bytes that the IR
// declares `align`-byte aligned into instructions of min(align, 16) bytes
// each (a narrower one for what is left at the end): a 16-byte vector
// stored with 2-byte alignment becomes eight 2-byte stores, with 8-byte
// alignment two `.v2.b32`, with 16-byte alignment one `.v4.b32`. PTX has
// no wider access than 16 bytes on the chips fused targets. The emulator
// checks and counts accesses by these pieces, and the PTX cross-check
// (fused-compile --cross-check-ptx) compares them with the generated PTX.
//
// Shared by the emulator runtime and the compiler; no dependencies.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_MEMORYACCESS_H
#define FUSED_RUNTIME_MEMORYACCESS_H

#include <cstdint>

namespace fused::rt {

/// Access widths counted apart: 1, 2, 4, 8 and 16 bytes.
constexpr int kNumAccessWidths = 5;

/// The index of a piece width (1, 2, 4, 8, 16 bytes) among the counted
/// widths; widths in between count with the next narrower one.
inline int accessWidthIndex(int64_t width) {
  int i = 0;
  while (i + 1 < kNumAccessWidths && (int64_t(2) << i) <= width)
    ++i;
  return i;
}

/// The width of the widest (the first) PTX instruction of an access of
/// `bytes` bytes declared `align`-byte aligned; 0 for an empty access.
inline int64_t widestAccessPiece(int64_t bytes, int64_t align) {
  int64_t w = 16;
  while (w > 1 && (w > align || w > bytes))
    w /= 2;
  return bytes > 0 ? w : 0;
}

/// Calls `piece(offset, width)` for each PTX instruction of an access of
/// `bytes` bytes declared `align`-byte aligned, in address order.
template <typename Fn>
void forEachAccessPiece(int64_t bytes, int64_t align, Fn piece) {
  int64_t widest = widestAccessPiece(bytes, align);
  for (int64_t offset = 0; offset < bytes;) {
    int64_t w = widest;
    while (w > bytes - offset)
      w /= 2;
    piece(offset, w);
    offset += w;
  }
}

} // namespace fused::rt

#endif // FUSED_RUNTIME_MEMORYACCESS_H
