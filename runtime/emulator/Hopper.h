//===- Hopper.h - sm_90 asynchronous-unit semantics -------------*- C++ -*-===//
//
// What the Hopper (sm_90/sm_90a) asynchronous units do, for the CPU
// emulator: mbarrier objects (arrival and transaction counts, phases),
// tensor maps and the TMA box copies between global and shared memory
// (swizzled, out-of-bounds filled), and wgmma.mma_async with shared-memory
// matrix descriptors. Each function works on plain memory and reports
// misuse as text; the engine (Engine.cpp) calls them from the hooks and
// applies its checks and counters around them. Plain C++17, standard
// library only. Sources: the PTX ISA (mbarrier, cp.async.bulk.tensor,
// "Matrix Descriptor Format", the wgmma register fragments) and the CUDA
// driver API's cuTensorMapEncodeTiled documentation; see
// docs/emulator.md, "Hopper".
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_EMULATOR_HOPPER_H
#define FUSED_EMULATOR_HOPPER_H

#include <cstdint>
#include <string>
#include <vector>

namespace fused::emu {

//===----------------------------------------------------------------------===//
// mbarrier
//===----------------------------------------------------------------------===//

/// The state of one mbarrier object (PTX ISA, "mbarrier"): the current
/// phase, the arrivals still pending in it, the arrivals each phase expects
/// and the transaction count, which may go negative (a TMA copy can
/// complete its bytes before the expect-tx that announces them).
struct MBarrier {
  bool live = false;
  uint32_t phase = 0;
  int64_t expected = 0;
  int64_t pending = 0;
  int64_t tx = 0;
};

/// The largest arrival count and the largest magnitude of a transaction
/// count: 2^20 - 1.
constexpr int64_t kMBarrierMaxCount = (int64_t(1) << 20) - 1;

/// mbarrier.init: phase 0, `count` arrivals pending and expected, tx 0.
/// Errors (the barrier is left alone): a count outside [1, 2^20 - 1], or a
/// barrier that is live (initialised and not invalidated).
std::string mbarrierInit(MBarrier &b, int64_t count);

/// mbarrier.inval. Error: the barrier is not live.
std::string mbarrierInval(MBarrier &b);

/// mbarrier.expect_tx (`bytes` >= 0) and complete_tx (`-bytes`): tx +=
/// delta, then the phase completes if nothing is pending. Errors: the
/// barrier is not live, or tx leaves [-(2^20 - 1), 2^20 - 1].
std::string mbarrierAddTx(MBarrier &b, int64_t delta, bool *completed);

/// mbarrier.arrive with `count` arrivals (arrive.expect_tx is
/// mbarrierAddTx then this with count 1). When pending reaches 0 and tx is
/// 0, the phase completes: the phase number increments and pending is
/// reset to expected. Errors: the barrier is not live, or more arrivals
/// than are pending. `*phaseBefore` receives the phase the arrival was in.
std::string mbarrierArrive(MBarrier &b, int64_t count, bool *completed,
                           uint32_t *phaseBefore);

/// Whether a parity wait (test_wait.parity / try_wait.parity with `parity`)
/// succeeds: the phase of that parity has completed, i.e. the current phase
/// has the other parity.
bool mbarrierParityDone(const MBarrier &b, uint32_t parity);

//===----------------------------------------------------------------------===//
// Swizzling
//===----------------------------------------------------------------------===//

/// The shared-memory swizzle modes of TMA and wgmma.
enum class Swizzle : uint8_t { None, B32, B64, B128 };

/// Bytes of one swizzle row: 16 (none), 32, 64 or 128.
uint32_t swizzleSpan(Swizzle s);

/// The physical shared-memory address of logical address `addr` (both
/// CTA-relative): bits 4.. of the 16-byte chunk are XORed with address bits
/// 7..: for 128B bits 4-6 ^= bits 7-9 (pattern of 1024 bytes), for 64B bits
/// 4-5 ^= bits 7-8 (512), for 32B bit 4 ^= bit 7 (256).
uint32_t swizzleAddress(uint32_t addr, Swizzle s);

//===----------------------------------------------------------------------===//
// Tensor maps and TMA
//===----------------------------------------------------------------------===//

/// The emulator's tensor map: what cuTensorMapEncodeTiled encodes, in the
/// 128 bytes of a CUtensorMap (whose real encoding is opaque). Dimensions
/// are innermost first, as in the driver API and in TMA coordinates.
struct TensorMap {
  uint32_t magic;
  uint8_t rank;
  uint8_t elementBytes;
  /// The driver's CUtensorMapSwizzle: 0 none, 1 32B, 2 64B, 3 128B.
  uint8_t swizzle;
  /// The driver's CUtensorMapFloatOOBfill: 0 zeros, 1 NaN.
  uint8_t oobNan;
  uint64_t globalAddress;
  uint64_t globalDim[5];
  /// Bytes between consecutive indices of dimensions 1 .. rank - 1.
  uint64_t globalStrides[4];
  uint32_t boxDim[5];
  uint32_t elementStrides[5];
};
static_assert(sizeof(TensorMap) == 128, "a CUtensorMap is 128 bytes");

constexpr uint32_t kTensorMapMagic = 0x414d5446; // "FTMA"

/// What cuTensorMapEncodeTiled is given (interleave none, no L2
/// promotion: they change no value).
struct TensorMapFields {
  int rank = 0;
  int elementBytes = 0;
  bool isFloat = false;
  uint64_t globalAddress = 0;
  uint64_t globalDim[5] = {};
  uint64_t globalStrides[4] = {};
  uint32_t boxDim[5] = {};
  uint32_t elementStrides[5] = {1, 1, 1, 1, 1};
  int swizzle = 0;
  bool oobNan = false;
};

/// Fills `map` from `f` after the checks cuTensorMapEncodeTiled makes
/// (rank 1-5; a 16-byte aligned address; dimensions in [1, 2^32]; strides
/// multiples of 16 below 2^40; boxes of 1-256 elements, the innermost a
/// multiple of 16 bytes and, swizzled, at most the swizzle's span; element
/// strides 1-8; NaN fill for floats only) and those of the emulator (element
/// strides 1; a swizzled innermost box exactly the span). Returns the first
/// failed check, naming the field; "" on success.
std::string encodeTensorMap(const TensorMapFields &f, TensorMap &map);

/// Bytes of one box: what a TMA load of it completes on its mbarrier, out
/// of bounds or not.
uint64_t tensorMapBoxBytes(const TensorMap &map);

/// cp.async.bulk.tensor (tile mode), global to shared: the box at
/// `coords` (innermost first; may be negative or beyond the tensor) is
/// written densely, innermost dimension contiguous, to the shared memory
/// at CTA-relative `dst`, each 16-byte chunk at its swizzled address;
/// elements outside the tensor are zeros (NaN with NaN fill). `shared` is
/// the CTA's shared memory of `sharedBytes`. Returns "" or what is wrong
/// (not a tensor map, a destination not 128-byte aligned or past the end).
/// The shared bytes written are [dst, dst + tensorMapBoxBytes(map)).
/// `globalRuns` (may be null) receives the global byte ranges read
/// (address, bytes), contiguous runs of in-bounds elements.
std::string tmaLoad(const TensorMap &map, const int32_t *coords,
                    uint8_t *shared, uint64_t sharedBytes, uint32_t dst,
                    std::vector<std::pair<uint64_t, uint64_t>> *globalRuns);

/// cp.async.bulk.tensor, shared to global: the reverse of tmaLoad; box
/// elements outside the tensor are not written. `globalRuns` (may be null)
/// receives the global byte ranges written.
std::string tmaStore(const TensorMap &map, const int32_t *coords,
                     const uint8_t *shared, uint64_t sharedBytes, uint32_t src,
                     std::vector<std::pair<uint64_t, uint64_t>> *globalRuns);

/// The global bytes a tensor map can reach: [globalAddress, globalAddress
/// + this).
uint64_t tensorMapExtent(const TensorMap &map);

//===----------------------------------------------------------------------===//
// wgmma
//===----------------------------------------------------------------------===//

/// A decoded wgmma matrix descriptor (PTX ISA, "Matrix Descriptor Format"):
/// bits 0-13 start address >> 4, 16-29 leading-dimension byte offset >> 4,
/// 32-45 stride-dimension byte offset >> 4, 49-51 base offset, 62-63 the
/// swizzle (0 none, 1 128B, 2 64B, 3 32B).
struct MatrixDescriptor {
  uint32_t start = 0;
  uint32_t leadingBytes = 0;
  uint32_t strideBytes = 0;
  uint32_t baseOffset = 0;
  Swizzle swizzle = Swizzle::None;
};

MatrixDescriptor decodeMatrixDescriptor(uint64_t bits);
uint64_t encodeMatrixDescriptor(const MatrixDescriptor &d);

/// The CTA-relative shared address of element (`mn`, `k`) of a wgmma
/// operand (A: mn = row of M; B: mn = column of N) of `elementBytes`-byte
/// elements, in the canonical layout the descriptor describes. K-major
/// (`mnMajor` false; T = 16 / elementBytes elements per 16-byte chunk, W =
/// span / 16):
///   none:     (mn % 8) * 16 + (mn / 8) * SBO + (k / T) * LBO + (k % T) * esz
///   swizzled: (mn % 8) * 16W + (mn / 8) * SBO + (k / T) * 16 + (k % T) * esz
/// MN-major:
///   none:     (mn % T) * esz + (mn / T) * SBO + (k % 8) * 16 + (k / 8) * LBO
///   swizzled: (mn % T) * esz + ((mn / T) % W) * 16 + (mn / (T W)) * LBO
///             + (k % 8) * 16W + (k / 8) * SBO
/// added to the start address, then swizzled (swizzleAddress).
uint32_t wgmmaOperandAddress(const MatrixDescriptor &d, bool mnMajor,
                             int elementBytes, uint32_t mn, uint32_t k);

/// The element types wgmma takes here: 16-bit floats into f32.
enum class WgmmaType { F16, BF16 };

/// One wgmma.mma_async.sync.aligned.m64nNk16.f32.{f16,bf16}.{f16,bf16}
/// with both operands in shared memory, as seen by thread `thread` (0-127)
/// of the warpgroup: its N / 2 accumulators `d` (register i holds row 16 w
/// + g + 8 (p / 2), column 8 j + 2 q + p % 2 with w = thread / 32, g =
/// lane / 4, q = lane % 4, j = i / 4, p = i % 4) become
///   (scaleD ? d : 0) + sum over k of (scaleA A[row][k]) (scaleB B[k][col])
/// with the products exact in float, summed in k order from +0 and added
/// to d last, each step rounded to nearest even (the order the PTX ISA
/// leaves open, fixed as for mma.sync). `transA` / `transB` are the
/// instruction's imm-trans-a / imm-trans-b (1: MN-major). Returns "" or
/// what is wrong (N not a multiple of 8 in [8, 256], an operand outside
/// shared memory, a base offset other than 0, a scale other than +-1).
struct WgmmaOperands {
  WgmmaType type = WgmmaType::F16;
  int n = 0;
  uint64_t descA = 0, descB = 0;
  bool transA = false, transB = false;
  bool scaleD = true;
  int scaleA = 1, scaleB = 1;
  /// A from registers (descA unused): the 16 x 16 values (row-major, as
  /// f32) of the calling thread's warp's rows 16 w .. 16 w + 15, gathered
  /// from its lanes' fragments (wgmmaRegisterAPosition).
  const float *registerA = nullptr;
};
std::string wgmmaThread(const WgmmaOperands &op, const uint8_t *shared,
                        uint64_t sharedBytes, int thread, float *d);

/// The shared bytes one wgmma reads (A's 64 x 16 and B's N x 16 elements),
/// as ranges merged where contiguous, or what is wrong (as wgmmaThread).
std::string wgmmaFootprint(const WgmmaOperands &op, uint64_t sharedBytes,
                           std::vector<std::pair<uint32_t, uint32_t>> &read);

/// Row and column of accumulator register `reg` of warpgroup thread
/// `thread` (the map above).
void wgmmaAccumulatorPosition(int thread, int reg, int *row, int *col);

/// Where element `e` (0 to 7: register e / 2, half e % 2) of lane `lane`'s
/// register-A fragment (f16/bf16, m64nNk16) lies in its warp's 16 rows of
/// A: row g + 8 ((e / 2) % 2), k 2 q + e % 2 + 8 (e / 4) (g = lane / 4, q
/// = lane % 4; the accumulator map of k16, as for mma.sync's A).
void wgmmaRegisterAPosition(int lane, int e, int *row, int *k);

} // namespace fused::emu

#endif // FUSED_EMULATOR_HOPPER_H
