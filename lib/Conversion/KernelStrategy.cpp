//===- KernelStrategy.cpp - the registry of kernel strategies -------------===//

#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/Schedule.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace fused {

KernelStrategy::~KernelStrategy() = default;

/// The bytes of the statically shaped tensors among `types`.
static double tensorBytes(TypeRange inputs, TypeRange results) {
  double bytes = 0;
  for (Type t : llvm::concat<const Type>(inputs, results))
    if (auto s = dyn_cast<ShapedType>(t); s && s.hasStaticShape())
      bytes += double(s.getNumElements()) *
               std::max<int64_t>(1, s.getElementTypeBitWidth() / 8);
  return bytes;
}

double KernelStrategy::minimumBytes(fused::KernelOp kernel) const {
  return tensorBytes(kernel.getInputs().getTypes(), kernel.getResultTypes());
}

double functionBytes(func::FuncOp func) {
  return tensorBytes(func.getArgumentTypes(), func.getResultTypes());
}

FailureOr<gpu::GPUFuncOp>
KernelStrategy::buildGpuKernel(fused::KernelOp kernel, const Target &,
                               gpu::GPUModuleOp, llvm::StringRef) const {
  return kernel.emitOpError() << name()
                              << " kernels are not built by "
                                 "fused-lower-kernels",
         failure();
}

bool MemoryBoundStrategy::describe(gpu::GPUFuncOp kernel,
                                   llvm::json::Object &desc) const {
  MLIRContext *ctx = kernel.getContext();
  auto k = fused::FusedDialect::KernelKindAttrHelper(ctx).getAttr(kernel);
  auto launch = fused::FusedDialect::LaunchAttrHelper(ctx).getAttr(kernel);
  if (!k || k.getValue() != kind() || !launch)
    return false;
  ArrayRef<int64_t> b = launch.getBlock();
  desc["config"] = llvm::json::Object{{"threads", b[0] * b[1] * b[2]}};
  desc["grid_formula"] = gridFormula(kernel);
  return true;
}

void MemoryBoundStrategy::setLaunch(gpu::GPUFuncOp kernel,
                                    ArrayRef<int64_t> grid,
                                    ArrayRef<int64_t> block,
                                    int64_t sharedBytes, int64_t outputs,
                                    ArrayRef<std::string> gridSizes) {
  MLIRContext *ctx = kernel.getContext();
  ArrayAttr sizes;
  SmallVector<int64_t> g(grid);
  if (llvm::any_of(gridSizes, [](const std::string &e) { return !e.empty(); })) {
    SmallVector<Attribute> attrs;
    for (unsigned d = 0; d < 3; ++d) {
      std::string e = d < gridSizes.size() ? gridSizes[d] : "";
      attrs.push_back(StringAttr::get(ctx, e));
      if (!e.empty())
        g[d] = 0;
    }
    sizes = ArrayAttr::get(ctx, attrs);
  }
  fused::FusedDialect::LaunchAttrHelper(ctx).setAttr(
      kernel, fused::LaunchConfigAttr::get(ctx, g, block, sharedBytes, outputs,
                                           sizes));
}

std::string argDimName(unsigned arg, unsigned dim) {
  return "a" + std::to_string(arg) + ".d" + std::to_string(dim);
}

std::string timesDynamicSizesExpr(int64_t count, unsigned arg,
                                  ArrayRef<int64_t> shape) {
  std::string e = count == 1 ? "" : std::to_string(count);
  for (auto [d, n] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(n))
      e += (e.empty() ? "" : " * ") + argDimName(arg, d);
  return e.empty() ? "1" : e;
}

std::string ceilDivExpr(const std::string &expr, int64_t divisor) {
  if (divisor == 1)
    return expr;
  return "(" + expr + " + " + std::to_string(divisor - 1) + ") / " +
         std::to_string(divisor);
}

gpu::GPUFuncOp createKernelShell(Location loc, gpu::GPUModuleOp module,
                                 llvm::StringRef name, FunctionType type,
                                 int64_t threads, fused::KernelKind kind) {
  MLIRContext *ctx = module.getContext();
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  auto kernel = gpu::GPUFuncOp::create(mb, loc, name, type);
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  SymbolTable(module).insert(kernel);
  kernel.setKnownBlockSizeAttr(
      DenseI32ArrayAttr::get(ctx, {static_cast<int32_t>(threads), 1, 1}));
  fused::FusedDialect::KernelKindAttrHelper(ctx).setAttr(
      kernel, fused::KernelKindAttr::get(ctx, kind));
  Block &entry = kernel.getBody().front();
  if (!entry.empty() && entry.back().hasTrait<OpTrait::IsTerminator>())
    entry.back().erase();
  return kernel;
}

gpu::GPUFuncOp createKernelShell(fused::KernelOp kernelOp,
                                 gpu::GPUModuleOp module, llvm::StringRef name,
                                 int64_t threads) {
  SmallVector<Type> argTypes;
  auto memrefOf = [](Type t) {
    auto rt = cast<RankedTensorType>(t);
    return MemRefType::get(rt.getShape(), rt.getElementType());
  };
  for (Type t : kernelOp.getInputs().getTypes())
    argTypes.push_back(memrefOf(t));
  for (Type t : kernelOp.getResultTypes())
    argTypes.push_back(memrefOf(t));
  return createKernelShell(
      kernelOp.getLoc(), module, name,
      FunctionType::get(kernelOp.getContext(), argTypes, {}), threads,
      kernelOp.getKind());
}

// Each kind's strategy, defined with it.
const KernelStrategy *gemmStrategy();
const KernelStrategy *attentionStrategy();
const KernelStrategy *elementwiseStrategy();
const KernelStrategy *softmaxStrategy();
const KernelStrategy *reductionStrategy();
const KernelStrategy *normalizationStrategy();
const KernelStrategy *transposeStrategy();
const KernelStrategy *ropeStrategy();

llvm::ArrayRef<const KernelStrategy *> kernelStrategies() {
  // The registry: one line per kernel kind.
  static const KernelStrategy *const all[] = {
      gemmStrategy(),
      attentionStrategy(),
      elementwiseStrategy(),
      softmaxStrategy(),
      reductionStrategy(),
      normalizationStrategy(),
      transposeStrategy(),
      ropeStrategy(),
  };
  return all;
}

const KernelStrategy *strategyFor(fused::KernelKind kind) {
  for (const KernelStrategy *s : kernelStrategies())
    if (s->kind() == kind)
      return s;
  return nullptr;
}

std::string supportedKernelKinds() {
  std::string s;
  llvm::ArrayRef<const KernelStrategy *> all = kernelStrategies();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i)
      s += i + 1 == all.size() ? " and " : ", ";
    s += all[i]->name().str();
  }
  return s + " kernels";
}

/// The alignment in bytes that kernel `k` assumes of each argument: the
/// widest alignment any of its accesses to that buffer declares (16-byte
/// cp.async copies and vector accesses; element loads and stores need
/// their element's size).
SmallVector<int64_t> kernelArgumentAlignments(gpu::GPUFuncOp k) {
  SmallVector<int64_t> align(k.getNumArguments(), 1);
  auto rootArg = [&](Value v) -> int {
    while (Operation *def = v.getDefiningOp()) {
      if (!isa<memref::SubViewOp, memref::CastOp, memref::ReinterpretCastOp,
               memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
        return -1;
      v = def->getOperand(0);
    }
    auto ba = dyn_cast<BlockArgument>(v);
    return ba && ba.getOwner() == &k.getBody().front()
               ? static_cast<int>(ba.getArgNumber())
               : -1;
  };
  auto need = [&](Value memref, int64_t bytes) {
    int i = rootArg(memref);
    if (i >= 0 && i < static_cast<int>(align.size()))
      align[i] = std::max(align[i], bytes);
  };
  auto elementBytes = [](Value memref) -> int64_t {
    auto t = cast<MemRefType>(memref.getType());
    return std::max<int64_t>(1, t.getElementTypeBitWidth() / 8);
  };
  k.walk([&](Operation *op) {
    if (auto l = dyn_cast<vector::LoadOp>(op))
      need(l.getBase(), l.getAlignment() ? int64_t(*l.getAlignment())
                                         : elementBytes(l.getBase()));
    else if (auto st = dyn_cast<vector::StoreOp>(op))
      need(st.getBase(), st.getAlignment() ? int64_t(*st.getAlignment())
                                           : elementBytes(st.getBase()));
    else if (auto cp = dyn_cast<nvgpu::DeviceAsyncCopyOp>(op))
      need(cp.getSrc(), cp.getDstElements().getZExtValue() *
                            elementBytes(cp.getSrc()));
    else if (auto ml = dyn_cast<memref::LoadOp>(op))
      need(ml.getMemRef(), elementBytes(ml.getMemRef()));
    else if (auto ms = dyn_cast<memref::StoreOp>(op))
      need(ms.getMemRef(), elementBytes(ms.getMemRef()));
  });
  return align;
}

bool inputsStartAligned(fused::KernelOp kernel, int64_t bytes) {
  return llvm::all_of(kernel.getInputs(), [&](Value in) {
    return llvm::all_of(viewByteOffset(in).terms(),
                        [&](const SizeTerm &t) { return t.coeff % bytes == 0; });
  });
}

LogicalResult checkStaticInputs(fused::KernelOp kernel, StringRef kind) {
  for (Value v : kernel.getInputs())
    if (!cast<RankedTensorType>(v.getType()).hasStaticShape()) {
      if (kind.empty())
        return kernel.emitOpError()
                   << "code generation needs static shapes, got "
                   << v.getType(),
               failure();
      return kernel.emitOpError()
                 << kind
                 << " code generation needs static shapes so far, got "
                 << v.getType(),
             failure();
    }
  return success();
}

LogicalResult checkDynamicLeadingOnly(fused::KernelOp kernel, StringRef kind) {
  auto check = [&](Value v) -> LogicalResult {
    auto t = cast<RankedTensorType>(v.getType());
    for (int64_t d = 1; d < t.getRank(); ++d)
      if (t.isDynamicDim(d))
        return kernel.emitOpError()
                   << kind
                   << " code generation takes a dynamic size (?) in the "
                      "first dimension only, got "
                   << t,
               failure();
    return success();
  };
  for (Value v : kernel.getInputs())
    if (failed(check(v)))
      return failure();
  for (Value v : kernel.getResults())
    if (failed(check(v)))
      return failure();
  return success();
}

double functionFlops(func::FuncOp func) {
  double flops = 0;
  func.walk([&](Operation *op) {
    for (const KernelStrategy *s : kernelStrategies())
      if (std::optional<double> f = s->flops(op)) {
        flops += *f;
        return;
      }
  });
  return flops;
}

} // namespace fused
