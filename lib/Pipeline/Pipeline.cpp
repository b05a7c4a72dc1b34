//===- Pipeline.cpp - the fused compilation pipeline ----------------------===//
//
// Builds and registers the pass pipeline; see Pipeline.h for the stages.
//
//===----------------------------------------------------------------------===//

#include "fused/Pipeline/Pipeline.h"

#include "fused/Dialect/Fused/Transforms/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace fused {

std::optional<Stage> parseStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Stage>>(name)
      .Case("fuse", Stage::Fuse)
      .Case("tile", Stage::Tile)
      .Case("promote", Stage::Promote)
      .Case("mma", Stage::Mma)
      .Case("nvvm", Stage::NVVM)
      .Case("binary", Stage::Binary)
      .Default(std::nullopt);
}

llvm::StringRef stageNames() {
  return "fuse, tile, promote, mma, nvvm, binary";
}

void buildPipeline(OpPassManager &pm, const PipelineOptions &options) {
  pm.addPass(::fused::fused::createFusedSetTargetPass(
      ::fused::fused::FusedSetTargetPassOptions{options.chip}));
  // Folds first (neg(neg(x)), cast round trips, transposes that cancel),
  // so that no kernel is formed around ops that fold away to its input.
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(::fused::fused::createFusedFusePass());
  auto checkLimits = [&] {
    pm.addPass(::fused::fused::createFusedCheckLimitsPass());
  };
  checkLimits();
  if (options.stopAfter == Stage::Fuse)
    return;
  pm.addPass(::fused::fused::createFusedTilePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.stopAfter == Stage::Tile)
    return;
  pm.addPass(::fused::fused::createFusedPromoteSharedPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.stopAfter == Stage::Promote)
    return;
  pm.addPass(::fused::fused::createFusedLowerToMMAPass());
  pm.addPass(::fused::fused::createFusedLowerAttentionPass());
  pm.addPass(::fused::fused::createFusedLowerKernelsPass());
  checkLimits();
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.stopAfter == Stage::Mma)
    return;
  buildBackendPipeline(pm, options);
}

/// libdevice (the math functions that gpu-to-nvvm calls, such as
/// __nv_tanhf) from the toolkit, or from /usr/local/cuda; empty if neither
/// has it.
static std::string libdevicePath(const PipelineOptions &options) {
  for (std::string root :
       {options.toolkitPath, std::string("/usr/local/cuda")}) {
    if (root.empty())
      continue;
    llvm::SmallString<256> path(root);
    llvm::sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
    if (llvm::sys::fs::exists(path))
      return std::string(path);
  }
  return "";
}

// The backend's passes are created directly, not parsed from text: an
// embedding program's process gets no global pass registrations from
// compiling.

void buildNVVMConversions(OpPassManager &pm, bool toLLVM) {
  // The emulator reads the IR between convert-gpu-to-nvvm and
  // convert-nvvm-to-llvm.
  OpPassManager &g = pm.nest<gpu::GPUModuleOp>();
  g.addPass(createSCFToControlFlowPass());
  g.addPass(memref::createExpandStridedMetadataPass());
  g.addPass(createLowerAffinePass());
  g.addPass(createConvertNVGPUToNVVMPass());
  g.addPass(createConvertGpuOpsToNVVMOps());
  g.addPass(createConvertVectorToLLVMPass());
  g.addPass(createArithToLLVMConversionPass());
  g.addPass(createConvertIndexToLLVMPass());
  g.addPass(createUBToLLVMConversionPass());
  g.addPass(createCanonicalizerPass());
  g.addPass(createCSEPass());
  if (toLLVM)
    buildNVVMToLLVM(pm);
}

void buildNVVMToLLVM(OpPassManager &pm) {
  OpPassManager &g = pm.nest<gpu::GPUModuleOp>();
  g.addPass(createConvertNVVMToLLVMPass());
  g.addPass(createReconcileUnrealizedCastsPass());
}

void buildNVVMTarget(OpPassManager &pm, const PipelineOptions &options) {
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.optLevel = 3;
  if (std::string libdevice = libdevicePath(options); !libdevice.empty())
    target.linkLibs.push_back(libdevice);
  pm.addPass(createGpuNVVMAttachTarget(target));
}

void buildBackendPipeline(OpPassManager &pm, const PipelineOptions &options) {
  buildNVVMConversions(pm, /*toLLVM=*/true);
  buildNVVMTarget(pm, options);
  if (options.stopAfter == Stage::NVVM)
    return;
  buildSerializationPipeline(pm, options);
}

void buildSerializationPipeline(OpPassManager &pm,
                                const PipelineOptions &options) {
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget =
      options.binaryFormat == PipelineOptions::BinaryFormat::Cubin ? "bin"
                                                                   : "isa";
  binary.toolkitPath = options.toolkitPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

namespace {
struct PipelineCLOptions : public PassPipelineOptions<PipelineCLOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("target GPU (sm_80, sm_86, sm_89, "
                                          "sm_90, sm_90a)"),
                           llvm::cl::init("sm_80")};
  Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("last stage to run (fuse, tile, promote)"),
      llvm::cl::init("promote")};
};
} // namespace

void registerPipelines() {
  registerPassPipeline(
      "fused-gpu-pipeline",
      "the fused compilation pipeline, from fused ops to the last stage",
      [](OpPassManager &pm, StringRef optionText,
         function_ref<LogicalResult(const Twine &)> errorHandler)
          -> LogicalResult {
        auto cl = PipelineCLOptions::createFromString(optionText);
        if (!cl)
          return errorHandler("fused-gpu-pipeline: invalid options '" +
                              optionText + "'");
        PipelineOptions options;
        if (!Target::get(cl->chip))
          return errorHandler("fused-gpu-pipeline: unknown chip '" + cl->chip +
                              "' (expected " + Target::chipList() + ")");
        options.chip = cl->chip;
        std::optional<Stage> stage = parseStage(cl->stopAfter);
        if (!stage)
          return errorHandler("fused-gpu-pipeline: unknown stage '" +
                              cl->stopAfter + "' (expected " + stageNames() +
                              ")");
        options.stopAfter = *stage;
        buildPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> handler) {
        handler(PipelineCLOptions());
      });
}

} // namespace fused
