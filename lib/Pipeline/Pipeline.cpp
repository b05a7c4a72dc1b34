//===- Pipeline.cpp - the fused compilation pipeline ----------------------===//
//
// Builds and registers the pass pipeline; see Pipeline.h for the stages.
//
//===----------------------------------------------------------------------===//

#include "fused/Pipeline/Pipeline.h"

#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace fused {

std::optional<Stage> parseStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Stage>>(name)
      .Case("fuse", Stage::Fuse)
      .Case("tile", Stage::Tile)
      .Case("promote", Stage::Promote)
      .Default(std::nullopt);
}

llvm::StringRef stageNames() { return "fuse, tile, promote"; }

bool isSupportedChip(llvm::StringRef chip) {
  return chip == "sm_80" || chip == "sm_86" || chip == "sm_89" ||
         chip == "sm_90";
}

void buildPipeline(OpPassManager &pm, const PipelineOptions &options) {
  pm.addNestedPass<func::FuncOp>(::fused::fused::createFusedFusePass());
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
}

namespace {
struct PipelineCLOptions : public PassPipelineOptions<PipelineCLOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("target GPU (sm_80, sm_86, sm_89, "
                                          "sm_90)"),
                           llvm::cl::init("sm_80")};
  Option<std::string> stopAfter{
      *this, "stop-after", llvm::cl::desc("last stage to run (fuse, tile, promote)"),
      llvm::cl::init("promote")};
};
} // namespace

void registerPipelines() {
  PassPipelineRegistration<PipelineCLOptions>(
      "fused-gpu-pipeline",
      "the fused compilation pipeline, from fused ops to the last stage",
      [](OpPassManager &pm, const PipelineCLOptions &cl) {
        PipelineOptions options;
        options.chip = cl.chip;
        if (auto stage = parseStage(cl.stopAfter))
          options.stopAfter = *stage;
        buildPipeline(pm, options);
      });
}

} // namespace fused
