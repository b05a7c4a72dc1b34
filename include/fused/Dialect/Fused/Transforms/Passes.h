//===- Passes.h - passes on the fused dialect -------------------*- C++ -*-===//
//
// Declarations and registration of the graph-level passes.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_H
#define FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_H

#include "fused/Dialect/Fused/IR/FusedDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace fused::fused {

#define GEN_PASS_DECL
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"

} // namespace fused::fused

#endif // FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_H
