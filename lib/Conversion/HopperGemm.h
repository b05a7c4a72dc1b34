//===- HopperGemm.h - GEMM kernels of the Hopper path -----------*- C++ -*-===//
//
// The GEMM strategy's sm_90a kernel (HopperGemm.cpp): when a kernel takes
// it, and how to build it.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_LIB_CONVERSION_HOPPERGEMM_H
#define FUSED_LIB_CONVERSION_HOPPERGEMM_H

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Target/Target.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include <optional>

namespace fused {

/// The configuration of a Hopper GEMM kernel.
struct HopperGemmPlan {
  fused::MatmulOp matmul;
  /// The kernel inputs that are A and B.
  int64_t argA = 0, argB = 0;
  bool transA = false, transB = false, bf16 = false;
  /// Consumer warpgroups (64 rows of M each), the block tile, the ring.
  int64_t consumers = 2, blockM = 128, blockN = 128, stages = 4;
  /// K is static and not 0: the first K step needs no guard. The block
  /// tiles divide a static M and N: the epilogue needs no bounds checks.
  bool staticK = false, exactTiles = false;
  int64_t stageBytes = 0, sharedBytes = 0;
  /// The output's element bytes and shared staging when it is written by
  /// TMA stores (0: each thread stores its own elements).
  int64_t outElementBytes = 0, stagingBytes = 0;
  /// setmaxnreg counts of the producer and consumer warpgroups (0: none).
  int64_t producerRegisters = 0, consumerRegisters = 0;
};

/// The plan of `kernel` on `target` when it takes the Hopper kernel:
/// sm_90 or sm_90a, f16 or bf16 operands of A and B that are kernel inputs with
/// static contiguous dimensions that are multiples of 8 elements (TMA rows
/// of whole 16-byte units) and 16-byte aligned starts, f32 accumulation,
/// no #fused.gemm_config; nothing otherwise (the Ampere-class kernel).
std::optional<HopperGemmPlan> planHopperGemm(fused::KernelOp kernel,
                                             const Target &target);

/// Builds the kernel of `plan` for `kernel` in `module`.
mlir::FailureOr<mlir::gpu::GPUFuncOp>
buildHopperGemm(const HopperGemmPlan &plan, fused::KernelOp kernel,
                mlir::gpu::GPUModuleOp module, llvm::StringRef name);

} // namespace fused

#endif // FUSED_LIB_CONVERSION_HOPPERGEMM_H
