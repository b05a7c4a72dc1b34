//===- InitAll.cpp - registration of dialects and passes ------------------===//
//
// Dialects and passes known to the fused tools.
//
//===----------------------------------------------------------------------===//

#include "fused/InitAll.h"

#include "fused/Dialect/Fused/IR/FusedDialect.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"
#include "fused/Pipeline/Pipeline.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void fused::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<
      ::fused::fused::FusedDialect, mlir::affine::AffineDialect,
      mlir::arith::ArithDialect, mlir::bufferization::BufferizationDialect,
      mlir::func::FuncDialect, mlir::gpu::GPUDialect, mlir::LLVM::LLVMDialect,
      mlir::NVVM::NVVMDialect, mlir::linalg::LinalgDialect,
      mlir::math::MathDialect, mlir::memref::MemRefDialect,
      mlir::nvgpu::NVGPUDialect, mlir::scf::SCFDialect,
      mlir::tensor::TensorDialect, mlir::vector::VectorDialect>();
  // Interface implementations the lowering needs: bufferization and
  // ConvertToLLVM models, LLVM IR translations, and the NVVM target that
  // serializes gpu.module to PTX and cubin.
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  mlir::NVVM::registerNVVMTargetInterfaceExternalModels(registry);
}

void fused::registerAllPasses() {
  ::fused::fused::registerFusedTransformsPasses();
  ::fused::registerPipelines();
  mlir::registerAllPasses();
}
