//===- Tiling.h - tile configuration choices --------------------*- C++ -*-===//
//
// The shape-based heuristics that fused-tile uses when an op carries no
// explicit configuration; exposed for the tools and the tests.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_TRANSFORMS_TILING_H
#define FUSED_DIALECT_FUSED_TRANSFORMS_TILING_H

#include "fused/Dialect/Fused/IR/FusedOps.h"

namespace fused::fused {

/// The tile configuration fused-tile uses for an M x N x K GEMM without a
/// `fused.config` attribute.
GemmConfigAttr chooseGemmConfig(mlir::MLIRContext *ctx, int64_t m, int64_t n,
                                int64_t k);

} // namespace fused::fused

#endif // FUSED_DIALECT_FUSED_TRANSFORMS_TILING_H
