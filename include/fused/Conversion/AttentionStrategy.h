//===- AttentionStrategy.h - attention kernels: analysis ---------*- C++ -*-===//
//
// What the attention strategy knows about a `fused.kernel attention`,
// shared with its GPU lowering (fused-lower-attention).
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_CONVERSION_ATTENTIONSTRATEGY_H
#define FUSED_CONVERSION_ATTENTIONSTRATEGY_H

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Target/Target.h"

namespace fused {

/// The static problem of an attention kernel and its configuration.
struct AttentionProblem {
  fused::AttentionOp op;
  int64_t B, Hq, Hkv, Sq, Skv, D, Dv;
  mlir::Type elemType, outType;
  bool causal, hasBias, hasLse;
  float scale;
  fused::AttentionConfigAttr config;
  /// Keys per tile.
  int64_t blockN() const { return config.getBlockN(); }
};

/// The problem of `kernel` on `target`, or failure after an error saying
/// what code generation does not support.
mlir::FailureOr<AttentionProblem> analyzeAttentionKernel(fused::KernelOp kernel,
                                                         const Target &target);

} // namespace fused

#endif // FUSED_CONVERSION_ATTENTIONSTRATEGY_H
