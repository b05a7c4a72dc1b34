//===- Pipeline.h - the fused compilation pipeline --------------*- C++ -*-===//
//
// One function builds the whole chain of passes; fused-opt (as
// `fused-gpu-pipeline`), fused-compile, the C API and the Python bindings
// all call it, so nobody re-lists passes.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_PIPELINE_PIPELINE_H
#define FUSED_PIPELINE_PIPELINE_H

#include "fused/Target/Target.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace fused {

/// The stages of the pipeline, in order. Each names the IR it leaves.
enum class Stage {
  /// `fused.kernel` groups (fused-fuse).
  Fuse,
  /// Kernel functions tiled to blocks and warps, launched by the graph
  /// function (fused-tile). Runs on the host.
  Tile,
  /// Operand tiles staged in shared memory by an asynchronous copy
  /// pipeline (fused-promote-shared). Runs on the host.
  Promote,
  /// gpu.func kernels with mma.sync, ldmatrix and cp.async in a gpu.module
  /// (fused-lower-to-mma).
  Mma,
  /// The gpu.module in the NVVM and LLVM dialects, target attached. GPU
  /// operations are still typed NVVM ops here (no inline assembly yet for
  /// mma.sync, ldmatrix or cp.async without zero-fill).
  NVVM,
  /// The gpu.module serialized to a gpu.binary (PTX or cubin).
  Binary,
};

/// The last stage whose IR runs on the host (fused-compile --check-host).
constexpr Stage kLastHostStage = Stage::Promote;

/// The stage named `name` ("fuse", "tile", "promote", "mma", "nvvm",
/// "binary"), or nullopt.
std::optional<Stage> parseStage(llvm::StringRef name);
/// The names of all stages, comma-separated, for diagnostics.
llvm::StringRef stageNames();

/// Options of the pipeline.
struct PipelineOptions {
  /// Target GPU: a chip of fused::Target::chips() (sm_80, sm_86, sm_89,
  /// sm_90, sm_90a).
  std::string chip = "sm_80";
  /// Last stage to run.
  Stage stopAfter = Stage::Binary;
  /// What the binary stage produces: PTX text or a cubin (the latter runs
  /// ptxas from `toolkitPath`).
  enum class BinaryFormat { PTX, Cubin } binaryFormat = BinaryFormat::PTX;
  /// The CUDA toolkit (for ptxas and libdevice); empty: MLIR's default.
  std::string toolkitPath;
};

/// Appends the pipeline up to `options.stopAfter` to `pm` (on builtin.module).
///
/// Stages and their contracts:
///   fuse  pre: fused ops on tensors in func.func.
///         post: every top-level fused op inside a fused.kernel.
///   tile  post: no gemm fused.kernel; kernel functions on memrefs tiled to
///         thread blocks (scf.forall) and warps, graph functions of
///         fused.launch ops. Host-executable.
///   promote post: GEMM operand tiles in shared-memory rings filled by
///         fused.copy_tile in a multi-stage pipeline. Host-executable after
///         fused-prepare-host.
///   mma   post: gpu.module @fused_kernels of gpu.func kernels (mma.sync,
///         ldmatrix, cp.async); fused.launch ops name them.
///   nvvm  post: the gpu.module lowered to the NVVM/LLVM dialects with an
///         #nvvm.target for `chip`.
///   binary post: the gpu.module replaced by a gpu.binary holding PTX or a
///         cubin.
void buildPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);

/// Appends only the stages after `mma` (nvvm, binary) to `pm`, for a module
/// already at the mma stage.
void buildBackendPipeline(mlir::OpPassManager &pm,
                          const PipelineOptions &options);

/// fused-bind-tensor-maps (part of buildNVVMConversions): gives each kernel
/// one by-value grid-constant parameter per tensor map it names, after its
/// other parameters.
std::unique_ptr<mlir::Pass> createBindTensorMapsPass();

/// Appends the NVVM conversions of the `nvvm` stage inside each gpu.module:
/// to typed NVVM ops (what the emulator rewrites), then, with `toLLVM`,
/// convert-nvvm-to-llvm and the cast reconciliation.
void buildNVVMConversions(mlir::OpPassManager &pm, bool toLLVM);

/// Appends convert-nvvm-to-llvm and the cast reconciliation inside each
/// gpu.module (the `toLLVM` part of buildNVVMConversions).
void buildNVVMToLLVM(mlir::OpPassManager &pm);

/// Appends the NVVM target attachment of the `nvvm` stage (chip, O3,
/// libdevice) for a module whose gpu.module is in the LLVM dialect.
void buildNVVMTarget(mlir::OpPassManager &pm, const PipelineOptions &options);

/// Appends only the binary stage (gpu-module-to-binary in
/// `options.binaryFormat`) to `pm`, for a module already at the nvvm stage.
/// Serializing one NVVM-stage module to several formats runs the NVVM
/// conversions once.
void buildSerializationPipeline(mlir::OpPassManager &pm,
                                const PipelineOptions &options);

/// Registers `fused-gpu-pipeline{chip=... stop-after=...}` with the pass
/// registry.
void registerPipelines();

} // namespace fused

#endif // FUSED_PIPELINE_PIPELINE_H
