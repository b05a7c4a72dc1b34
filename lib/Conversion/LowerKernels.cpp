//===- LowerKernels.cpp - GPU kernels straight from their strategies ------===//

#include "GpuBuilders.h"
#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/IR/Shapes.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDLOWERKERNELSPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;
using namespace fused::fused;

namespace {

/// Whether every result of `k` has no elements (a static dimension of 0):
/// there is nothing to compute, whatever its kind.
bool producesNothing(KernelOp k) {
  return llvm::all_of(k.getResultTypes(), [](Type t) {
    auto s = cast<RankedTensorType>(t);
    return s.hasStaticShape() && s.getNumElements() == 0;
  });
}

/// A kernel that does nothing, on an empty grid: the runners launch no
/// block of it, and its empty results need none.
gpu::GPUFuncOp buildEmptyKernel(KernelOp k, gpu::GPUModuleOp gpuModule,
                                StringRef name) {
  gpu::GPUFuncOp kernel = ::fused::createKernelShell(k, gpuModule, name, 32);
  OpBuilder b = OpBuilder::atBlockEnd(&kernel.getBody().front());
  gpu::ReturnOp::create(b, k.getLoc());
  MLIRContext *ctx = k.getContext();
  FusedDialect::LaunchAttrHelper(ctx).setAttr(
      kernel, LaunchConfigAttr::get(ctx, {0, 1, 1}, {32, 1, 1}, 0,
                                    k.getNumResults(), ArrayAttr()));
  return kernel;
}

struct LowerKernelsPass
    : public ::fused::fused::impl::FusedLowerKernelsPassBase<LowerKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    ::fused::Target target = moduleTarget(module);
    SmallVector<std::pair<KernelOp, const ::fused::KernelStrategy *>> work;
    module.walk([&](KernelOp k) {
      const ::fused::KernelStrategy *s = ::fused::strategyFor(k.getKind());
      if (s && s->lowersToGpu(k, target))
        work.push_back({k, s});
    });
    if (work.empty())
      return;
    gpu::GPUModuleOp gpuModule = gpu_builders::getOrCreateKernelModule(module);
    for (auto [k, strategy] : work) {
      auto func = k->getParentOfType<func::FuncOp>();
      std::string name =
          (func ? func.getSymName().str() : std::string("kernel")) + "_" +
          strategy->name().str();
      FailureOr<gpu::GPUFuncOp> kernel =
          producesNothing(k)
              ? FailureOr<gpu::GPUFuncOp>(buildEmptyKernel(k, gpuModule, name))
              : strategy->buildGpuKernel(k, target, gpuModule, name);
      if (failed(kernel))
        return signalPassFailure();
      OpBuilder b(k);
      FailureOr<LaunchOp> launch =
          ::fused::createLaunchFor(b, k, gpu_builders::kernelRef(*kernel));
      if (failed(launch))
        return signalPassFailure();
      k.replaceAllUsesWith(launch->getResults());
      k.erase();
    }
  }
};

} // namespace
