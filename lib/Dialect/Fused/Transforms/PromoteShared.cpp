//===- PromoteShared.cpp - stage GEMM operand tiles in shared memory ------===//
//
// The fused-promote-shared pass. In each tiled GEMM kernel function it
// replaces the K loop's reads of A and B tiles from global memory by a
// `stages`-deep ring of shared-memory tiles filled by asynchronous copies:
//
//   %sa = memref.alloc() : memref<S x BM x BK x T, 3>        (likewise %sb)
//   copies of K tiles 0 .. S-2 (those < numK), one group each (prologue)
//   scf.for %kt = 0 to numK {
//     fused.async_wait pending = S-2                         (tile kt landed)
//     if kt+S-1 < numK: copy K tile kt+S-1 into stage (kt+S-1) % S
//     fused.async_commit
//     warps: contraction on stage kt % S, full tiles, full accumulator
//   }
//
// Edge tiles are zero-filled by fused.copy_tile, so the contraction always
// runs on full tiles; the epilogue still writes only the valid part.
//
//===----------------------------------------------------------------------===//

#include "fused/Conversion/KernelStructure.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDPROMOTESHAREDPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;
using namespace fused::fused;

namespace {

/// The pieces of a fused-tile GEMM kernel that promotion rewrites.
struct TiledGemm {
  linalg::GenericOp mma;
  scf::ForallOp warps;
  scf::ForOp kLoop;
  Value aTile, bTile; // clipped global tiles, defined in the K loop body
  Value acc;          // the block's full accumulator
  bool transposeA = false, transposeB = false;
};

FailureOr<TiledGemm> findTiledGemm(func::FuncOp func) {
  TiledGemm t;
  func.walk([&](linalg::GenericOp g) {
    auto role = FusedDialect::RoleAttrHelper(g.getContext()).getAttr(g);
    if (role && role.getValue() == TileRole::mma)
      t.mma = g;
  });
  auto fail = [&](const Twine &what) {
    return func.emitOpError() << "is not a fused-tile GEMM kernel: " << what,
           failure();
  };
  if (!t.mma)
    return fail("no contraction with fused.role = #fused<role mma>");
  t.warps = t.mma->getParentOfType<scf::ForallOp>();
  t.kLoop = t.warps ? ensureKLoop(t.warps) : nullptr;
  if (!t.kLoop)
    return fail("the contraction is not in a warp loop inside a K loop");
  // Strips the warp-level views (subviews and casts made inside the warp
  // loop; canonicalization may have folded some away).
  auto stripWarpViews = [&](Value v) {
    while (Operation *def = v.getDefiningOp()) {
      if (!t.warps->isProperAncestor(def) ||
          !isa<memref::SubViewOp, memref::CastOp>(def))
        break;
      v = def->getOperand(0);
    }
    return v;
  };
  t.aTile = stripWarpViews(t.mma.getDpsInputs()[0]);
  t.bTile = stripWarpViews(t.mma.getDpsInputs()[1]);
  // The accumulator: strip every view down to the block's buffer.
  Value acc = t.mma.getDpsInits()[0];
  while (Operation *def = acc.getDefiningOp()) {
    if (!isa<memref::SubViewOp, memref::CastOp>(def))
      break;
    acc = def->getOperand(0);
  }
  if (!acc.getDefiningOp<memref::AllocaOp>())
    return fail("the accumulator is not a memref.alloca");
  t.acc = acc;
  auto accType = cast<MemRefType>(acc.getType());
  if (!accType.hasStaticShape() || accType.getRank() != 2)
    return fail("the accumulator is not a static 2-D buffer");
  auto maps = t.mma.getIndexingMapsArray();
  // (m, n, k): A is (m, k) or (k, m); B is (k, n) or (n, k).
  t.transposeA = maps[0].getResult(0) == getAffineDimExpr(2, func.getContext());
  t.transposeB = maps[1].getResult(0) == getAffineDimExpr(1, func.getContext());
  return t;
}

/// The warps' contraction of `t` rebuilt at `lb` on the full (zero-padded)
/// stage tiles `tileA` and `tileB` and the block's full accumulator.
void rebuildContraction(OpBuilder &lb, TiledGemm &t, GemmConfigAttr cfg,
                        Value tileA, Value tileB) {
  Location loc = t.kLoop.getLoc();
  int64_t BK = cfg.getBlockK();
  int64_t WTM = cfg.getWarpTileM(), WTN = cfg.getWarpTileN();
  auto warps = scf::ForallOp::create(lb, loc, t.warps.getMixedUpperBound(),
                                     ValueRange{}, t.warps.getMapping());
  OpBuilder wb = OpBuilder::atBlockBegin(warps.getBody());
  auto mulc = [&](Value v, int64_t c) -> Value {
    return arith::MulIOp::create(wb, loc, v,
                                 arith::ConstantIndexOp::create(wb, loc, c));
  };
  Value wm0 = mulc(warps.getInductionVar(0), WTM);
  Value wn0 = mulc(warps.getInductionVar(1), WTN);
  OpFoldResult zero = wb.getIndexAttr(0);
  auto sub2d = [&](Value src, OpFoldResult r, OpFoldResult c, int64_t rs,
                   int64_t cs) -> Value {
    return memref::SubViewOp::create(
        wb, loc, src, ArrayRef<OpFoldResult>{r, c},
        ArrayRef<OpFoldResult>{wb.getIndexAttr(rs), wb.getIndexAttr(cs)},
        ArrayRef<OpFoldResult>{wb.getIndexAttr(1), wb.getIndexAttr(1)});
  };
  Value aW = t.transposeA ? sub2d(tileA, zero, wm0, BK, WTM)
                          : sub2d(tileA, wm0, zero, WTM, BK);
  Value bW = t.transposeB ? sub2d(tileB, wn0, zero, WTN, BK)
                          : sub2d(tileB, zero, wn0, BK, WTN);
  Value accW = sub2d(t.acc, wm0, wn0, WTM, WTN);
  auto newMma = cast<linalg::GenericOp>(wb.clone(*t.mma));
  newMma->setOperands(ValueRange{aW, bW, accW});
}

struct PromoteSharedPass
    : public ::fused::fused::impl::FusedPromoteSharedPassBase<
          PromoteSharedPass> {
  using FusedPromoteSharedPassBase::FusedPromoteSharedPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    for (auto func : module.getOps<func::FuncOp>()) {
      auto kind = FusedDialect::KernelKindAttrHelper(ctx).getAttr(func);
      if (!kind || kind.getValue() != KernelKind::gemm ||
          FusedDialect::PromotedAttrHelper(ctx).isAttrPresent(func))
        continue;
      if (failed(promote(func)))
        return signalPassFailure();
    }
  }

  LogicalResult promote(func::FuncOp func) {
    auto cfg =
        FusedDialect::GemmConfigAttrHelper(func.getContext()).getAttr(func);
    if (!cfg)
      return func.emitOpError() << "GEMM kernel has no fused.gemm_config";
    FailureOr<TiledGemm> found = findTiledGemm(func);
    if (succeeded(found)) {
      auto accType = cast<MemRefType>(found->acc.getType());
      if (accType.getDimSize(0) != cfg.getBlockM() ||
          accType.getDimSize(1) != cfg.getBlockN())
        return func.emitOpError()
               << "accumulator " << accType
               << " does not match the block tile of " << cfg;
    }
    if (failed(found))
      return failure();
    TiledGemm &t = *found;
    // The number of K tiles: a constant, or a value (a dynamic K).
    std::optional<int64_t> numK = getConstantIntValue(t.kLoop.getUpperBound());
    Value numKValue = t.kLoop.getUpperBound();
    if (!getConstantIntValue(t.kLoop.getLowerBound()) ||
        *getConstantIntValue(t.kLoop.getLowerBound()) != 0 ||
        !getConstantIntValue(t.kLoop.getStep()) ||
        *getConstantIntValue(t.kLoop.getStep()) != 1)
      return func.emitOpError() << "the K loop must run from 0 in steps of 1";

    MLIRContext *ctx = func.getContext();
    Location loc = t.kLoop.getLoc();
    int64_t BM = cfg.getBlockM(), BN = cfg.getBlockN(), BK = cfg.getBlockK();
    int64_t S = cfg.getStages();
    Type aEt = cast<MemRefType>(t.aTile.getType()).getElementType();
    Type bEt = cast<MemRefType>(t.bTile.getType()).getElementType();
    SmallVector<int64_t> aShape = t.transposeA ? SmallVector<int64_t>{BK, BM}
                                               : SmallVector<int64_t>{BM, BK};
    SmallVector<int64_t> bShape = t.transposeB ? SmallVector<int64_t>{BN, BK}
                                               : SmallVector<int64_t>{BK, BN};

    OpBuilder b(t.kLoop);
    auto shared = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    auto ringType = [&](ArrayRef<int64_t> tile, Type et) {
      return MemRefType::get({S, tile[0], tile[1]}, et,
                             MemRefLayoutAttrInterface(), shared);
    };
    Value ringA = memref::AllocOp::create(b, loc, ringType(aShape, aEt));
    Value ringB = memref::AllocOp::create(b, loc, ringType(bShape, bEt));
    // f32 tiles whose rows run along K are read as pairs of elements.
    bool aPairs = aEt.isF32() && !t.transposeA;
    bool bPairs = bEt.isF32() && t.transposeB;
    for (auto [ring, pairs] : {std::pair{ringA, aPairs}, {ringB, bPairs}})
      FusedDialect::SwizzleAttrHelper(ctx).setAttr(
          ring.getDefiningOp(),
          SwizzleAttr::get(ctx, pairs ? Swizzle::xor16_pairs : Swizzle::xor16));
    auto idx = [&](OpBuilder &ob, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(ob, loc, v);
    };

    // A view of stage `s` of a ring as a 2-D tile.
    auto stage = [&](OpBuilder &ob, Value ring, OpFoldResult s) -> Value {
      auto type = cast<MemRefType>(ring.getType());
      SmallVector<OpFoldResult> offs = {s, ob.getIndexAttr(0),
                                        ob.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {ob.getIndexAttr(1),
                                         ob.getIndexAttr(type.getDimSize(1)),
                                         ob.getIndexAttr(type.getDimSize(2))};
      SmallVector<OpFoldResult> strides(3, ob.getIndexAttr(1));
      auto resType = memref::SubViewOp::inferRankReducedResultType(
          {type.getDimSize(1), type.getDimSize(2)}, type, offs, sizes, strides);
      return memref::SubViewOp::create(ob, loc, resType, ring, offs, sizes,
                                       strides);
    };

    // Clones the computation of the A and B tiles for K tile `k` and copies
    // them into stage `s`.
    SetVector<Operation *> slice;
    BackwardSliceOptions opts;
    opts.inclusive = true;
    opts.filter = [&](Operation *op) {
      return op->getParentOp() == t.kLoop.getOperation();
    };
    (void)getBackwardSlice(t.aTile, &slice, opts);
    (void)getBackwardSlice(t.bTile, &slice, opts);
    SmallVector<Operation *> sliceOps(slice.begin(), slice.end());
    mlir::computeTopologicalSorting(sliceOps);
    auto copyTiles = [&](OpBuilder &ob, Value k, OpFoldResult s) {
      IRMapping map;
      map.map(t.kLoop.getInductionVar(), k);
      for (Operation *op : sliceOps)
        ob.clone(*op, map);
      CopyTileOp::create(ob, loc, map.lookupOrDefault(t.aTile),
                         stage(ob, ringA, s));
      CopyTileOp::create(ob, loc, map.lookupOrDefault(t.bTile),
                         stage(ob, ringB, s));
    };

    // Prologue: K tiles 0 .. S-2 (those that exist), one group each.
    for (int64_t s = 0; s + 1 < S; ++s) {
      if (!numK) {
        Value exists = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::slt, idx(b, s), numKValue);
        auto ifOp = scf::IfOp::create(b, loc, exists, /*withElse=*/false);
        OpBuilder ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
        copyTiles(ib, idx(ib, s), ib.getIndexAttr(s));
      } else if (s < *numK) {
        copyTiles(b, idx(b, s), b.getIndexAttr(s));
      }
      AsyncCommitOp::create(b, loc);
    }

    auto loop = scf::ForOp::create(b, loc, t.kLoop.getLowerBound(),
                                   t.kLoop.getUpperBound(), t.kLoop.getStep());
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    Value kt = loop.getInductionVar();
    Value sNow;
    if (S == 1) {
      copyTiles(lb, kt, lb.getIndexAttr(0));
      AsyncCommitOp::create(lb, loc);
      AsyncWaitOp::create(lb, loc, 0);
      sNow = idx(lb, 0);
    } else {
      AsyncWaitOp::create(lb, loc, S - 2);
      Value next = arith::AddIOp::create(lb, loc, kt, idx(lb, S - 1));
      Value inRange = arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::slt,
                                            next, numKValue);
      auto ifOp = scf::IfOp::create(lb, loc, inRange, /*withElse=*/false);
      OpBuilder ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
      Value sNext = arith::RemUIOp::create(ib, loc, next, idx(ib, S));
      copyTiles(ib, next, sNext);
      AsyncCommitOp::create(lb, loc);
      sNow = arith::RemUIOp::create(lb, loc, kt, idx(lb, S));
    }

    // The warps' contraction on full tiles of stage kt % S.
    Value tileA = stage(lb, ringA, sNow);
    Value tileB = stage(lb, ringB, sNow);
    rebuildContraction(lb, t, cfg, tileA, tileB);

    t.kLoop.erase();
    b.setInsertionPointAfter(loop);
    // Nothing is in flight after the loop; release the rings.
    AsyncWaitOp::create(b, loc, 0);
    Operation *blockEnd = loop->getBlock()->getTerminator();
    b.setInsertionPoint(blockEnd);
    memref::DeallocOp::create(b, loc, ringA);
    memref::DeallocOp::create(b, loc, ringB);
    FusedDialect::PromotedAttrHelper(ctx).setAttr(func, UnitAttr::get(ctx));
    return success();
  }
};

} // namespace
