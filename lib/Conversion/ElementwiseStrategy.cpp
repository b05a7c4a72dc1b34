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
// Rows that are not whole sectors would share a sector with the next row,
// requested twice: with a broadcast row, a block copies its rows to shared
// memory and back as flat ranges (ChainProblem::flatRows).
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
using fused::kernel_builders::FlatRange;
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
  /// Rows that are not whole sectors with a broadcast row (static shapes,
  /// operands of the result's shape or broadcast rows): a block copies its
  /// `rowsPerBlock` consecutive rows of each operand to shared memory and
  /// the results back as flat ranges (FlatRange), its warps compute the
  /// rows there, each lane the same columns of every row, holding its
  /// lanes of the broadcast rows.
  bool flatRows = false;
  int64_t rowsPerBlock = 1;
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

/// Whether `arg` has the chain's (static) shape.
bool isFull(const ChainProblem &p, Value arg) {
  return cast<ShapedType>(arg.getType()).getShape() == ArrayRef(p.shape);
}

/// The flat copies a block of `p` holds in shared memory: each operand of
/// the result's shape, then the result, as FlatRanges.
SmallVector<std::pair<Value, FlatRange>> flatCopies(const ChainProblem &p,
                                                    KernelOp kernel) {
  SmallVector<std::pair<Value, FlatRange>> copies;
  auto range = [&](Type et) {
    return FlatRange{et, p.rowsPerBlock, p.rowLength(), p.rows(), kThreads};
  };
  for (BlockArgument arg : kernel.getBody().front().getArguments())
    if (isFull(p, arg))
      copies.push_back({arg, range(elementTypeOf(arg))});
  copies.push_back({p.result, range(elementTypeOf(p.result))});
  return copies;
}

/// The bytes of a broadcast row's copy in shared memory, rounded up to 16.
int64_t rowCopyBytes(const ChainProblem &p, Value arg) {
  return (p.rowLength() * elementBytes(elementTypeOf(arg)) + 15) / 16 * 16;
}

int64_t flatSharedBytes(const ChainProblem &p, KernelOp kernel) {
  int64_t bytes = 0;
  for (auto &[v, f] : flatCopies(p, kernel))
    bytes += f.bufferBytes();
  for (BlockArgument arg : kernel.getBody().front().getArguments())
    if (isBroadcastRow(p, arg))
      bytes += rowCopyBytes(p, arg);
  return bytes;
}

/// Rows of at most 1024 elements, some operand's not whole sectors, with a
/// broadcast row, every operand of the result's shape or a broadcast row:
/// by flat ranges (ChainProblem::flatRows), enough rows per block that the
/// range is at least 1 KiB and that the broadcast rows add at most 1/32.
void configureFlatRows(ChainProblem &p, KernelOp kernel, int64_t rowBytes,
                       int64_t broadcastBytes) {
  Block &body = kernel.getBody().front();
  bool straddles = (p.rowLength() * elementBytes(elementTypeOf(p.result))) %
                       32 != 0;
  for (BlockArgument arg : body.getArguments()) {
    if (!isFull(p, arg) && !isBroadcastRow(p, arg))
      return;
    straddles |= isFull(p, arg) &&
                 p.rowLength() * elementBytes(elementTypeOf(arg)) % 32 != 0;
  }
  if (!straddles || p.rowLength() > 1024 ||
      !::fused::inputsStartAligned(kernel, 16))
    return;
  ChainProblem q = p;
  q.flatRows = true;
  q.vector = 1;
  q.rowsPerThread = 1;
  int64_t outRow = p.rowLength() * elementBytes(elementTypeOf(p.result));
  q.rowsPerBlock = std::min<int64_t>(
      p.rows(),
      std::clamp<int64_t>(
          std::max((1024 + outRow - 1) / outRow,
                   (32 * broadcastBytes + rowBytes - 1) / rowBytes),
          8, 64));
  if (flatSharedBytes(q, kernel) <= 48 * 1024)
    p = q;
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
    if (broadcastBytes > 0)
      configureFlatRows(p, kernel, rowBytes, broadcastBytes);
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

/// The chain's result on each thread's `vector` lanes, from the lanes of
/// its operands (`lanes`, every block argument's).
SmallVector<Value> chainLanes(const ChainProblem &p, OpBuilder &g,
                              Location loc,
                              llvm::DenseMap<Value, SmallVector<Value>> lanes) {
  Type f32 = g.getF32Type();

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
  return lanes.lookup(p.result);
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
  for (BlockArgument arg : body.getArguments())
    if (!lanes.count(arg))
      lanes[arg] = loadOperand(p, entry.getArgument(arg.getArgNumber()), gr,
                               outIndex);
  ::fused::kernel_builders::storeF32(
      gr, chainLanes(p, g, loc, lanes),
      entry.getArgument(body.getNumArguments()), outIndex);
}

/// The kernel of ChainProblem::flatRows.
void buildFlatRowsChain(const ChainProblem &p, KernelOp kernelOp,
                        gpu::GPUFuncOp kernel, OpBuilder &b, Location loc) {
  using namespace ::fused::kernel_builders;
  Block &entry = kernel.getBody().front();
  Block &body = kernelOp.getBody().front();
  RB r{b, loc};
  int64_t n = p.rowLength(), columns = (n + 31) / 32;
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = r.remi(tid, 32), warp = r.divi(tid, 32);
  Value first = r.muli(bid, p.rowsPerBlock);
  Value count = arith::MinSIOp::create(
      b, loc, r.idx(p.rowsPerBlock),
      arith::SubIOp::create(b, loc, r.idx(p.rows()), first));
  Value start = r.muli(first, n), length = r.muli(count, n);
  auto wg = gpu::AddressSpaceAttr::get(b.getContext(),
                                       gpu::AddressSpace::Workgroup);
  Value base = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), wg));
  // Each copy: its view, its range and where the view starts.
  struct Copy {
    Value view, global;
    FlatRange range;
    Value alignedStart;
  };
  llvm::DenseMap<Value, Copy> copies;
  int64_t offset = 0;
  Value out = entry.getArgument(body.getNumArguments());
  for (auto &[v, f] : flatCopies(p, kernelOp)) {
    int64_t bytes = f.bufferBytes();
    Copy c{memref::ViewOp::create(
               b, loc,
               MemRefType::get({bytes / elementBytes(f.elemType)}, f.elemType,
                               MemRefLayoutAttrInterface(), wg),
               base, r.idx(offset), ValueRange{}),
           Value(), f,
           arith::SubIOp::create(b, loc, start, r.remi(start, f.full()))};
    offset += bytes;
    bool isResult = v == p.result;
    c.global = flatView(
        b, loc,
        isResult ? out
                 : entry.getArgument(cast<BlockArgument>(v).getArgNumber()));
    if (!isResult)
      copyFlat(r, f, tid, c.global, c.view, start, length, c.alignedStart,
               /*toShared=*/true);
    copies[v] = c;
  }
  // The broadcast rows, copied to shared memory once per block (their
  // threads taking consecutive elements).
  llvm::DenseMap<Value, Value> rowCopies;
  for (BlockArgument arg : body.getArguments()) {
    if (!isBroadcastRow(p, arg))
      continue;
    Value memref = entry.getArgument(arg.getArgNumber());
    Type et = elementTypeOf(arg);
    Value copy = memref::ViewOp::create(
        b, loc,
        MemRefType::get({rowCopyBytes(p, arg) / elementBytes(et)}, et,
                        MemRefLayoutAttrInterface(), wg),
        base, r.idx(offset), ValueRange{});
    offset += rowCopyBytes(p, arg);
    Value flat = flatView(b, loc, memref);
    auto loop = scf::ForOp::create(b, loc, tid, r.idx(n), r.idx(kThreads));
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    lb.setInsertionPoint(loop.getBody()->getTerminator());
    Value v = memref::LoadOp::create(lb, loc, flat, loop.getInductionVar());
    memref::StoreOp::create(lb, loc, v, copy, loop.getInductionVar());
    rowCopies[arg] = copy;
  }
  gpu::BarrierOp::create(b, loc);
  // This lane's columns of the broadcast rows, once.
  llvm::DenseMap<Value, SmallVector<Value>> rowLanes;
  for (auto &[arg, copy] : rowCopies)
    for (int64_t k = 0; k < columns; ++k) {
      Value col = r.addi(lane, r.idx(32 * k));
      col = arith::MinUIOp::create(b, loc, col, r.idx(n - 1));
      rowLanes[arg].push_back(loadF32(r, copy, ValueRange{col}, 1)[0]);
    }
  // Warp w computes rows w, w + 8, ... of the block's, each lane its
  // columns.
  auto loop = scf::ForOp::create(b, loc, warp, count, r.idx(kThreads / 32));
  {
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    lb.setInsertionPoint(loop.getBody()->getTerminator());
    RB lr{lb, loc};
    Value rowStart = lr.muli(lr.addi(first, loop.getInductionVar()), n);
    for (int64_t k = 0; k < columns; ++k) {
      Value col = lr.addi(lane, lr.idx(32 * k));
      OpBuilder g = lb;
      if (32 * (k + 1) > n) {
        auto guard = scf::IfOp::create(lb, loc, lr.ult(col, n), false);
        g = OpBuilder::atBlockBegin(guard.thenBlock());
      }
      RB gr{g, loc};
      Value at = gr.addi(rowStart, col);
      auto local = [&](const Copy &c) {
        return arith::SubIOp::create(g, loc, at, c.alignedStart).getResult();
      };
      llvm::DenseMap<Value, SmallVector<Value>> lanes;
      for (BlockArgument arg : body.getArguments())
        lanes[arg] = isBroadcastRow(p, arg)
                         ? SmallVector<Value>{rowLanes[arg][k]}
                         : loadF32(gr, copies[arg].view,
                                   ValueRange{local(copies[arg])}, 1);
      const Copy &res = copies[p.result];
      storeF32(gr, chainLanes(p, g, loc, lanes), res.view,
               ValueRange{local(res)});
    }
  }
  gpu::BarrierOp::create(b, loc);
  const Copy &res = copies[p.result];
  copyFlat(r, res.range, tid, res.global, res.view, start, length,
           res.alignedStart, /*toShared=*/false);
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
  if (p.flatRows) {
    buildFlatRowsChain(p, kernelOp, kernel, b, loc);
    gpu::ReturnOp::create(b, loc);
    return success();
  }
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
    if (p->flatRows) {
      setLaunch(shell,
                {(p->rows() + p->rowsPerBlock - 1) / p->rowsPerBlock, 1, 1},
                {kThreads, 1, 1}, flatSharedBytes(*p, kernel));
      return shell;
    }
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
    bool flat = false;
    kernel.walk([&](gpu::DynamicSharedMemoryOp) { flat = true; });
    if (flat)
      return llvm::json::Array{"ceil(rows / rows per block)", "1", "1"};
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
