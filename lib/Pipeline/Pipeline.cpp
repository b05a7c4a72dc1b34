//===- Pipeline.cpp - the fused compilation pipeline ----------------------===//
//
// Builds and registers the pass pipeline; see Pipeline.h for the stages.
//
//===----------------------------------------------------------------------===//

#include "fused/Pipeline/Pipeline.h"

#include "fused/Conversion/KernelStrategy.h"

#include "fused/Dialect/Fused/Transforms/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
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

namespace {

/// Kernels that read tensors through TMA refer to their tensor maps as
/// `llvm.call @__fused_tensor_map(i32 i)` (KernelBuilders.h): after the
/// conversion to NVVM each kernel gets one parameter per map after its
/// other parameters, passed by value as a grid constant (128 bytes,
/// 64-byte aligned), and each call becomes the parameter of its index.
struct BindTensorMapsPass
    : public PassWrapper<BindTensorMapsPass, OperationPass<gpu::GPUModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(BindTensorMapsPass)
  StringRef getArgument() const final { return "fused-bind-tensor-maps"; }
  StringRef getDescription() const final {
    return "Give each kernel one by-value grid-constant parameter per TMA "
           "tensor map it names with llvm.call @__fused_tensor_map(i)";
  }
  void runOnOperation() override {
    gpu::GPUModuleOp m = getOperation();
    MLIRContext *ctx = m.getContext();
    for (auto func : llvm::make_early_inc_range(m.getOps<LLVM::LLVMFuncOp>())) {
      SmallVector<LLVM::CallOp> calls;
      func.walk([&](LLVM::CallOp c) {
        if (c.getCallee() == StringRef(kTensorMapCallee))
          calls.push_back(c);
      });
      if (calls.empty())
        continue;
      int64_t count = 0;
      SmallVector<int64_t> indices;
      for (LLVM::CallOp c : calls) {
        IntegerAttr index;
        if (c.getNumOperands() != 1 ||
            !matchPattern(c.getOperand(0), m_Constant(&index))) {
          c.emitOpError("takes one constant tensor-map index");
          return signalPassFailure();
        }
        indices.push_back(index.getInt());
        count = std::max(count, index.getInt() + 1);
      }
      auto ptr = LLVM::LLVMPointerType::get(ctx);
      unsigned first = func.getNumArguments();
      LLVM::LLVMFunctionType fty = func.getFunctionType();
      SmallVector<Type> params(fty.getParams());
      params.append(count, ptr);
      func.setFunctionType(LLVM::LLVMFunctionType::get(
          fty.getReturnType(), params, fty.isVarArg()));
      Block &entry = func.getBody().front();
      SmallVector<Attribute> argAttrs;
      ArrayAttr old = func.getArgAttrsAttr();
      for (unsigned i = 0; i < first; ++i)
        argAttrs.push_back(old && i < old.size()
                               ? old[i]
                               : DictionaryAttr::get(ctx, {}));
      for (int64_t i = 0; i < count; ++i) {
        entry.addArgument(ptr, func.getLoc());
        NamedAttrList attrs;
        attrs.set(LLVM::LLVMDialect::getByValAttrName(),
                  TypeAttr::get(LLVM::LLVMArrayType::get(
                      IntegerType::get(ctx, 8), 128)));
        attrs.set(LLVM::LLVMDialect::getAlignAttrName(),
                  IntegerAttr::get(IntegerType::get(ctx, 64), 64));
        attrs.set("nvvm.grid_constant", UnitAttr::get(ctx));
        argAttrs.push_back(attrs.getDictionary(ctx));
      }
      func.setArgAttrsAttr(ArrayAttr::get(ctx, argAttrs));
      for (auto [c, index] : llvm::zip(calls, indices)) {
        c.getResult().replaceAllUsesWith(func.getArgument(first + index));
        c.erase();
      }
    }
    if (auto decl = m.lookupSymbol<LLVM::LLVMFuncOp>(kTensorMapCallee))
      if (SymbolTable::symbolKnownUseEmpty(decl, m))
        decl.erase();
  }
};

} // namespace

std::unique_ptr<Pass> createBindTensorMapsPass() {
  return std::make_unique<BindTensorMapsPass>();
}

void buildNVVMConversions(OpPassManager &pm, bool toLLVM) {
  // The emulator reads the IR between convert-gpu-to-nvvm and
  // convert-nvvm-to-llvm.
  OpPassManager &g = pm.nest<gpu::GPUModuleOp>();
  g.addPass(createSCFToControlFlowPass());
  g.addPass(memref::createExpandStridedMetadataPass());
  g.addPass(createLowerAffinePass());
  g.addPass(createConvertNVGPUToNVVMPass());
  g.addPass(createConvertGpuOpsToNVVMOps());
  g.addPass(createBindTensorMapsPass());
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
  target.chip = Target::canonicalChip(options.chip);
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
  PassRegistration<BindTensorMapsPass>();
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
        options.chip = Target::canonicalChip(cl->chip);
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
