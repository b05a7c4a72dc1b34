//===- GemmStrategy.cpp - GEMM kernels: a matmul and its epilogue ---------===//
//
// The GEMM strategy: a `fused.kernel gemm` is one fused.matmul with f16,
// bf16 or f32 operands and f32 accumulation, then a chain of elementwise
// ops on its result; any of its sizes (batch, M, N, K) may be dynamic.
// fused-tile, fused-promote-shared and fused-lower-to-mma lower it to
// mma.sync kernels (f32 operands as three bf16 parts each, see
// LowerToMMA.cpp).
//
//===----------------------------------------------------------------------===//

#include "fused/Conversion/GemmStrategy.h"
#include "HopperGemm.h"
#include "fused/Conversion/Elementwise.h"
#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/Shapes.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace fused::fused;
using fused::GemmKernel;

FailureOr<GemmKernel> fused::analyzeGemmKernel(KernelOp kernel) {
  GemmKernel g;
  Block &body = kernel.getBody().front();
  auto it = body.without_terminator().begin();
  // Splat constants of the epilogue come first; they become immediates.
  while (it != body.without_terminator().end() && it->getNumResults() == 1 &&
         ::fused::splatConstant(it->getResult(0)))
    ++it;
  if (it == body.without_terminator().end() ||
      !(g.matmul = dyn_cast<MatmulOp>(*it)))
    return kernel.emitOpError() << "gemm kernel must start with fused.matmul",
           failure();
  Value current = g.matmul.getResult();
  for (++it; it != body.without_terminator().end(); ++it) {
    Operation *op = &*it;
    if (op->getNumResults() != 1 ||
        !llvm::is_contained(op->getOperands(), current))
      return kernel.emitOpError() << "gemm kernel epilogue must be a chain of "
                                     "elementwise ops on "
                                     "the matmul result",
             failure();
    g.epilogue.push_back(op);
    current = op->getResult(0);
  }
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1 || yield.getValues()[0] != current)
    return kernel.emitOpError()
               << "gemm kernel must yield the end of its epilogue chain",
           failure();
  // Dynamic sizes (batch, M, N, K) are kernel arguments: the grid's
  // formulas and the K loop read them, and the tiles clip to them.
  for (Type t : kernel.getResultTypes()) {
    Type et = cast<RankedTensorType>(t).getElementType();
    if (!et.isF16() && !et.isBF16() && !et.isF32())
      return kernel.emitOpError()
                 << "code generation supports f16, bf16 and f32 outputs, got "
                 << et,
             failure();
  }
  Type aType = g.matmul.getA().getType().getElementType();
  if (!aType.isF16() && !aType.isBF16() && !aType.isF32())
    return kernel.emitOpError() << "tensor-core code generation supports f16, "
                                   "bf16 and f32 matmul operands, got "
                                << aType,
           failure();
  {
    // An empty contraction (a static K of 0) has no K loop to lower; a
    // dynamic K may be 0 at run time (the loop runs no step).
    auto a = g.matmul.getA().getType();
    int64_t k = a.getDimSize(a.getRank() - (g.matmul.getTransposeA() ? 2 : 1));
    if (k == 0)
      return kernel.emitOpError()
                 << "GEMM code generation needs a non-empty contraction "
                    "(K = 0 here: the product is all zeros); write K as a "
                    "dynamic size (?) to take 0 at run time",
             failure();
  }
  if (!g.matmul.getAccumulatorType().isF32())
    return kernel.emitOpError()
               << "code generation accumulates in f32; acc_type "
               << g.matmul.getAccumulatorType() << " is not supported yet",
           failure();
  return g;
}

GemmConfigAttr fused::chooseGemmConfig(MLIRContext *ctx, int64_t m, int64_t n,
                                       int64_t k, const Target &,
                                       int64_t operandBytes) {
  // Large problems: 128x128 blocks of 8 warps (64x32 warp tiles), four
  // stages of 32-deep K tiles (64 KiB of shared memory). Small M or N
  // shrink the block so that fewer rows or columns are wasted. The same on
  // every path until the Hopper kernels exist.
  // A dynamic size is taken as large.
  for (int64_t *size : {&m, &n, &k})
    if (ShapedType::isDynamic(*size))
      *size = std::numeric_limits<int64_t>::max();
  int64_t blockM = m <= 16 ? 16 : m <= 32 ? 32 : m <= 64 ? 64 : 128;
  int64_t blockN = n <= 32 ? 32 : n <= 64 ? 64 : 128;
  int64_t warpsM = blockM >= 128 ? 2 : 1;
  int64_t warpsN = blockN / 32;
  int64_t blockK = 32;
  // f32 tiles take twice the bytes: three stages of 128x32 A and 32x128 B
  // tiles are 96 KiB, within every chip's shared memory.
  int64_t stages = k <= 2 * blockK ? 2 : operandBytes > 2 ? 3 : 4;
  return GemmConfigAttr::get(ctx, blockM, blockN, blockK, warpsM, warpsN,
                             stages);
}

FailureOr<GemmConfigAttr> fused::gemmConfigFor(KernelOp kernel,
                                               const GemmKernel &g,
                                               const Target &target) {
  MatmulOp mm = g.matmul;
  for (Operation *op : {kernel.getOperation(), mm.getOperation()}) {
    Attribute a = op->getAttr("fused.config");
    if (!a)
      continue;
    auto cfg = dyn_cast<GemmConfigAttr>(a);
    if (!cfg)
      return op->emitOpError()
                 << "'fused.config' must be a #fused.gemm_config, got " << a,
             failure();
    // The f32 accumulators of a warp tile stay in registers for the whole
    // K loop: a thread holds (warp tile) / 32 of them. Over the chip's
    // per-thread budget at this block size, ptxas would spill them all.
    int64_t threads = 32 * cfg.getWarpsM() * cfg.getWarpsN();
    int64_t accumulators = (cfg.getBlockM() / cfg.getWarpsM()) *
                           (cfg.getBlockN() / cfg.getWarpsN()) / 32;
    int64_t budget = std::min(target.limits.maxRegistersPerThread,
                              target.limits.registersPerBlock / threads);
    if (accumulators > budget)
      return op->emitOpError()
                 << "#fused.gemm_config's accumulators alone take "
                 << accumulators << " registers per thread, over the "
                 << budget << " registers a thread of a " << threads
                 << "-thread block has on " << target.chip << " ("
                 << target.limits.registersPerBlock
                 << " per block, at most "
                 << target.limits.maxRegistersPerThread
                 << " per thread): "
                 << (cfg.getBlockM() * cfg.getBlockN() >
                             target.limits.registersPerBlock
                         ? "use a smaller block"
                         : "use more warps or a smaller block"),
             failure();
    return cfg;
  }
  auto outType = mm.getType();
  int64_t rank = outType.getRank();
  int64_t M = outType.getDimSize(rank - 2), N = outType.getDimSize(rank - 1);
  auto aType = mm.getA().getType();
  int64_t K = mm.getTransposeA() ? aType.getDimSize(aType.getRank() - 2)
                                 : aType.getDimSize(aType.getRank() - 1);
  return chooseGemmConfig(kernel.getContext(), M, N, K, target,
                          aType.getElementTypeBitWidth() / 8);
}

namespace {

struct GemmStrategy : fused::KernelStrategy {
  KernelKind kind() const override { return KernelKind::gemm; }

  LogicalResult checkSupported(KernelOp kernel,
                               const fused::Target &) const override {
    return fused::analyzeGemmKernel(kernel);
  }

  bool roots(Operation *op) const override { return isa<MatmulOp>(op); }

  /// The Hopper kernel is built directly; the Ampere-class one goes
  /// through fused-tile, fused-promote-shared and fused-lower-to-mma.
  bool lowersToGpu(KernelOp kernel,
                   const fused::Target &target) const override {
    return fused::planHopperGemm(kernel, target).has_value();
  }

  FailureOr<gpu::GPUFuncOp> buildGpuKernel(KernelOp kernel,
                                           const fused::Target &target,
                                           gpu::GPUModuleOp module,
                                           StringRef name) const override {
    std::optional<fused::HopperGemmPlan> plan =
        fused::planHopperGemm(kernel, target);
    if (!plan)
      return kernel.emitOpError() << "has no directly built GEMM kernel on "
                                  << target.chip,
             failure();
    return fused::buildHopperGemm(*plan, kernel, module, name);
  }

  std::optional<double> flops(Operation *op) const override {
    auto mm = dyn_cast<MatmulOp>(op);
    if (!mm)
      return std::nullopt;
    auto a = mm.getA().getType();
    // With dynamic sizes the FLOPs depend on them: none counted.
    if (!mm.getType().hasStaticShape() || !a.hasStaticShape())
      return 0.0;
    int64_t K = mm.getTransposeA() ? a.getDimSize(a.getRank() - 2)
                                   : a.getDimSize(a.getRank() - 1);
    return 2.0 * mm.getType().getNumElements() * K;
  }

  bool describe(gpu::GPUFuncOp k, llvm::json::Object &desc) const override {
    auto cfg = FusedDialect::GemmConfigAttrHelper(k.getContext()).getAttr(k);
    if (!cfg)
      return false;
    desc["config"] = llvm::json::Object{
        {"block_m", cfg.getBlockM()}, {"block_n", cfg.getBlockN()},
        {"block_k", cfg.getBlockK()}, {"warps_m", cfg.getWarpsM()},
        {"warps_n", cfg.getWarpsN()}, {"stages", cfg.getStages()}};
    // grid = (ceil(N / block_n), ceil(M / block_m), batch) of the output
    // [batch..., M, N].
    desc["grid_formula"] =
        llvm::json::Array{"ceil(N / " + std::to_string(cfg.getBlockN()) + ")",
                          "ceil(M / " + std::to_string(cfg.getBlockM()) + ")",
                          "product(batch dims)"};
    return true;
  }
};

} // namespace

namespace fused {
const KernelStrategy *gemmStrategy() {
  static const GemmStrategy s;
  return &s;
}
} // namespace fused
