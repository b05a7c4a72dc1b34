//===- GemmStrategy.h - GEMM kernels: analysis and configuration -*- C++ -*-===//
//
// What the GEMM strategy knows about a `fused.kernel gemm`, shared with the
// passes that lower it (fused-tile, fused-promote-shared,
// fused-lower-to-mma).
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_CONVERSION_GEMMSTRATEGY_H
#define FUSED_CONVERSION_GEMMSTRATEGY_H

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Target/Target.h"

#include "llvm/ADT/SmallVector.h"

namespace fused {

/// A GEMM kernel body: one matmul and the elementwise chain on its result.
struct GemmKernel {
  fused::MatmulOp matmul;
  llvm::SmallVector<mlir::Operation *> epilogue;
};

/// The structure of `kernel`, or failure after an error saying what code
/// generation does not support.
mlir::FailureOr<GemmKernel> analyzeGemmKernel(fused::KernelOp kernel);

/// The configuration of a GEMM of M x N x K with operands of
/// `operandBytes` bytes per element on `target` when the input names none:
/// 128x128 blocks of 8 warps and four stages for large 16-bit problems
/// (three for f32 operands, whose tiles take twice the shared memory),
/// smaller blocks for small M or N.
fused::GemmConfigAttr chooseGemmConfig(mlir::MLIRContext *ctx, int64_t m,
                                       int64_t n, int64_t k,
                                       const Target &target,
                                       int64_t operandBytes = 2);

/// The configuration `kernel` asks for (`fused.config` on the kernel or
/// its matmul), the heuristic's when it asks for none, or failure after an
/// error when the attribute is not a #fused.gemm_config.
mlir::FailureOr<fused::GemmConfigAttr>
gemmConfigFor(fused::KernelOp kernel, const GemmKernel &g,
              const Target &target);

} // namespace fused

#endif // FUSED_CONVERSION_GEMMSTRATEGY_H
