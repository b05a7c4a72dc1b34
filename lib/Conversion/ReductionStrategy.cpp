//===- ReductionStrategy.cpp - sum and max over one axis ------------------===//
//
// The reduction strategy: a `fused.kernel reduction` (one fused.reduce_sum
// or fused.reduce_max over any axis, keepdim or not) becomes one GPU
// kernel, accumulating in f32 and reading the input once:
//
// - over the innermost axis, a thread block per output element reads its
//   row with 16-byte accesses (one element at a time when the row length
//   does not allow them) and reduces with warp shuffles and one exchange
//   of the warps' partials through shared memory;
// - over any other axis, each thread owns V consecutive output elements
//   (16 bytes where the dimensions after the axis allow) and walks the
//   reduced axis; consecutive threads read consecutive memory. Where those
//   threads would not fill a block (few columns), a block per outer index
//   walks its slab as consecutive 16-byte windows, several rows at a time,
//   and combines its threads' partials in shared memory
//   (ReduceProblem::blockColumns).
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders.h"
#include "fused/Conversion/KernelStrategy.h"

#include <optional>

using namespace mlir;
using namespace fused::fused;
using namespace fused::kernel_builders;

namespace {

constexpr int64_t kColumnThreads = 256;

struct ReduceProblem {
  Operation *op = nullptr;
  bool isMax = false;
  bool keepdim = false;
  SmallVector<int64_t> shape;
  int64_t axis = 0;
  Type elemType;
  /// outer x reduced x inner elements of the input; with a dynamic first
  /// dimension (`dynamic`), its size is left out of outer (or of reduced
  /// when the axis is 0).
  int64_t outer = 1, reduced = 1, inner = 1;
  bool dynamic = false;
  /// Whether the dynamic first dimension is the reduced one.
  bool dynamicReduced() const { return dynamic && axis == 0; }
  int64_t vector = 1;
  /// Row reductions (the innermost axis): threads per row.
  int64_t threads = 32;
  bool innermost() const { return inner == 1; }
  /// A static row that is not whole 16-byte chunks: its head (before its
  /// first 32-byte sector boundary) and tail (after its last whole 16-byte
  /// window) one element per thread, each in a request of its own (head on
  /// threads 0 .. sector - 1, tail on sector .. sector + vector - 1), the
  /// rest in 16-byte windows from that boundary, so that every request
  /// covers whole sectors.
  bool headTail = false;
  int64_t sector() const { return 32 / elementBytes(elemType); }
  /// Column reductions with few columns (blockColumns): a block of
  /// `blockThreads` per outer index reads its slab (reduced x inner,
  /// contiguous) as 16-byte windows, consecutive threads taking
  /// consecutive windows, so that each thread keeps one window's columns
  /// (of `windows()` per row) and the block walks `blockThreads /
  /// windows()` rows at a time; the threads' partials then meet in shared
  /// memory.
  bool blockColumns = false;
  int64_t blockThreads = 0;
  int64_t windows() const { return inner / vector; }
  /// The partials' planes in shared memory (lane l of every thread's
  /// window in plane l): their stride is congruent to 32 / vector modulo
  /// 32, so that a warp reading the partials of 32 consecutive columns
  /// touches 32 banks.
  int64_t planeStride() const {
    int64_t want = 32 / vector;
    return blockThreads + ((want - blockThreads) % 32 + 32) % 32;
  }
};

/// Column reductions whose threads (a window of 16 bytes of each outer
/// index's columns, kColumnThreads per block) would be fewer than a
/// block's, over whole 16-byte rows and slabs that start on sector
/// boundaries (static shapes): a block per outer index
/// (ReduceProblem::blockColumns), an even number of threads (so that every
/// warp's 512 bytes start on a sector boundary), at least two rows at a
/// time, and windows that are not all of a row (a thread's partials
/// would be consecutive to the next thread's, which the backend reads as
/// one).
void configureBlockColumns(ReduceProblem &p, KernelOp kernel) {
  int64_t full = 16 / elementBytes(p.elemType);
  if (p.innermost() || p.dynamic || p.vector != full ||
      p.outer * p.windows() >= kColumnThreads || p.windows() > 128 ||
      p.windows() < 2 ||
      p.reduced < 2 ||
      (p.outer > 1 &&
       p.reduced * p.inner * elementBytes(p.elemType) % 32 != 0) ||
      !::fused::inputsStartAligned(kernel, 16))
    return;
  int64_t threads = kColumnThreads / p.windows() * p.windows();
  if (threads % 2)
    threads -= p.windows();
  p.blockColumns = true;
  p.blockThreads = threads;
}

FailureOr<ReduceProblem> analyzeReduce(KernelOp kernel) {
  Block &body = kernel.getBody().front();
  auto ops = body.without_terminator();
  ReduceProblem p;
  if (std::distance(ops.begin(), ops.end()) != 1)
    return kernel.emitOpError() << "reduction code generation handles a "
                                   "kernel holding one reduce_sum or "
                                   "reduce_max",
           failure();
  p.op = &*ops.begin();
  Value input;
  if (auto s = dyn_cast<ReduceSumOp>(p.op)) {
    input = s.getInput();
    p.axis = s.getNormalizedAxis();
    p.keepdim = s.getKeepdim();
  } else if (auto m = dyn_cast<ReduceMaxOp>(p.op)) {
    input = m.getInput();
    p.axis = m.getNormalizedAxis();
    p.keepdim = m.getKeepdim();
    p.isMax = true;
  } else {
    return p.op->emitOpError()
               << "reduction code generation handles reduce_sum and "
                  "reduce_max",
           failure();
  }
  auto t = cast<RankedTensorType>(input.getType());
  if (failed(::fused::checkDynamicLeadingOnly(kernel, "reduction")))
    return failure();
  p.dynamic = !t.hasStaticShape();
  p.elemType = t.getElementType();
  if (!p.elemType.isF16() && !p.elemType.isBF16() && !p.elemType.isF32())
    return p.op->emitOpError()
               << "reduction code generation supports f16, bf16 and f32, got "
               << p.elemType,
           failure();
  p.shape.assign(t.getShape().begin(), t.getShape().end());
  for (int64_t d = p.dynamic ? 1 : 0; d < t.getRank(); ++d)
    (d < p.axis ? p.outer : d == p.axis ? p.reduced : p.inner) *= p.shape[d];
  if (p.outer * p.reduced * p.inner == 0)
    return p.op->emitOpError()
               << "code generation needs a non-empty input, got " << t,
           failure();
  int64_t bytes = elementBytes(p.elemType);
  int64_t along = p.innermost() ? p.reduced : p.inner;
  p.vector = 16 / bytes;
  // (A dynamic reduced row, rank 1, is read an element at a time.)
  while (p.vector > 1 && (along % p.vector != 0 ||
                          (p.innermost() && p.dynamicReduced())))
    p.vector /= 2;
  if (p.innermost() && !p.dynamicReduced() && p.vector < 16 / bytes &&
      ::fused::inputsStartAligned(kernel, 16)) {
    p.headTail = true;
    p.vector = 16 / bytes;
  }
  if (p.innermost()) {
    int64_t accesses = p.reduced / p.vector;
    p.threads = 32;
    while (p.threads < 512 && p.threads * 8 < accesses)
      p.threads *= 2;
  }
  configureBlockColumns(p, kernel);
  return p;
}

/// Sum (0) or max (-inf) and the combining op.
Value neutral(RB &r, const ReduceProblem &p) {
  return r.f(p.isMax ? -std::numeric_limits<double>::infinity() : 0.0);
}
Value combine(RB &r, const ReduceProblem &p, Value a, Value b) {
  return p.isMax ? r.max(a, b) : r.add(a, b);
}

/// The output index of input index `in` (the axis dropped, or 0 with
/// keepdim).
SmallVector<Value> outputIndex(RB &r, const ReduceProblem &p,
                               ArrayRef<Value> in) {
  SmallVector<Value> out;
  for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d) {
    if (d != p.axis)
      out.push_back(in[d]);
    else if (p.keepdim)
      out.push_back(r.idx(0));
  }
  return out;
}

void buildRowReduce(const ReduceProblem &p, gpu::GPUFuncOp kernel) {
  Location loc = p.op->getLoc();
  MLIRContext *ctx = kernel.getContext();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Value in = entry.getArgument(0), out = entry.getArgument(1);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value row = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  // The row's indices before the axis. Dimensions of size 1 may follow it
  // (inner is 1): the input is read through a view that merges them into
  // the axis, so that vector accesses run along one dimension.
  SmallVector<Value> rowIndex =
      delinearize(r, row, ArrayRef<int64_t>(p.shape).take_front(p.axis));
  int64_t rank = static_cast<int64_t>(p.shape.size());
  int64_t trailing = rank - p.axis - 1;
  if (trailing > 0) {
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < p.axis; ++d)
      groups.push_back({d});
    groups.emplace_back();
    for (int64_t d = p.axis; d < rank; ++d)
      groups.back().push_back(d);
    in = memref::CollapseShapeOp::create(b, loc, in, groups);
  }
  auto inputIndex = [&](Value element) {
    SmallVector<Value> index(rowIndex);
    index.push_back(element);
    return index;
  };
  // The output's index: the row's, the axis dropped or kept at 0.
  auto outputAt = [&](RB &wr) {
    SmallVector<Value> index(rowIndex);
    index.push_back(wr.idx(0));
    index.append(trailing, wr.idx(0));
    return outputIndex(wr, p, index);
  };
  int64_t warps = p.threads / 32;
  Value shared;
  if (warps > 1) {
    auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    Value base = gpu::DynamicSharedMemoryOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                        MemRefLayoutAttrInterface(), wg));
    shared = memref::ViewOp::create(
        b, loc,
        MemRefType::get({1, warps}, b.getF32Type(),
                        MemRefLayoutAttrInterface(), wg),
        base, r.idx(0), ValueRange{});
  }
  // Each thread walks its accesses (tid, tid + threads, ...); a dynamic
  // row length comes from the input's descriptor.
  int64_t accesses = p.reduced / p.vector;
  Value accessCount = r.idx(accesses);
  Value steps = r.idx((accesses + p.threads - 1) / p.threads);
  if (p.dynamicReduced()) {
    accessCount = memref::DimOp::create(b, loc, in, 0);
    steps = r.divi(r.addi(accessCount, r.idx(p.threads - 1)), p.threads);
  }
  // Head and tail: whole windows start at the row's first sector
  // boundary.
  std::optional<WindowedRow> split;
  Value head;
  if (p.headTail) {
    split.emplace(r, tid, r.muli(row, p.reduced), p.reduced, p.vector,
                  p.sector());
    accessCount = split->windows;
    head = split->headLen;
  }
  auto loop = scf::ForOp::create(b, loc, r.idx(0), steps, r.idx(1),
                                 ValueRange{neutral(r, p)});
  {
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    RB lr{lb, loc};
    Value access = lr.addi(tid, lr.muli(loop.getInductionVar(), p.threads));
    Value acc = loop.getRegionIterArgs()[0];
    auto guard = scf::IfOp::create(
        lb, loc, TypeRange{lb.getF32Type()},
        arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::ult, access,
                              accessCount),
        true);
    {
      OpBuilder tb = OpBuilder::atBlockBegin(guard.thenBlock());
      RB tr{tb, loc};
      Value e = tr.muli(access, p.vector);
      SmallVector<Value> index = inputIndex(head ? tr.addi(e, head) : e);
      Value a = acc;
      for (Value v : loadF32(tr, in, index, p.vector))
        a = combine(tr, p, a, v);
      scf::YieldOp::create(tb, loc, a);
    }
    {
      OpBuilder eb = OpBuilder::atBlockBegin(guard.elseBlock());
      scf::YieldOp::create(eb, loc, acc);
    }
    scf::YieldOp::create(lb, loc, guard.getResults());
  }
  Value acc = loop.getResult(0);
  if (p.headTail) {
    // This thread's head element, then its tail element: one load each
    // where it has one.
    auto element = [&](Value has, Value at) {
      auto ifOp = scf::IfOp::create(b, loc, TypeRange{b.getF32Type()}, has,
                                    /*withElseRegion=*/true);
      OpBuilder tb = OpBuilder::atBlockBegin(ifOp.thenBlock());
      RB tr{tb, loc};
      scf::YieldOp::create(tb, loc, loadF32(tr, in, inputIndex(at), 1));
      OpBuilder eb = OpBuilder::atBlockBegin(ifOp.elseBlock());
      RB er{eb, loc};
      scf::YieldOp::create(eb, loc, neutral(er, p));
      return ifOp.getResult(0);
    };
    acc = combine(r, p, acc, element(split->headIn, tid));
    acc = combine(r, p, acc, element(split->tailIn, split->tailAt));
  }
  BlockReduce red{r, tid, shared, warps};
  Value total = red.reduce(acc, p.isMax);
  // Thread 0 writes the row's result.
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                      r.idx(0));
  auto write = scf::IfOp::create(b, loc, first, false);
  {
    OpBuilder wb = OpBuilder::atBlockBegin(write.thenBlock());
    RB wr{wb, loc};
    memref::StoreOp::create(wb, loc, wr.fromF32(total, p.elemType), out,
                            outputAt(wr));
  }
  gpu::ReturnOp::create(b, loc);
}

/// The kernel of ReduceProblem::blockColumns.
void buildBlockColumnReduce(const ReduceProblem &p, gpu::GPUFuncOp kernel) {
  Location loc = p.op->getLoc();
  MLIRContext *ctx = kernel.getContext();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Value in = entry.getArgument(0), out = entry.getArgument(1);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value outer = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  int64_t w = p.windows(), rowsAtATime = p.blockThreads / w;
  // The slab of this outer index as [reduced, inner].
  ArrayRef<int64_t> shape(p.shape);
  SmallVector<ReassociationIndices> groups(3);
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    groups[d < p.axis ? 0 : d == p.axis ? 1 : 2].push_back(d);
  if (groups[0].empty()) {
    // No dimension before the axis: a leading 1.
    in = memref::ExpandShapeOp::create(
        b, loc, MemRefType::get(llvm::to_vector(llvm::concat<const int64_t>(
                                    ArrayRef<int64_t>{1}, shape)),
                                p.elemType),
        in, [&] {
          SmallVector<ReassociationIndices> e(shape.size());
          for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
            e[d] = d == 0 ? ReassociationIndices{0, 1}
                          : ReassociationIndices{d + 1};
          return e;
        }());
    for (auto &g : groups[1])
      ++g;
    for (auto &g : groups[2])
      ++g;
    groups[0] = {0};
  }
  Value slab = memref::CollapseShapeOp::create(b, loc, in, groups);
  Value g = r.remi(tid, w), row0 = r.divi(tid, w);
  Value col = r.muli(g, p.vector);
  SmallVector<Value> init(p.vector, neutral(r, p));
  auto loop = scf::ForOp::create(b, loc, row0, r.idx(p.reduced),
                                 r.idx(rowsAtATime), init);
  {
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    RB lr{lb, loc};
    SmallVector<Value> v = loadF32(
        lr, slab, ValueRange{outer, loop.getInductionVar(), col}, p.vector);
    SmallVector<Value> next;
    for (int64_t i = 0; i < p.vector; ++i)
      next.push_back(combine(lr, p, loop.getRegionIterArgs()[i], v[i]));
    scf::YieldOp::create(lb, loc, next);
  }
  // Lane l of thread t's window at l * planeStride + t.
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  Value base = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), wg));
  int64_t stride = p.planeStride();
  Value partials = memref::ViewOp::create(
      b, loc,
      MemRefType::get({p.vector * stride}, b.getF32Type(),
                      MemRefLayoutAttrInterface(), wg),
      base, r.idx(0), ValueRange{});
  for (int64_t l = 0; l < p.vector; ++l)
    memref::StoreOp::create(b, loc, loop.getResult(l), partials,
                            ValueRange{r.addi(tid, r.idx(l * stride))});
  gpu::BarrierOp::create(b, loc);
  // Column j (threads j, j + blockThreads, ...), from the partials of its
  // window's threads.
  auto cols = scf::ForOp::create(b, loc, tid, r.idx(p.inner),
                                 r.idx(p.blockThreads));
  OpBuilder ib = OpBuilder::atBlockBegin(cols.getBody());
  ib.setInsertionPoint(cols.getBody()->getTerminator());
  RB ir{ib, loc};
  Value j = cols.getInductionVar();
  Value first =
      ir.addi(ir.muli(ir.remi(j, p.vector), stride), ir.divi(j, p.vector));
  auto rows = scf::ForOp::create(ib, loc, ir.idx(0), ir.idx(rowsAtATime),
                                 ir.idx(1), ValueRange{neutral(ir, p)});
  {
    OpBuilder qb = OpBuilder::atBlockBegin(rows.getBody());
    RB qr{qb, loc};
    Value v = memref::LoadOp::create(
        qb, loc, partials,
        ValueRange{qr.addi(first, qr.muli(rows.getInductionVar(), w))});
    scf::YieldOp::create(
        qb, loc, ValueRange{combine(qr, p, rows.getRegionIterArgs()[0], v)});
  }
  // The output: the outer indices, then the column (the reduced axis
  // dropped, or 0 with keepdim).
  SmallVector<Value> index =
      delinearize(ir, outer, shape.take_front(p.axis));
  index.push_back(ir.idx(0));
  index.append(delinearize(ir, j, shape.drop_front(p.axis + 1)));
  storeF32(ir, {rows.getResult(0)}, out, outputIndex(ir, p, index));
  gpu::ReturnOp::create(b, loc);
}

void buildColumnReduce(const ReduceProblem &p, gpu::GPUFuncOp kernel) {
  if (p.blockColumns)
    return buildBlockColumnReduce(p, kernel);
  Location loc = p.op->getLoc();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Value in = entry.getArgument(0), out = entry.getArgument(1);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  int64_t perOuter = p.inner / p.vector;
  int64_t total = p.outer * perOuter;
  int64_t blocks = (total + kColumnThreads - 1) / kColumnThreads;
  Value gid = r.addi(r.muli(bid, kColumnThreads), tid);
  OpBuilder g = b;
  // A dynamic first dimension: in the outputs' count, or the loop's length
  // when it is the reduced one (from the input's descriptor).
  Value totalV = p.dynamicReduced() ? r.idx(total)
                                     : timesDynamicSizes(r, in, total);
  if ((p.dynamic && !p.dynamicReduced()) || blocks * kColumnThreads != total) {
    auto guard = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, gid, totalV),
        false);
    g = OpBuilder::atBlockBegin(guard.thenBlock());
  }
  RB gr{g, loc};
  ArrayRef<int64_t> shape(p.shape);
  SmallVector<Value> outerIndex =
      delinearize(gr, gr.divi(gid, perOuter), shape.take_front(p.axis));
  SmallVector<Value> innerIndex = delinearize(
      gr, gr.muli(gr.remi(gid, perOuter), p.vector), shape.drop_front(p.axis + 1));
  SmallVector<Value> init(p.vector, neutral(gr, p));
  Value reducedV = p.dynamicReduced()
                       ? Value(memref::DimOp::create(g, loc, in, 0))
                       : gr.idx(p.reduced);
  auto loop = scf::ForOp::create(g, loc, gr.idx(0), reducedV, gr.idx(1),
                                 init);
  {
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    RB lr{lb, loc};
    SmallVector<Value> index(outerIndex);
    index.push_back(loop.getInductionVar());
    index.append(innerIndex);
    SmallVector<Value> v = loadF32(lr, in, index, p.vector);
    SmallVector<Value> next;
    for (int64_t i = 0; i < p.vector; ++i)
      next.push_back(combine(lr, p, loop.getRegionIterArgs()[i], v[i]));
    scf::YieldOp::create(lb, loc, next);
  }
  SmallVector<Value> index(outerIndex);
  index.push_back(gr.idx(0));
  index.append(innerIndex);
  storeF32(gr, SmallVector<Value>(loop.getResults()), out,
           outputIndex(gr, p, index));
  gpu::ReturnOp::create(b, loc);
}

struct ReductionStrategy : fused::MemoryBoundStrategy {
  KernelKind kind() const override { return KernelKind::reduction; }
  bool roots(Operation *op) const override {
    return isa<ReduceSumOp, ReduceMaxOp>(op);
  }

  LogicalResult checkSupported(KernelOp kernel,
                               const fused::Target &) const override {
    return analyzeReduce(kernel);
  }

  FailureOr<gpu::GPUFuncOp> buildGpuKernel(KernelOp kernel,
                                           const fused::Target &,
                                           gpu::GPUModuleOp module,
                                           StringRef name) const override {
    FailureOr<ReduceProblem> p = analyzeReduce(kernel);
    if (failed(p))
      return failure();
    int64_t threads = p->innermost()      ? p->threads
                      : p->blockColumns ? p->blockThreads
                                        : kColumnThreads;
    gpu::GPUFuncOp shell =
        fused::createKernelShell(kernel, module, name, threads);
    int64_t grid, shared = 0;
    std::vector<std::string> sizes;
    // With a dynamic first dimension that is not reduced, the grid counts
    // it (the input's).
    bool sized = p->dynamic && !p->dynamicReduced();
    auto inShape = cast<ShapedType>(kernel.getInputs()[0].getType()).getShape();
    if (p->innermost()) {
      buildRowReduce(*p, shell);
      grid = p->outer;
      shared = threads > 32 ? threads / 32 * 4 : 0;
      if (sized)
        sizes = {fused::timesDynamicSizesExpr(p->outer, 0, inShape), "", ""};
    } else if (p->blockColumns) {
      buildColumnReduce(*p, shell);
      grid = p->outer;
      shared = p->vector * p->planeStride() * 4;
    } else {
      buildColumnReduce(*p, shell);
      // Each thread walks its columns with the backend's unrolled loads in
      // flight: without a bound ptxas keeps the registers to those of full
      // occupancy and spills.
      shell->setAttr("nvvm.minctasm",
                     IntegerAttr::get(IntegerType::get(kernel.getContext(), 32),
                                      2));
      int64_t outputs = p->outer * (p->inner / p->vector);
      grid = (outputs + kColumnThreads - 1) / kColumnThreads;
      if (sized)
        sizes = {fused::ceilDivExpr(
                     fused::timesDynamicSizesExpr(outputs, 0, inShape),
                     kColumnThreads),
                 "", ""};
    }
    setLaunch(shell, {grid, 1, 1}, {threads, 1, 1}, shared, 1, sizes);
    return shell;
  }

  llvm::json::Array gridFormula(gpu::GPUFuncOp) const override {
    return llvm::json::Array{"rows (innermost axis) or ceil(outputs / (threads x vector))",
            "1", "1"};
  }
};

} // namespace

namespace fused {
const KernelStrategy *reductionStrategy() {
  static const ReductionStrategy s;
  return &s;
}
} // namespace fused
