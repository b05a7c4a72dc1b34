//===- PrepareHost.cpp - host form of promoted kernels --------------------===//
//
// The fused-prepare-host pass: the host form of GPU-specific parts of the
// tile-level IR. fused.copy_tile becomes two loops that copy the valid part
// and zero the rest; fused.async_commit and fused.async_wait disappear
// (every copy is complete when it returns); shared-memory buffers become
// ordinary host memory.
//
//===----------------------------------------------------------------------===//

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDPREPAREHOSTPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;
using namespace fused::fused;

namespace {

void expandCopy(CopyTileOp copy) {
  OpBuilder b(copy);
  Location loc = copy.getLoc();
  Value src = copy.getSource(), dst = copy.getDest();
  auto dstType = cast<MemRefType>(dst.getType());
  Type et = dstType.getElementType();
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value rows = arith::ConstantIndexOp::create(b, loc, dstType.getDimSize(0));
  Value cols = arith::ConstantIndexOp::create(b, loc, dstType.getDimSize(1));
  Value srcRows = memref::DimOp::create(b, loc, src, 0);
  Value srcCols = memref::DimOp::create(b, loc, src, 1);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(et));
  auto outer = scf::ForOp::create(b, loc, c0, rows, c1);
  OpBuilder ob = OpBuilder::atBlockBegin(outer.getBody());
  auto inner = scf::ForOp::create(ob, loc, c0, cols, c1);
  OpBuilder ib = OpBuilder::atBlockBegin(inner.getBody());
  Value i = outer.getInductionVar(), j = inner.getInductionVar();
  Value inRows =
      arith::CmpIOp::create(ib, loc, arith::CmpIPredicate::ult, i, srcRows);
  Value inCols =
      arith::CmpIOp::create(ib, loc, arith::CmpIPredicate::ult, j, srcCols);
  Value valid = arith::AndIOp::create(ib, loc, inRows, inCols);
  auto ifOp = scf::IfOp::create(
      ib, loc, valid,
      [&](OpBuilder &tb, Location l) {
        Value v = memref::LoadOp::create(tb, l, src, ValueRange{i, j});
        scf::YieldOp::create(tb, l, v);
      },
      [&](OpBuilder &eb, Location l) { scf::YieldOp::create(eb, l, zero); });
  memref::StoreOp::create(ib, loc, ifOp.getResult(0), dst, ValueRange{i, j});
  copy.erase();
}

/// Drops the memory space of every memref-typed value under `root`.
void dropMemorySpaces(Operation *root) {
  auto strip = [](Value v) {
    auto t = dyn_cast<MemRefType>(v.getType());
    if (t && t.getMemorySpace())
      v.setType(
          MemRefType::get(t.getShape(), t.getElementType(), t.getLayout()));
  };
  root->walk([&](Operation *op) {
    for (Value r : op->getResults())
      strip(r);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument a : block.getArguments())
          strip(a);
  });
}

struct PrepareHostPass
    : public ::fused::fused::impl::FusedPrepareHostPassBase<PrepareHostPass> {
  void runOnOperation() override {
    dropMemorySpaces(getOperation());
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<CopyTileOp, AsyncCommitOp, AsyncWaitOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto copy = dyn_cast<CopyTileOp>(op))
        expandCopy(copy);
      else
        op->erase();
    }
  }
};

} // namespace
