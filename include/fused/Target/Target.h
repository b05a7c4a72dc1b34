//===- Target.h - what code generation knows about a chip -------*- C++ -*-===//
//
// A Target is built from a chip name and is the one place the compiler asks
// what a chip has: its compute capability, which code-generation path it
// takes (the Ampere-class path of sm_80/86/89: mma.sync and cp.async; the
// Hopper path of sm_90/sm_90a), the MMA shapes and async-copy mechanism
// the kernels use there, its launch and resource limits, and what the
// backend pipeline is given. The pipeline records the chip on the module
// (fused.target); every pass that generates code reads it from there.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_TARGET_TARGET_H
#define FUSED_TARGET_TARGET_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fused {

/// Launch and resource limits (CUDA C Programming Guide, "Technical
/// Specifications per Compute Capability").
struct ChipLimits {
  int64_t maxThreadsPerBlock = 1024;
  int64_t maxGridX = 2147483647; // 2^31 - 1
  int64_t maxGridYZ = 65535;
  /// Dynamic shared memory per block with the opt-in attribute.
  int64_t maxSharedMemoryPerBlock = 0;
  /// 32-bit registers per thread block (and per SM).
  int64_t registersPerBlock = 65536;
  int64_t maxRegistersPerThread = 255;
};

/// The code-generation path of a chip.
enum class TargetPath {
  /// sm_80, sm_86, sm_89: warp-level mma.sync fed by ldmatrix from shared
  /// memory that cp.async fills.
  Ampere,
  /// sm_90, sm_90a (code for sm_90a): the GEMM strategy's warp-specialised
  /// TMA and wgmma kernel where it applies; the other strategies emit the
  /// Ampere-class kernels, which every Hopper runs.
  Hopper,
};

/// A warp- or warpgroup-level MMA instruction shape.
struct MmaShape {
  int64_t m = 0, n = 0, k = 0;
};

/// How operand tiles reach shared memory.
enum class AsyncCopy { CpAsync, Tma };

struct Target {
  /// "sm_80", "sm_90a".
  std::string chip;
  int major = 0;
  int minor = 0;
  /// The chip the code is generated for: `chip`, but sm_90a for sm_90
  /// (the Hopper path needs wgmma and setmaxnreg).
  std::string codeChip;
  /// Architecture-specific code (the "a" of sm_90a, for sm_90 too): it runs
  /// on exactly that compute capability and may use wgmma and setmaxnreg.
  bool archSpecific = false;
  TargetPath path = TargetPath::Ampere;
  /// The MMA instructions the kernels use for 16-bit operands with f32
  /// accumulation (mma.sync m16n8k16 on every path; wgmma m64nNk16, N up
  /// to 256, for the Hopper path's GEMM).
  std::vector<MmaShape> mmaShapes;
  /// What the GEMM uses to stage operand tiles (cp.async; TMA on the
  /// Hopper path, whose other kernels still use cp.async).
  AsyncCopy asyncCopy = AsyncCopy::CpAsync;
  ChipLimits limits;
  /// Streaming multiprocessors of the chip's largest part (for grid-size
  /// heuristics; a device reports its own at run time).
  int64_t smCount = 0;

  /// The Target of `chip`, or nothing for a chip fused does not know.
  static std::optional<Target> get(llvm::StringRef chip);
  /// The chip whose code `chip` gets (codeChip; `chip` itself when fused
  /// does not know it): what tools put in images, manifests and ptxas
  /// command lines.
  static std::string canonicalChip(llvm::StringRef chip);
  /// Every chip fused compiles for, oldest first.
  static llvm::ArrayRef<llvm::StringRef> chips();
  /// "sm_80, sm_86, sm_89, sm_90 or sm_90a", for messages.
  static std::string chipList();
  /// The chip the compiler targets when none is given and no device says
  /// otherwise.
  static llvm::StringRef defaultChip() { return "sm_80"; }

  bool isHopper() const { return path == TargetPath::Hopper; }
};

} // namespace fused

#endif // FUSED_TARGET_TARGET_H
