//===- ElementwiseStrategy.cpp - chains of elementwise ops, one kernel ----===//
//
// The elementwise strategy: a `fused.kernel elementwise` (a chain of
// elementwise ops of one result shape whose other operands broadcast to it,
// numpy style) becomes one GPU kernel in which each thread computes V
// consecutive output elements: 16 bytes of the widest operand where the
// innermost dimension allows, else one. Operands that span the innermost
// dimension are read with vector accesses, operands broadcast along it
// with one element; every op is computed in f32 and its result rounded to
// its element type, as the reference does. Where an operand spans the
// innermost dimension but is broadcast along all the others (a bias row),
// each thread keeps its lanes of it and computes the same columns of
// several rows, so that it is read from global memory once for all of them.
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
  /// Rows each thread computes (static shapes with a broadcast row
  /// operand): the grid's x walks blocks of `rowsPerThread` rows, its y the
  /// row's accesses in blocks of kThreads.
  int64_t rowsPerThread = 1;
  int64_t rowLength() const { return shape.back(); }
  int64_t rows() const { return elements / shape.back(); }
};

/// Whether `arg` (an operand of a chain of `p`'s shape) spans the innermost
/// dimension and is broadcast along all the others.
bool isBroadcastRow(const ChainProblem &p, Value arg) {
  auto t = cast<ShapedType>(arg.getType());
  if (t.getRank() == 0 || t.getShape().back() != p.rowLength() ||
      p.rowLength() == 1)
    return false;
  return llvm::all_of(t.getShape().drop_back(),
                      [](int64_t d) { return d == 1; });
}

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
  // Broadcast rows: enough rows per thread that reading them adds at most
  // 1/32 to the bytes the rows move (at most 64 rows).
  if (!p.dynamic && p.rows() > 1) {
    int64_t rowBytes = elementBytes(outEt), broadcastBytes = 0;
    for (Value v : body.getArguments())
      (isBroadcastRow(p, v) ? broadcastBytes : rowBytes) +=
          elementBytes(elementTypeOf(v));
    if (broadcastBytes > 0)
      p.rowsPerThread = std::min<int64_t>(
          p.rows(), std::clamp<int64_t>(
                        (32 * broadcastBytes + rowBytes - 1) / rowBytes, 1,
                        64));
  }
  return p;
}

/// An operand's `vector` lanes at output multi-index `outIndex`, as f32:
/// operands that span the innermost dimension with one vector access,
/// those broadcast along it with one element, splat.
SmallVector<Value> loadOperand(const ChainProblem &p, Value memref, RB &gr,
                               ArrayRef<Value> outIndex) {
  auto t = cast<MemRefType>(memref.getType());
  int64_t r = t.getRank();
  int64_t rank = static_cast<int64_t>(outIndex.size());
  SmallVector<Value> index;
  for (int64_t d = 0; d < r; ++d)
    index.push_back(t.getShape()[d] == 1 ? gr.idx(0)
                                         : outIndex[rank - r + d]);
  bool spans = r > 0 && t.getShape().back() == p.shape.back() &&
               p.shape.back() != 1;
  SmallVector<Value> values = ::fused::kernel_builders::loadF32(
      gr, memref, index, spans ? p.vector : 1);
  if (values.size() == 1)
    values.assign(p.vector, values[0]);
  return values;
}

/// The chain at output multi-index `outIndex` (each thread's `vector`
/// lanes), its result stored; `lanes` may hold operands already loaded.
void emitChainAt(const ChainProblem &p, KernelOp kernelOp,
                 gpu::GPUFuncOp kernel, OpBuilder &g, Location loc,
                 ArrayRef<Value> outIndex,
                 llvm::DenseMap<Value, SmallVector<Value>> lanes) {
  Block &entry = kernel.getBody().front();
  Block &body = kernelOp.getBody().front();
  RB gr{g, loc};
  Type f32 = g.getF32Type();
  for (BlockArgument arg : body.getArguments())
    if (!lanes.count(arg))
      lanes[arg] = loadOperand(p, entry.getArgument(arg.getArgNumber()), gr,
                               outIndex);

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
}

/// The kernel with a broadcast row (ChainProblem::rowsPerThread): thread
/// (x, y) loads its lanes of the broadcast rows once, then computes them
/// for rows x * rowsPerThread onwards.
void buildRowBlockedChain(const ChainProblem &p, KernelOp kernelOp,
                          gpu::GPUFuncOp kernel, OpBuilder &b, Location loc) {
  Block &entry = kernel.getBody().front();
  Block &body = kernelOp.getBody().front();
  RB r{b, loc};
  int64_t rowAccesses = p.rowLength() / p.vector;
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value rowBlock = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value colBlock = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value access = r.addi(r.muli(colBlock, kThreads), tid);
  OpBuilder g = b;
  if (rowAccesses % kThreads != 0) {
    auto guard = scf::IfOp::create(b, loc, r.ult(access, rowAccesses), false);
    g = OpBuilder::atBlockBegin(guard.thenBlock());
  }
  RB gr{g, loc};
  Value col = gr.muli(access, p.vector);
  llvm::DenseMap<Value, SmallVector<Value>> rowLanes;
  for (BlockArgument arg : body.getArguments())
    if (isBroadcastRow(p, arg)) {
      Value memref = entry.getArgument(arg.getArgNumber());
      int64_t rank = cast<MemRefType>(memref.getType()).getRank();
      SmallVector<Value> index(rank - 1, gr.idx(0));
      index.push_back(col);
      rowLanes[arg] = ::fused::kernel_builders::loadF32(gr, memref, index,
                                                        p.vector);
    }
  Value first = gr.muli(rowBlock, p.rowsPerThread);
  Value last = arith::MinUIOp::create(
      g, loc, gr.addi(first, gr.idx(p.rowsPerThread)), gr.idx(p.rows()));
  auto loop = scf::ForOp::create(g, loc, first, last, gr.idx(1));
  OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
  lb.setInsertionPoint(loop.getBody()->getTerminator());
  RB lr{lb, loc};
  // The row's leading indices, then the column.
  SmallVector<Value> outIndex = ::fused::kernel_builders::delinearize(
      lr, loop.getInductionVar(), ArrayRef<int64_t>(p.shape).drop_back());
  outIndex.push_back(col);
  emitChainAt(p, kernelOp, kernel, lb, loc, outIndex, rowLanes);
}

LogicalResult buildChainKernel(const ChainProblem &p, KernelOp kernelOp,
                               gpu::GPUFuncOp kernel) {
  Location loc = kernelOp.getLoc();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  if (p.rowsPerThread > 1) {
    buildRowBlockedChain(p, kernelOp, kernel, b, loc);
    gpu::ReturnOp::create(b, loc);
    return success();
  }
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
  emitChainAt(p, kernelOp, kernel, g, loc, outIndex,
              llvm::DenseMap<Value, SmallVector<Value>>());
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
    if (p->rowsPerThread > 1) {
      setLaunch(shell,
                {(p->rows() + p->rowsPerThread - 1) / p->rowsPerThread,
                 (p->rowLength() / p->vector + kThreads - 1) / kThreads, 1},
                {kThreads, 1, 1}, 0);
      return shell;
    }
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

  llvm::json::Array gridFormula(gpu::GPUFuncOp kernel) const override {
    // A kernel with a broadcast row walks blocks of rows along x.
    bool rowBlocked = false;
    kernel.walk([&](gpu::BlockIdOp op) {
      rowBlocked |= op.getDimension() == gpu::Dimension::y;
    });
    if (rowBlocked)
      return llvm::json::Array{
          "ceil(rows / rows per thread)",
          "ceil(row length / (" + std::to_string(kThreads) + " x vector))",
          "1"};
    return llvm::json::Array{"ceil(elements / (" + std::to_string(kThreads) +
                                 " x vector))",
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
