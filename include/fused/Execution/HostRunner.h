//===- HostRunner.h - run tiled kernels on the CPU --------------*- C++ -*-===//
//
// Executes a module after fused-tile (and the later host-runnable levels) on
// the CPU through MLIR's ExecutionEngine: the kernel functions are lowered
// to LLVM and JIT-compiled, and the graph function's fused.launch schedule
// is run with one host buffer per tensor. It checks the high-level passes
// numerically against the float64 reference without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_EXECUTION_HOSTRUNNER_H
#define FUSED_EXECUTION_HOSTRUNNER_H

#include "fused/Reference/Kernels.h"

#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <vector>

namespace mlir {
class ModuleOp;
class Type;
} // namespace mlir

namespace fused::host {

/// Runs function `entry` of `module` on `inputs` (one per argument) and
/// writes its results to `outputs`. The module is not modified. Output
/// buffers are filled with NaN before each kernel runs, so an element a
/// kernel fails to write shows up as NaN. On failure, emits a diagnostic
/// on the module.
mlir::LogicalResult runOnHost(mlir::ModuleOp module, llvm::StringRef entry,
                              const std::vector<ref::Tensor> &inputs,
                              std::vector<ref::Tensor> &outputs);

/// `t`'s values as elements of `elementType` (f16, bf16, f32 or f64, little
/// endian), rounded to nearest even: the bytes a device buffer holds.
std::vector<uint8_t> encodeTensor(const ref::Tensor &t, mlir::Type elementType);

/// The inverse of encodeTensor.
ref::Tensor decodeTensor(const std::vector<uint8_t> &bytes,
                         std::vector<int64_t> shape, mlir::Type elementType);

} // namespace fused::host

#endif // FUSED_EXECUTION_HOSTRUNNER_H
