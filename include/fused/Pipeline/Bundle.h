//===- Bundle.h - kernel bundles: binary plus launch manifest ---*- C++ -*-===//
//
// What the runtime needs to run compiled functions: the kernels' binary
// (PTX, cubin) and a JSON manifest with each kernel's arguments and launch
// geometry and each function's launch schedule over its buffers.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_PIPELINE_BUNDLE_H
#define FUSED_PIPELINE_BUNDLE_H

#include "mlir/Support/LLVM.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace fused {

/// Builds the manifest of `module`, which must be at the `mma` stage (graph
/// functions of fused.launch, gpu.func kernels with launch geometry).
/// Emits a diagnostic and returns failure for anything the runtime could not
/// run (an op other than fused.launch in a graph function).
mlir::FailureOr<llvm::json::Value> buildManifest(mlir::ModuleOp module,
                                                 llvm::StringRef chip);

/// The serialized object of the module's gpu.binary (after the `binary`
/// stage).
mlir::FailureOr<std::string> extractBinary(mlir::ModuleOp module);

/// Finds ptxas: $CUDA_HOME/bin, $CUDA_PATH/bin, PATH, /usr/local/cuda/bin.
/// Returns an empty string if there is none.
std::string findPtxas();

} // namespace fused

#endif // FUSED_PIPELINE_BUNDLE_H
