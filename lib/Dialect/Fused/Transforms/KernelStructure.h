//===- KernelStructure.h - shared helpers of the GEMM kernel passes -*- C++
//-*-===//
//
// Helpers that fused-promote-shared and fused-lower-to-mma both use to find
// their way around a tiled GEMM kernel function.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_LIB_DIALECT_FUSED_TRANSFORMS_KERNELSTRUCTURE_H
#define FUSED_LIB_DIALECT_FUSED_TRANSFORMS_KERNELSTRUCTURE_H

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace fused::fused {

/// The loop over K tiles around the warps' contraction. Canonicalization
/// folds a loop of one iteration away; this puts it back (0 to 1) so that
/// every GEMM kernel has the same structure.
mlir::scf::ForOp ensureKLoop(mlir::scf::ForallOp warps);

} // namespace fused::fused

#endif // FUSED_LIB_DIALECT_FUSED_TRANSFORMS_KERNELSTRUCTURE_H
