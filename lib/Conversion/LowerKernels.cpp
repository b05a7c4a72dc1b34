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

struct LowerKernelsPass
    : public ::fused::fused::impl::FusedLowerKernelsPassBase<LowerKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<KernelOp, const ::fused::KernelStrategy *>> work;
    module.walk([&](KernelOp k) {
      const ::fused::KernelStrategy *s = ::fused::strategyFor(k.getKind());
      if (s && s->lowersToGpu())
        work.push_back({k, s});
    });
    if (work.empty())
      return;
    ::fused::Target target = moduleTarget(module);
    gpu::GPUModuleOp gpuModule = gpu_builders::getOrCreateKernelModule(module);
    for (auto [k, strategy] : work) {
      auto func = k->getParentOfType<func::FuncOp>();
      std::string name =
          (func ? func.getSymName().str() : std::string("kernel")) + "_" +
          strategy->name().str();
      FailureOr<gpu::GPUFuncOp> kernel =
          strategy->buildGpuKernel(k, target, gpuModule, name);
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
