//===- Collectives.h - warp-collective instruction semantics ----*- C++ -*-===//
//
// What the warp-wide PTX instructions compute, for a CPU emulator of NVIDIA
// GPUs: mma.sync (m16n8k16, f16/bf16 into f32), ldmatrix, shfl.sync and
// vote.sync, plus the 16-bit float conversions they need. Each function
// takes the operands of all 32 lanes at once and follows the PTX ISA; the
// emulator calls it when every lane of a warp has reached the instruction.
// Plain C++17, standard library only.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_EMULATOR_COLLECTIVES_H
#define FUSED_EMULATOR_COLLECTIVES_H

#include "fused/Runtime/Float16.h"

#include <array>
#include <cstdint>

namespace fused::emu {

/// The number of lanes in a warp.
constexpr int kWarpSize = 32;

//===----------------------------------------------------------------------===//
// 16-bit floating point
//===----------------------------------------------------------------------===//

// The 16-bit float conversions (fused/Runtime/Float16.h).
using rt::bf16ToFloat;
using rt::floatToBf16;
using rt::floatToHalf;
using rt::halfToFloat;

/// Packs two 16-bit values into one 32-bit register as PTX does for .f16x2
/// and .bf16x2 operands: the first element in the low half.
uint32_t pack2(uint16_t lo, uint16_t hi);

/// The first (low-half) element of a packed register.
uint16_t lowHalf(uint32_t r);

/// The second (high-half) element of a packed register.
uint16_t highHalf(uint32_t r);

//===----------------------------------------------------------------------===//
// mma.sync
//===----------------------------------------------------------------------===//

/// The element type of the A and B operands of an mma.
enum class MmaType { F16, BF16 };

/// mma.sync.aligned.m16n8k16.row.col.f32.{f16|bf16}.{f16|bf16}.f32.
///
/// Per lane: a[lane] holds the 4 b32 registers of A (elements a0..a7, packed
/// in pairs, a0 in the low half of a[lane][0]), b[lane] the 2 registers of B
/// (b0..b3) and c[lane] the 4 f32 of C; d[lane] receives the 4 f32 of D.
/// With groupID = lane / 4 and tig = lane % 4 (the PTX ISA figures "Matrix
/// Fragments for mma.m16n8k16 with floating point type"):
///   A (16x16, row-major): a0,a1 at row groupID, cols 2*tig+{0,1};
///     a2,a3 at row groupID+8, same cols; a4,a5 at row groupID,
///     cols 2*tig+8+{0,1}; a6,a7 at row groupID+8, cols 2*tig+8+{0,1}.
///   B (16x8, K x N): b0,b1 at rows 2*tig+{0,1}, col groupID; b2,b3 at rows
///     2*tig+8+{0,1}, col groupID.
///   C and D (16x8): c0,c1 at row groupID, cols 2*tig+{0,1}; c2,c3 at row
///     groupID+8, same cols.
///
/// Computes D = A * B + C. The PTX ISA leaves the order of the additions
/// unspecified; this emulator fixes it: each product of the widened (exact)
/// operands is exact in float, the 16 products are summed in float in k
/// order 0..15 starting from +0, and C is added last, each step rounded to
/// nearest even. `d` may be the same object as `c`.
void mmaM16N8K16(MmaType type,
                 const std::array<std::array<uint32_t, 4>, kWarpSize> &a,
                 const std::array<std::array<uint32_t, 2>, kWarpSize> &b,
                 const std::array<std::array<float, 4>, kWarpSize> &c,
                 std::array<std::array<float, 4>, kWarpSize> &d);

//===----------------------------------------------------------------------===//
// ldmatrix
//===----------------------------------------------------------------------===//

/// ldmatrix.sync.aligned.m8n8.x{1,2,4}[.trans].shared.b16.
///
/// rowData[lane] is the 8 b16 values (16 bytes) at the address that lane
/// `lane` supplies: lanes 0-7 give the rows of matrix 0, 8-15 of matrix 1,
/// 16-23 of matrix 2 and 24-31 of matrix 3; only the first 8 * numTiles
/// lanes' rows are read. out[lane][q], for q < numTiles, receives the
/// register of matrix q: without .trans it holds row lane / 4, columns
/// 2 * (lane % 4) and 2 * (lane % 4) + 1 (the first in the low half); with
/// .trans it holds the elements at column lane / 4 of rows 2 * (lane % 4)
/// and 2 * (lane % 4) + 1. Registers q >= numTiles are left alone.
///
/// Returns false, leaving `out` alone, if numTiles is not 1, 2 or 4.
bool ldmatrix(int numTiles, bool trans,
              const std::array<std::array<uint16_t, 8>, kWarpSize> &rowData,
              std::array<std::array<uint32_t, 4>, kWarpSize> &out);

//===----------------------------------------------------------------------===//
// shfl.sync
//===----------------------------------------------------------------------===//

/// The .mode of shfl.sync.
enum class ShflMode { Idx, Up, Down, Bfly };

/// shfl.sync.{idx,up,down,bfly}.b32 d|p, a, b, c, membermask, per the PTX ISA
/// pseudo-code. value[lane] is operand a, b[lane] and c[lane] the lane's b
/// and c (usually uniform). c packs the clamp value in bits 0-4 and the
/// segment mask in bits 8-12; for a CUDA `width` w the convention is
/// c = ((32 - w) << 8) | 0x1f for idx, down and bfly and c = (32 - w) << 8
/// for up.
///
/// For each lane in memberMask, out[lane] receives a from the computed
/// source lane and pred[lane] is true when that lane is in range; when it is
/// not, the lane keeps its own a and pred[lane] is false. Lanes not in
/// memberMask are not computed: out[lane] is left unchanged and pred[lane]
/// set to false. Reading from an in-range source lane that is not in
/// memberMask is undefined in PTX: the read still happens (out gets that
/// lane's value, pred true) and the function returns false so that the
/// caller can report it; otherwise it returns true. `out` may be the same
/// object as `value`.
bool shfl(ShflMode mode, const std::array<uint32_t, kWarpSize> &value,
          const std::array<uint32_t, kWarpSize> &b,
          const std::array<uint32_t, kWarpSize> &c, uint32_t memberMask,
          std::array<uint32_t, kWarpSize> &out,
          std::array<bool, kWarpSize> &pred);

//===----------------------------------------------------------------------===//
// vote.sync
//===----------------------------------------------------------------------===//

/// The .mode of vote.sync.
enum class VoteMode { All, Any, Uni, Ballot };

/// vote.sync over predicate[lane] for the lanes in memberMask (the other
/// lanes' predicates are ignored). Ballot returns the mask of member lanes
/// whose predicate is true; All, Any and Uni (all member lanes agree) return
/// 1 or 0. With an empty memberMask, All and Uni are vacuously 1.
uint32_t vote(VoteMode mode, const std::array<bool, kWarpSize> &predicate,
              uint32_t memberMask);

} // namespace fused::emu

#endif // FUSED_EMULATOR_COLLECTIVES_H
