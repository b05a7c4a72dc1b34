//===- ElementwiseStrategy.cpp - chains of elementwise ops, one kernel ----===//
//
// The elementwise strategy: a `fused.kernel elementwise` (a chain of
// elementwise ops of one result shape whose other operands broadcast to it,
// numpy style) becomes one GPU kernel in which each thread computes V
// consecutive output elements: 16 bytes of the widest operand where the
// innermost dimension allows, else one. Operands that span the innermost
// dimension are read with vector accesses, operands broadcast along it
// with one element; every op is computed in f32 and its result rounded to
// its element type, as the reference does.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders.h"
#include "fused/Conversion/Elementwise.h"
#include "fused/Conversion/KernelStrategy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace fused::fused;
using fused::kernel_builders::elementBytes;
using fused::kernel_builders::RB;

namespace {

constexpr int64_t kThreads = 256;

struct ChainProblem {
  SmallVector<Operation *> ops;
  Value result; // the yielded value
  SmallVector<int64_t> shape;
  /// The elements of the result when it is static; with dynamic
  /// dimensions, the product of the static ones.
  int64_t elements = 0;
  bool dynamic = false;
  int64_t vector = 1;
};

Type elementTypeOf(Value v) {
  return cast<ShapedType>(v.getType()).getElementType();
}

FailureOr<ChainProblem> analyzeChain(KernelOp kernel) {
  ChainProblem p;
  Block &body = kernel.getBody().front();
  for (Operation &op : body.without_terminator()) {
    // Splat constants become immediates.
    if (op.getNumResults() == 1 && ::fused::splatConstant(op.getResult(0)))
      continue;
    if (!isa<ElementwiseOpInterface>(op))
      return op.emitOpError() << "elementwise code generation handles "
                                 "elementwise ops only",
             failure();
    p.ops.push_back(&op);
  }
  auto yield = body.getTerminator();
  if (p.ops.empty() || yield->getNumOperands() != 1)
    return kernel.emitOpError()
               << "elementwise code generation needs a chain yielding one "
                  "value",
           failure();
  p.result = yield->getOperand(0);
  auto out = cast<RankedTensorType>(p.result.getType());
  // Dynamic sizes anywhere but in the innermost dimension.
  for (Value v : llvm::concat<Value>(kernel.getInputs(), kernel.getResults())) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() > 0 && t.isDynamicDim(t.getRank() - 1) &&
        !(t.getRank() == 1 && t == out))
      return kernel.emitOpError()
                 << "elementwise code generation takes dynamic sizes (?) "
                    "outside the innermost dimension only, got "
             << t,
             failure();
  }
  p.dynamic = !out.hasStaticShape();
  int64_t inner = 1;
  for (int64_t d = 0; d < out.getRank(); ++d)
    if (!out.isDynamicDim(d))
      inner *= out.getDimSize(d);
  if (out.getRank() == 0 || inner == 0 ||
      (!p.dynamic && out.getNumElements() == 0))
    return kernel.emitOpError()
               << "elementwise code generation needs a non-empty result of "
                  "rank 1 or more, got "
               << out,
           failure();
  int64_t widest = elementBytes(out.getElementType());
  for (Value v : body.getArguments()) {
    Type et = elementTypeOf(v);
    if (!et.isF16() && !et.isBF16() && !et.isF32())
      return kernel.emitOpError()
                 << "elementwise code generation supports f16, bf16 and f32, "
                    "got "
                 << et,
             failure();
    widest = std::max(widest, elementBytes(et));
  }
  Type outEt = out.getElementType();
  if (!outEt.isF16() && !outEt.isBF16() && !outEt.isF32())
    return kernel.emitOpError()
               << "elementwise code generation supports f16, bf16 and f32, got "
               << outEt,
           failure();
  p.shape.assign(out.getShape().begin(), out.getShape().end());
  p.elements = inner;
  p.vector = 16 / widest;
  // (A dynamic innermost dimension, a dynamic vector: one element a time.)
  while (p.vector > 1 && (ShapedType::isDynamic(p.shape.back()) ||
                          p.shape.back() % p.vector != 0))
    p.vector /= 2;
  return p;
}

LogicalResult buildChainKernel(const ChainProblem &p, KernelOp kernelOp,
                               gpu::GPUFuncOp kernel) {
  Location loc = kernelOp.getLoc();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  auto idx = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };
  Block &body = kernelOp.getBody().front();
  int64_t rank = static_cast<int64_t>(p.shape.size());
  int64_t accesses = p.elements / p.vector;
  int64_t blocks = (accesses + kThreads - 1) / kThreads;

  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value access = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, bid, idx(b, kThreads)), tid);
  OpBuilder in = b;
  // Dynamic sizes, from the output's descriptor.
  RB rb{b, loc};
  SmallVector<Value> sizes;
  Value total = ::fused::kernel_builders::timesDynamicSizes(
      rb, entry.getArgument(body.getNumArguments()), accesses, &sizes);
  if (p.dynamic || blocks * kThreads != accesses) {
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, access,
                                     total);
    auto guard = scf::IfOp::create(b, loc, ok, false);
    in = OpBuilder::atBlockBegin(guard.thenBlock());
  }
  OpBuilder &g = in;
  RB gr{g, loc};

  // The output element of the chunk's first lane, as a multi-index.
  Value flat = arith::MulIOp::create(g, loc, access, idx(g, p.vector));
  SmallVector<Value> outIndex(rank);
  Value rest = flat;
  for (int64_t d = rank - 1; d >= 0; --d) {
    Value size = sizes[d] ? sizes[d] : idx(g, p.shape[d]);
    outIndex[d] =
        d == 0 ? rest : arith::RemUIOp::create(g, loc, rest, size).getResult();
    if (d > 0)
      rest = arith::DivUIOp::create(g, loc, rest, size);
  }

  // Each operand's V lanes, as f32.
  Type f32 = g.getF32Type();
  llvm::DenseMap<Value, SmallVector<Value>> lanes;
  for (BlockArgument arg : body.getArguments()) {
    Value memref = entry.getArgument(arg.getArgNumber());
    auto t = cast<MemRefType>(memref.getType());
    int64_t r = t.getRank();
    SmallVector<Value> index;
    for (int64_t d = 0; d < r; ++d)
      index.push_back(t.getShape()[d] == 1 ? idx(g, 0)
                                           : outIndex[rank - r + d]);
    // Operands broadcast along the innermost dimension: one element, splat.
    bool spans = r > 0 && t.getShape().back() == p.shape.back() &&
                 p.shape.back() != 1;
    SmallVector<Value> values =
        ::fused::kernel_builders::loadF32(gr, memref, index,
                                          spans ? p.vector : 1);
    if (values.size() == 1)
      values.assign(p.vector, values[0]);
    lanes[arg] = values;
  }

  // The chain, lane by lane, each result rounded to its element type.
  auto roundTo = [&](Value v, Type t) -> Value {
    if (t.isF32())
      return v;
    Value n = arith::TruncFOp::create(g, loc, t, v);
    return arith::ExtFOp::create(g, loc, f32, n);
  };
  for (Operation *op : p.ops) {
    SmallVector<Value> out;
    for (int64_t i = 0; i < p.vector; ++i) {
      SmallVector<Value> operands;
      for (Value o : op->getOperands()) {
        auto it = lanes.find(o);
        operands.push_back(it != lanes.end()
                               ? it->second[i]
                               : ::fused::splatConstantF32(g, loc, o));
      }
      Value res = cast<ElementwiseOpInterface>(op).emitF32(g, loc, operands);
      out.push_back(roundTo(res, elementTypeOf(op->getResult(0))));
    }
    lanes[op->getResult(0)] = out;
  }

  ::fused::kernel_builders::storeF32(
      gr, lanes.lookup(p.result), entry.getArgument(body.getNumArguments()),
      outIndex);
  gpu::ReturnOp::create(b, loc);
  return success();
}

struct ElementwiseStrategy : fused::MemoryBoundStrategy {
  KernelKind kind() const override { return KernelKind::elementwise; }
  bool roots(Operation *op) const override {
    return isa<ElementwiseOpInterface>(op);
  }

  LogicalResult checkSupported(KernelOp kernel,
                               const fused::Target &) const override {
    return analyzeChain(kernel);
  }

  FailureOr<gpu::GPUFuncOp> buildGpuKernel(KernelOp kernel,
                                           const fused::Target &,
                                           gpu::GPUModuleOp module,
                                           StringRef name) const override {
    FailureOr<ChainProblem> p = analyzeChain(kernel);
    if (failed(p))
      return failure();
    gpu::GPUFuncOp shell =
        fused::createKernelShell(kernel, module, name, kThreads);
    if (failed(buildChainKernel(*p, kernel, shell)))
      return failure();
    int64_t accesses = p->elements / p->vector;
    if (p->dynamic) {
      // ceil(accesses / threads), the dynamic sizes from the output.
      setLaunch(shell, {0, 1, 1}, {kThreads, 1, 1}, 0, 1,
                {fused::ceilDivExpr(
                     fused::timesDynamicSizesExpr(
                         accesses, kernel.getInputs().size(), p->shape),
                     kThreads),
                 "", ""});
      return shell;
    }
    setLaunch(shell, {(accesses + kThreads - 1) / kThreads, 1, 1},
              {kThreads, 1, 1}, 0);
    return shell;
  }

  llvm::json::Array gridFormula(gpu::GPUFuncOp) const override {
    return llvm::json::Array{"ceil(elements / (" + std::to_string(kThreads) + " x vector))",
            "1", "1"};
  }
};

} // namespace

namespace fused {
const KernelStrategy *elementwiseStrategy() {
  static const ElementwiseStrategy s;
  return &s;
}
} // namespace fused
