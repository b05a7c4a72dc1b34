//===- ChipLimits.h - per-chip launch limits ---------------------*- C++ -*-===//
//
// The launch limits of the chips fused targets (CUDA C Programming Guide,
// "Technical Specifications per Compute Capability"), as the compile-time
// checks (fused-check-limits) use them.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_TRANSFORMS_CHIPLIMITS_H
#define FUSED_TRANSFORMS_CHIPLIMITS_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace fused {

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

/// The limits of `chip`, or nothing for an unknown chip.
inline std::optional<ChipLimits> chipLimits(llvm::StringRef chip) {
  ChipLimits l;
  if (chip == "sm_80")
    l.maxSharedMemoryPerBlock = 163 * 1024;
  else if (chip == "sm_86" || chip == "sm_89")
    l.maxSharedMemoryPerBlock = 99 * 1024;
  else if (chip == "sm_90" || chip == "sm_90a")
    l.maxSharedMemoryPerBlock = 227 * 1024;
  else
    return std::nullopt;
  return l;
}

} // namespace fused

#endif // FUSED_TRANSFORMS_CHIPLIMITS_H
