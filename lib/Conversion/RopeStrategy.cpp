//===- RopeStrategy.cpp - rotary position embedding -----------------------===//
//
// The RoPE strategy: a `fused.kernel rope` (one fused.rope) becomes one GPU
// kernel that reads x, cos and sin once and writes the result once. x is
// seen as [L, S, D] (L = the product of the leading dimensions). A task is
// one unit of one position s: n rotated pairs (the elements j..j+n and
// j+R/2..j+R/2+n of the half-split form, or 2n consecutive elements of the
// interleaved form) or n pass-through features past R. Consecutive threads
// take consecutive units of a row, so accesses are coalesced: n is what
// one access of the tables holds (16 bytes) and at most 16 bytes of x, so
// with f32 tables and 16-bit x, x moves 8 bytes per access. A thread loads its
// cos and sin once and applies them to every plane of its group: grid y
// splits the L planes into groups only as far as the tables' re-reads stay
// within 5% of the minimum traffic.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders.h"
#include "fused/Conversion/KernelStrategy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace fused::fused;
using namespace fused::kernel_builders;

namespace {

constexpr int64_t kThreads = 256;
/// Threads worth keeping busy before planes are split over grid y.
constexpr int64_t kBusyThreads = 65536;

struct RopeProblem {
  RopeOp op;
  /// positions is 1 with a dynamic length (`dynamic`): tasks() is then per
  /// position.
  int64_t planes = 1, positions = 0, features = 0, rotary = 0;
  bool interleaved = false, dynamic = false;
  Type xType, tableType;
  /// Rotation units per row and the pairs in each; pass-through units and
  /// their features; vector widths of x, of the tables and of the
  /// pass-through copies.
  int64_t rotUnits = 0, pairs = 1, passUnits = 0, passLen = 1;
  int64_t vx = 1, vt = 1, vp = 1;
  int64_t groups = 1, planesPerGroup = 1;
  int64_t tasks() const { return positions * (rotUnits + passUnits); }
};

/// The largest power of two <= `start` that divides every value.
int64_t widest(int64_t start, std::initializer_list<int64_t> divides) {
  int64_t v = start;
  while (v > 1 && llvm::any_of(divides, [&](int64_t d) { return d % v; }))
    v /= 2;
  return v;
}

FailureOr<RopeProblem> analyzeRope(KernelOp kernel) {
  Block &body = kernel.getBody().front();
  auto ops = body.without_terminator();
  RopeProblem p;
  if (std::distance(ops.begin(), ops.end()) != 1 ||
      !(p.op = dyn_cast<RopeOp>(*ops.begin())))
    return kernel.emitOpError()
               << "rope code generation handles a kernel holding one "
                  "fused.rope",
           failure();
  auto x = cast<RankedTensorType>(p.op.getInput().getType());
  auto t = cast<RankedTensorType>(p.op.getCos().getType());
  int64_t r = x.getRank();
  // Dynamic sizes: the positions (S) only, so far.
  for (int64_t d = 0; d < r; ++d)
    if (x.isDynamicDim(d) && d != r - 2)
      return kernel.emitOpError()
                 << "rope code generation takes a dynamic size (?) in the "
                    "positions only, so far, got "
                 << x,
             failure();
  if (t.isDynamicDim(1))
    return kernel.emitOpError()
               << "rope code generation needs a static table width, got " << t,
           failure();
  p.dynamic = x.isDynamicDim(r - 2);
  for (int64_t d = 0; d + 2 < r; ++d)
    p.planes *= x.getDimSize(d);
  p.positions = p.dynamic ? 1 : x.getDimSize(r - 2);
  if (p.planes * p.positions * x.getDimSize(r - 1) == 0)
    return p.op.emitOpError()
               << "code generation needs a non-empty input, got " << x,
           failure();
  p.features = x.getDimSize(r - 1);
  p.rotary = p.op.getRotaryDim();
  p.interleaved = p.op.getInterleaved();
  p.xType = x.getElementType();
  p.tableType = t.getElementType();
  int64_t xv = 16 / elementBytes(p.xType), tv = 16 / elementBytes(p.tableType);
  int64_t half = p.rotary / 2, d = p.features;
  // A unit's pairs take one table access each for cos and sin (so that
  // consecutive threads read consecutive table bytes) and at most 16 bytes
  // of x per access.
  if (p.interleaved) {
    // Units of 2n consecutive elements: n pairs.
    p.pairs = std::max<int64_t>(1, widest(std::min(xv, 2 * tv), {p.rotary}) / 2);
    p.vx = widest(2 * p.pairs, {d});
  } else {
    p.pairs = widest(std::min(xv, tv), {half});
    p.vx = widest(p.pairs, {d, half});
  }
  p.vt = widest(std::min(p.pairs, tv), {half, p.pairs});
  p.rotUnits = half / p.pairs;
  if (d > p.rotary) {
    p.passLen = widest(xv, {d - p.rotary});
    p.vp = widest(p.passLen, {d, p.rotary});
    p.passUnits = (d - p.rotary) / p.passLen;
  }
  // Plane groups: more threads when there are few tasks, as long as the
  // tables' extra reads stay within 5% of the minimum bytes.
  // (Per position: the ratio is the same for every length.)
  double xBytes = double(p.planes) * p.positions * p.features *
                  elementBytes(p.xType);
  double tableBytes = 2.0 * p.positions * t.getDimSize(1) *
                      elementBytes(p.tableType);
  double minimum = 2 * xBytes + tableBytes;
  int64_t byTraffic = 1 + static_cast<int64_t>(0.05 * minimum / tableBytes);
  // With a dynamic length, the plane groups are for short sequences.
  int64_t byThreads = (kBusyThreads + p.tasks() - 1) / p.tasks();
  if (p.dynamic)
    byThreads = p.planes;
  p.groups = std::clamp<int64_t>(std::min(byTraffic, byThreads), 1, p.planes);
  p.planesPerGroup = (p.planes + p.groups - 1) / p.groups;
  p.groups = (p.planes + p.planesPerGroup - 1) / p.planesPerGroup;
  return p;
}

/// `count` elements of row (plane, s) of `memref` from feature `j` as f32,
/// in accesses of `v` elements.
SmallVector<Value> loadRun(RB &r, Value memref, ArrayRef<Value> row, Value j,
                           int64_t count, int64_t v) {
  SmallVector<Value> out;
  for (int64_t k = 0; k < count; k += v) {
    SmallVector<Value> index(row.begin(), row.end());
    index.push_back(k ? r.addi(j, r.idx(k)) : j);
    llvm::append_range(out, loadF32(r, memref, index, v));
  }
  return out;
}

void storeRun(RB &r, ArrayRef<Value> values, Value memref, ArrayRef<Value> row,
              Value j, int64_t v) {
  for (size_t k = 0; k < values.size(); k += v) {
    SmallVector<Value> index(row.begin(), row.end());
    index.push_back(k ? r.addi(j, r.idx(k)) : j);
    storeF32(r, values.slice(k, v), memref, index);
  }
}

void buildRopeKernel(const RopeProblem &p, gpu::GPUFuncOp kernel) {
  Location loc = p.op->getLoc();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Value x = entry.getArgument(0), cosT = entry.getArgument(1),
        sinT = entry.getArgument(2), out = entry.getArgument(3);
  int64_t rank = cast<MemRefType>(x.getType()).getRank();
  if (rank > 3) {
    // [L, S, D]: the leading dimensions as one.
    SmallVector<ReassociationIndices> groups(3);
    for (int64_t d = 0; d < rank; ++d)
      groups[std::min<int64_t>(std::max<int64_t>(d - (rank - 3), 0), 2)]
          .push_back(d);
    x = memref::CollapseShapeOp::create(b, loc, x, groups);
    out = memref::CollapseShapeOp::create(b, loc, out, groups);
  }
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value group = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value task = r.addi(r.muli(bid, kThreads), tid);
  OpBuilder g = b;
  if (p.dynamic || p.tasks() % kThreads) {
    // The tasks: per position, times the positions from the output's
    // descriptor when they are dynamic.
    Value tasks = timesDynamicSizes(r, out, p.tasks());
    auto guard = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, task, tasks),
        false);
    g = OpBuilder::atBlockBegin(guard.thenBlock());
  }
  RB gr{g, loc};
  int64_t units = p.rotUnits + p.passUnits;
  Value s = gr.divi(task, units), unit = gr.remi(task, units);
  Value first = gr.muli(group, p.planesPerGroup);
  Value last = arith::MinUIOp::create(
      g, loc, gr.addi(first, gr.idx(p.planesPerGroup)), gr.idx(p.planes));
  auto rowOf = [&](Value plane) -> SmallVector<Value> {
    if (rank == 2)
      return {s};
    return {plane, s};
  };
  // Applies `body` to every plane of the group.
  auto forPlanes = [&](OpBuilder &ob, function_ref<void(RB &, Value)> body) {
    auto loop = scf::ForOp::create(ob, loc, first, last, RB{ob, loc}.idx(1));
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    RB lr{lb, loc};
    body(lr, loop.getInductionVar());
  };

  auto isRot = arith::CmpIOp::create(g, loc, arith::CmpIPredicate::ult, unit,
                                     gr.idx(p.rotUnits));
  auto branch = scf::IfOp::create(g, loc, isRot, /*withElse=*/p.passUnits > 0);
  {
    OpBuilder ob = OpBuilder::atBlockBegin(branch.thenBlock());
    RB rr{ob, loc};
    Value j = rr.muli(unit, p.pairs); // the unit's first pair
    SmallVector<Value> c = loadRun(rr, cosT, {s}, j, p.pairs, p.vt);
    SmallVector<Value> sn = loadRun(rr, sinT, {s}, j, p.pairs, p.vt);
    forPlanes(ob, [&](RB &lr, Value plane) {
      SmallVector<Value> row = rowOf(plane);
      SmallVector<Value> xa, xb;
      Value ja, jb;
      if (p.interleaved) {
        ja = lr.muli(j, 2);
        SmallVector<Value> both = loadRun(lr, x, row, ja, 2 * p.pairs, p.vx);
        for (int64_t i = 0; i < p.pairs; ++i) {
          xa.push_back(both[2 * i]);
          xb.push_back(both[2 * i + 1]);
        }
      } else {
        ja = j;
        jb = lr.addi(j, lr.idx(p.rotary / 2));
        xa = loadRun(lr, x, row, ja, p.pairs, p.vx);
        xb = loadRun(lr, x, row, jb, p.pairs, p.vx);
      }
      SmallVector<Value> ya, yb;
      for (int64_t i = 0; i < p.pairs; ++i) {
        ya.push_back(lr.sub(lr.mul(xa[i], c[i]), lr.mul(xb[i], sn[i])));
        yb.push_back(lr.add(lr.mul(xb[i], c[i]), lr.mul(xa[i], sn[i])));
      }
      if (p.interleaved) {
        SmallVector<Value> both;
        for (int64_t i = 0; i < p.pairs; ++i)
          both.append({ya[i], yb[i]});
        storeRun(lr, both, out, row, ja, p.vx);
      } else {
        storeRun(lr, ya, out, row, ja, p.vx);
        storeRun(lr, yb, out, row, jb, p.vx);
      }
    });
  }
  if (p.passUnits > 0) {
    OpBuilder ob = OpBuilder::atBlockBegin(branch.elseBlock());
    RB rr{ob, loc};
    Value j = rr.addi(rr.muli(rr.addi(unit, rr.idx(-p.rotUnits)), p.passLen),
                      rr.idx(p.rotary));
    forPlanes(ob, [&](RB &lr, Value plane) {
      SmallVector<Value> row = rowOf(plane);
      storeRun(lr, loadRun(lr, x, row, j, p.passLen, p.vp), out, row, j,
               p.vp);
    });
  }
  gpu::ReturnOp::create(b, loc);
}

struct RopeStrategy : fused::MemoryBoundStrategy {
  KernelKind kind() const override { return KernelKind::rope; }
  bool roots(Operation *op) const override { return isa<RopeOp>(op); }

  LogicalResult checkSupported(KernelOp kernel,
                               const fused::Target &) const override {
    return analyzeRope(kernel);
  }

  FailureOr<gpu::GPUFuncOp> buildGpuKernel(KernelOp kernel,
                                           const fused::Target &,
                                           gpu::GPUModuleOp module,
                                           StringRef name) const override {
    FailureOr<RopeProblem> p = analyzeRope(kernel);
    if (failed(p))
      return failure();
    gpu::GPUFuncOp shell =
        fused::createKernelShell(kernel, module, name, kThreads);
    buildRopeKernel(*p, shell);
    std::vector<std::string> sizes;
    if (p->dynamic) {
      // ceil(S x tasks per position / threads), S from the output.
      sizes = {fused::ceilDivExpr(
                   fused::timesDynamicSizesExpr(
                       p->tasks(), 3,
                       cast<ShapedType>(kernel.getResultTypes()[0]).getShape()),
                   kThreads),
               "", ""};
    }
    setLaunch(shell, {(p->tasks() + kThreads - 1) / kThreads, p->groups, 1},
              {kThreads, 1, 1}, 0, 1, sizes);
    return shell;
  }

  llvm::json::Array gridFormula(gpu::GPUFuncOp) const override {
    return llvm::json::Array{"ceil(S x units per row / 256)",
                             "ceil(planes / planes per group)", "1"};
  }
};

} // namespace

namespace fused {
const KernelStrategy *ropeStrategy() {
  static const RopeStrategy s;
  return &s;
}
} // namespace fused
