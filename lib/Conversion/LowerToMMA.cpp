//===- LowerToMMA.cpp - GEMM kernels to tensor cores on the GPU -----------===//
//
// The fused-lower-to-mma pass. Each promoted GEMM kernel function becomes a
// `gpu.func` kernel in `gpu.module @fused_kernels`, written per thread:
//
//  - thread blocks and warps come from gpu.block_id / gpu.thread_id;
//  - the shared-memory rings live in dynamic shared memory;
//  - fused.copy_tile becomes per-thread 16-byte cp.async copies with
//    zero-fill (nvgpu.device_async_copy), into XOR-swizzled rows;
//    commit/wait become cp.async.commit_group / wait_group + bar.sync;
//  - the warps' contraction becomes ldmatrix + mma.sync m16n8k16 on
//    register accumulators carried through the K loop (iter_args);
//  - the epilogue runs on each accumulator element in registers and stores
//    the valid elements.
//
// The fused.launch ops are redirected to the gpu.func, which records its
// launch geometry (fused.grid, fused.block, fused.dynamic_shared_memory).
//
//===----------------------------------------------------------------------===//

#include "GpuBuilders.h"
#include "fused/Conversion/KernelStructure.h"
#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"
#include "fused/Transforms/Layouts.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDLOWERTOMMAPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;
using namespace fused::fused;
using namespace fused::fused::gpu_builders;

namespace {


/// What the lowering needs to know about a thread.
struct ThreadIds {
  Value tid, lane, warpM, warpN;
};

/// Lowers one fused.copy_tile: the `dest` tile (R x C, 16- or 32-bit
/// elements, in shared memory) is split in 16-byte chunks handed
/// round-robin to the block's threads. Each chunk is one cp.async of 8 (or
/// 4) elements with zero-fill beyond the source bounds, or, when the source
/// rows are not 16-byte aligned, element loads and stores.
LogicalResult lowerCopy(CopyTileOp copy, const ThreadIds &ids,
                        int64_t numThreads) {
  OpBuilder b(copy);
  Location loc = copy.getLoc();
  IB h{b, loc};
  Value src = copy.getSource(), dst = copy.getDest();
  auto dstType = cast<MemRefType>(dst.getType());
  Type et = dstType.getElementType();
  int64_t bytes = elementBytes(et);
  if (bytes != 2 && bytes != 4)
    return copy.emitOpError() << "GPU lowering copies 16- and 32-bit tiles, got "
                              << et;
  int64_t epc = 16 / bytes; // elements per 16-byte chunk
  int64_t rows = dstType.getDimSize(0), cols = dstType.getDimSize(1);
  int64_t rowBytes = cols * bytes;
  if (cols % epc != 0)
    return copy.emitOpError() << "tile rows of " << cols
                              << " elements are not a whole number of "
                                 "16-byte chunks";
  int64_t chunksPerRow = cols / epc, total = rows * chunksPerRow;
  int64_t rowStep = swizzleRowStep(dst);
  // 16-byte copies need 16-byte aligned source rows (with a dynamic row
  // length, checked at run time).
  RowAlignment alignment = rowAlignment16(src);
  Value strideAligned = alignment == RowAlignment::ifRowStride
                            ? rowStrideIsAligned16(b, loc, src)
                            : Value();

  Value srcRows = memref::DimOp::create(b, loc, src, 0);
  Value srcCols = memref::DimOp::create(b, loc, src, 1);
  Value zeroIdx = h.c(0);
  forEachThreadChunk(
      b, loc, ids.tid, total, numThreads, [&](OpBuilder &ob, Value chunkId) {
        IB g{ob, loc};
        auto pos = fused::layout::copyChunkPosition(g, chunkId, chunksPerRow);
        Value row = pos.row, chunk = pos.chunk;
        Value col = g.mul(chunk, epc);
        Value rowIn = g.ult(row, srcRows);
        // Valid elements of this chunk: clamp(srcCols - col, 0, epc), or 0
        // for a row past the end.
        Value valid = g.select(rowIn, g.clip(epc, srcCols, col), g.c(0));
        Value dstCol = g.swizzleCol(row, chunk, rowBytes, epc, rowStep);
        auto asyncCopy = [&](OpBuilder &cb) {
          IB a{cb, loc};
          Value any = a.ult(a.c(0), valid);
          Value sRow = a.select(any, row, zeroIdx);
          Value sCol = a.select(any, col, zeroIdx);
          emitAsyncCopy16(cb, loc, dst, ValueRange{row, dstCol}, src,
                          ValueRange{sRow, sCol}, valid, epc);
        };
        // Element loads, and the chunk stored to shared memory by one
        // 16-byte store (as the backend would merge the element stores).
        auto elementCopy = [&](OpBuilder &cb) {
          IB x{cb, loc};
          Value zero = arith::ConstantOp::create(cb, loc, cb.getZeroAttr(et));
          SmallVector<Value> chunkValues;
          for (int64_t e = 0; e < epc; ++e) {
            Value in = x.ult(x.c(e), valid);
            auto ifOp = scf::IfOp::create(
                cb, loc, in,
                [&](OpBuilder &tb, Location l) {
                  IB t{tb, l};
                  Value v = memref::LoadOp::create(
                      tb, l, src, ValueRange{row, t.add(col, e)});
                  scf::YieldOp::create(tb, l, v);
                },
                [&](OpBuilder &eb, Location l) {
                  scf::YieldOp::create(eb, l, zero);
                });
            chunkValues.push_back(ifOp.getResult(0));
          }
          Value chunkVector = vector::FromElementsOp::create(
              cb, loc, VectorType::get({epc}, et), chunkValues);
          vector::StoreOp::create(cb, loc, chunkVector, dst,
                                  ValueRange{row, dstCol},
                                  /*nontemporal=*/false, llvm::MaybeAlign(16));
        };
        emitByRowAlignment(ob, loc, alignment, strideAligned, asyncCopy,
                           elementCopy);
      });
  copy.erase();
  return success();
}

/// The warp-level contraction of one K tile, on register accumulators.
struct MmaEmitter {
  GemmConfigAttr cfg;
  Type elemType;
  bool transposeA, transposeB;
  int64_t fragsM() const { return cfg.getWarpTileM() / 16; }
  int64_t fragsN() const { return cfg.getWarpTileN() / 8; }
  int64_t numAcc() const { return fragsM() * fragsN(); }

  Value mma(OpBuilder &b, Location loc, Value a, Value bFrag, Value c) {
    return emitMma(b, loc, elemType, a, bFrag, c);
  }

  Value ldmatrix(OpBuilder &b, Location loc, Value tile, Value row, Value col,
                 bool transpose) {
    return emitLdMatrix(b, loc, elemType, tile, row, col, transpose);
  }

  /// Emits the contraction of the stage tiles `tileA`, `tileB` into `accs`
  /// and returns the new accumulators.
  SmallVector<Value> emit(OpBuilder &b, Location loc, const ThreadIds &ids,
                          Value tileA, Value tileB, ArrayRef<Value> accs) {
    if (elemType.isF32())
      return emitSplitF32(b, loc, ids, tileA, tileB, accs);
    IB h{b, loc};
    int64_t BK = cfg.getBlockK();
    int64_t WTM = cfg.getWarpTileM(), WTN = cfg.getWarpTileN();
    Value wm0 = h.mul(ids.warpM, WTM), wn0 = h.mul(ids.warpN, WTN);
    auto aTileType = cast<MemRefType>(tileA.getType());
    auto bTileType = cast<MemRefType>(tileB.getType());
    int64_t aRowBytes = aTileType.getDimSize(1) * 2;
    int64_t bRowBytes = bTileType.getDimSize(1) * 2;
    SmallVector<Value> out(accs.begin(), accs.end());
    for (int64_t kk = 0; kk < BK; kk += 16) {
      // A fragments, one per 16 rows of the warp tile.
      SmallVector<Value> aFrags;
      for (int64_t mi = 0; mi < fragsM(); ++mi) {
        auto seg = fused::layout::aFragmentSegment(
            h, ids.lane, h.add(wm0, mi * 16), kk, transposeA);
        Value col = h.swizzleCol(seg.row, seg.chunk, aRowBytes);
        aFrags.push_back(ldmatrix(b, loc, tileA, seg.row, col, transposeA));
      }
      // B fragments: one ldmatrix.x4 covers two 8-column n-tiles.
      SmallVector<Value> bFrags;
      for (int64_t nj = 0; nj < WTN; nj += 16) {
        auto seg = fused::layout::bFragmentSegment(h, ids.lane, h.add(wn0, nj),
                                                   kk, transposeB);
        Value col = h.swizzleCol(seg.row, seg.chunk, bRowBytes);
        Value x4 = ldmatrix(b, loc, tileB, seg.row, col, !transposeB);
        auto frags = splitBFragments(b, loc, x4);
        bFrags.append(frags.begin(), frags.end());
      }
      for (int64_t mi = 0; mi < fragsM(); ++mi)
        for (int64_t ni = 0; ni < fragsN(); ++ni) {
          int64_t i = mi * fragsN() + ni;
          out[i] = mma(b, loc, aFrags[mi], bFrags[ni], out[i]);
        }
    }
    return out;
  }

  /// The contraction of f32 tiles on bf16 tensor cores. Each element is
  /// three bf16 parts (24 significant bits, an f32's); of the nine products
  /// of parts, the six whose orders add up to at most 2 are accumulated
  /// (smallest first), the three dropped ones being below 2^-24 of the
  /// product. Fragments are read from shared memory as f32 pairs or single
  /// elements in the m16n8k16 layouts of the PTX ISA and split in registers.
  SmallVector<Value> emitSplitF32(OpBuilder &b, Location loc,
                                  const ThreadIds &ids, Value tileA,
                                  Value tileB, ArrayRef<Value> accs) {
    IB h{b, loc};
    Type bf16 = b.getBF16Type();
    int64_t BK = cfg.getBlockK();
    Value wm0 = h.mul(ids.warpM, cfg.getWarpTileM());
    Value wn0 = h.mul(ids.warpN, cfg.getWarpTileN());
    Value g = h.div(ids.lane, 4), t2 = h.mul(h.rem(ids.lane, 4), 2);
    SmallVector<Value> out(accs.begin(), accs.end());
    for (int64_t kk = 0; kk < BK; kk += 16) {
      // B: registers (k = 2t, 2t + 8) at column g, pairs along k; the
      // parts of every n-tile stay in registers while the A fragments are
      // made one 16-row slice at a time.
      SmallVector<std::array<Value, 3>> bParts;
      for (int64_t ni = 0; ni < fragsN(); ++ni) {
        SmallVector<Value> elements;
        Value n = h.add(h.add(wn0, g), ni * 8);
        for (int64_t reg = 0; reg < 2; ++reg) {
          Value k = h.add(t2, kk + reg * 8);
          llvm::append_range(elements,
                             loadPair(b, loc, tileB, n, k, transposeB));
        }
        bParts.push_back(fragmentParts(b, loc, elements, {2, 2}));
      }
      // A: registers (rows g, g + 8) x (columns 2t, 2t + 8), pairs along k.
      for (int64_t mi = 0; mi < fragsM(); ++mi) {
        SmallVector<Value> elements;
        for (int64_t reg = 0; reg < 4; ++reg) {
          Value m = h.add(h.add(wm0, g), mi * 16 + (reg % 2) * 8);
          Value k = h.add(t2, kk + (reg / 2) * 8);
          llvm::append_range(elements,
                             loadPair(b, loc, tileA, m, k, !transposeA));
        }
        auto aParts = fragmentParts(b, loc, elements, {4, 2});
        for (int64_t ni = 0; ni < fragsN(); ++ni) {
          int64_t i = mi * fragsN() + ni;
          for (auto [pa, pb] : kSplitProducts)
            out[i] = emitMma(b, loc, bf16, aParts[pa], bParts[ni][pb], out[i]);
        }
      }
    }
    return out;
  }
};

/// `v` without the subviews and casts inside `scope` that it goes through.
Value stripViews(Value v, Operation *scope) {
  while (Operation *def = v.getDefiningOp()) {
    if (!scope->isProperAncestor(def) ||
        !isa<memref::SubViewOp, memref::CastOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// The warps' contraction becomes mma.sync on register accumulators that
/// the K loop carries; returns the new K loop (its results are the
/// accumulators), the epilogue and the emitter that laid them out.
FailureOr<scf::ForOp> lowerContraction(func::FuncOp func, gpu::GPUFuncOp kernel,
                                       GemmConfigAttr cfg,
                                       const ThreadIds &ids,
                                       linalg::GenericOp &epilogue,
                                       std::optional<MmaEmitter> &emitterOut) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = func.getLoc();
  // The contraction: register accumulators carried by the K loop.
  linalg::GenericOp mmaOp;
  kernel.walk([&](linalg::GenericOp g) {
    auto role = FusedDialect::RoleAttrHelper(ctx).getAttr(g);
    if (role && role.getValue() == TileRole::mma)
      mmaOp = g;
    if (role && role.getValue() == TileRole::epilogue)
      epilogue = g;
  });
  if (!mmaOp || !epilogue)
    return func.emitOpError() << "expected the contraction and the epilogue",
           failure();
  auto warps = mmaOp->getParentOfType<scf::ForallOp>();
  auto kLoop = warps ? ensureKLoop(warps) : nullptr;
  if (!kLoop)
    return func.emitOpError() << "expected the contraction in a K loop",
           failure();
  Value tileA = stripViews(mmaOp.getDpsInputs()[0], warps);
  Value tileB = stripViews(mmaOp.getDpsInputs()[1], warps);
  auto maps = mmaOp.getIndexingMapsArray();
  emitterOut.emplace(MmaEmitter{
      cfg, cast<MemRefType>(tileA.getType()).getElementType(),
      maps[0].getResult(0) == getAffineDimExpr(2, ctx),
      maps[1].getResult(0) == getAffineDimExpr(1, ctx)});
  MmaEmitter &emitter = *emitterOut;
  Type et = emitter.elemType;
  if (!et.isF16() && !et.isBF16() && !et.isF32())
    return func.emitOpError()
               << "mma.sync lowering needs f16, bf16 or f32, got " << et,
           failure();

  scf::ForOp newLoop;
  {
    OpBuilder lb(kLoop);
    auto accType = VectorType::get({2, 2}, lb.getF32Type());
    Value zero = arith::ConstantOp::create(
        lb, loc, accType, DenseElementsAttr::get(accType, 0.0f));
    SmallVector<Value> inits(emitter.numAcc(), zero);
    newLoop = scf::ForOp::create(lb, loc, kLoop.getLowerBound(),
                                 kLoop.getUpperBound(), kLoop.getStep(), inits);
    if (!newLoop.getBody()->empty())
      newLoop.getBody()->getTerminator()->erase();
    OpBuilder nb = OpBuilder::atBlockEnd(newLoop.getBody());
    IRMapping map;
    map.map(kLoop.getInductionVar(), newLoop.getInductionVar());
    SmallVector<Value> results;
    for (Operation &op : kLoop.getBody()->without_terminator()) {
      if (&op != warps.getOperation()) {
        nb.clone(op, map);
        continue;
      }
      SmallVector<Value> accs(newLoop.getRegionIterArgs().begin(),
                              newLoop.getRegionIterArgs().end());
      results = emitter.emit(nb, loc, ids, map.lookupOrDefault(tileA),
                             map.lookupOrDefault(tileB), accs);
    }
    if (cfg.getStages() == 1)
      gpu::BarrierOp::create(nb, loc);
    scf::YieldOp::create(nb, loc, results);
  }
  kLoop.erase();
  return newLoop;

}

/// The output tile staged in shared memory by the epilogue, for the
/// copy-out.
struct OutputStaging {
  Value cTile, staging, mSize, nSize;
  Type outType;
  int64_t BM, BN, epc, stagingRowBytes, rowStep;
  bool edges;
};

/// The epilogue on each accumulator element (inside the output at edges),
/// its results stored in pairs into the swizzled staging tile (the rings'
/// memory, free after the K loop).
OutputStaging stageEpilogue(OpBuilder &eb, gpu::GPUFuncOp kernel,
                            linalg::GenericOp epilogue, scf::ForOp newLoop,
                            const MmaEmitter &emitter, GemmConfigAttr cfg,
                            const ThreadIds &ids, Value sharedBase,
                            int64_t &sharedBytes) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = epilogue.getLoc();
  IB h{eb, loc};
  Value cTile = epilogue.getDpsInits()[0];
  auto cType = cast<MemRefType>(cTile.getType());
  Type outType = cType.getElementType();
  int64_t outBytes = elementBytes(outType);
  int64_t BM = cfg.getBlockM(), BN = cfg.getBlockN();
  int64_t epc = 16 / outBytes; // elements per 16-byte chunk
  int64_t stagingRowBytes = BN * outBytes;
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto stagingType =
      MemRefType::get({BM, BN}, outType, MemRefLayoutAttrInterface(), wg);
  // The staging tile reuses the rings' memory: every warp is past the K
  // loop (the wait after it ends in a barrier).
  Value staging = memref::ViewOp::create(eb, loc, stagingType, sharedBase,
                                         h.c(0), ValueRange{});
  sharedBytes = std::max(sharedBytes, BM * BN * outBytes);

  Value mSize = memref::DimOp::create(eb, loc, cTile, 0);
  Value nSize = memref::DimOp::create(eb, loc, cTile, 1);
  // With M and N multiples of the block tile, no tile has an edge: the
  // bounds checks go away.
  auto outShape =
      cast<MemRefType>(kernel.getArgumentTypes().back()).getShape();
  bool edges = ShapedType::isDynamic(outShape[outShape.size() - 2]) ||
               ShapedType::isDynamic(outShape.back()) ||
               outShape[outShape.size() - 2] % BM != 0 ||
               outShape.back() % BN != 0;
  Value wm0 = h.mul(ids.warpM, cfg.getWarpTileM());
  Value wn0 = h.mul(ids.warpN, cfg.getWarpTileN());
  Value g = h.div(ids.lane, 4), t2 = h.mul(h.rem(ids.lane, 4), 2);
  int64_t rowStep = ::fused::layout::stagingRowStep(outBytes, stagingRowBytes);
  SmallVector<Value, 2> pair;
  auto emaps = epilogue.getIndexingMapsArray();
  Block &body = epilogue.getRegion().front();
  for (int64_t mi = 0; mi < emitter.fragsM(); ++mi)
    for (int64_t ni = 0; ni < emitter.fragsN(); ++ni)
      for (int64_t e = 0; e < 4; ++e) {
        if (e % 2 == 0)
          pair.clear();
        Value acc = newLoop.getResult(mi * emitter.fragsN() + ni);
        Value row = h.add(h.add(wm0, g), mi * 16 + (e / 2) * 8);
        Value col = h.add(h.add(wn0, t2), ni * 8 + e % 2);
        // At an edge the epilogue runs only for elements inside the
        // output (its operands may be read only there); the others stage
        // a zero so that the copy-out never reads unwritten memory.
        OpBuilder ib = eb;
        scf::IfOp ifOp;
        if (edges) {
          Value inside = h.andi(h.ult(row, mSize), h.ult(col, nSize));
          ifOp = scf::IfOp::create(eb, loc, TypeRange{outType}, inside,
                                   /*withElseRegion=*/true);
          ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
          OpBuilder zb = OpBuilder::atBlockBegin(ifOp.elseBlock());
          Value zero = arith::ConstantOp::create(
              zb, loc, outType, zb.getZeroAttr(outType));
          scf::YieldOp::create(zb, loc, zero);
        }
        IRMapping emap;
        emap.map(body.getArgument(0),
                 vector::ExtractOp::create(ib, loc, acc,
                                           ArrayRef<int64_t>{e / 2, e % 2}));
        auto indices = [&](AffineMap m) {
          SmallVector<Value> idx;
          for (AffineExpr ex : m.getResults()) {
            if (auto d = dyn_cast<AffineDimExpr>(ex))
              idx.push_back(d.getPosition() == 0 ? row : col);
            else
              idx.push_back(arith::ConstantIndexOp::create(
                  ib, loc, cast<AffineConstantExpr>(ex).getValue()));
          }
          return idx;
        };
        for (int64_t i = 1; i < epilogue.getNumDpsInputs(); ++i)
          emap.map(body.getArgument(i),
                   memref::LoadOp::create(ib, loc, epilogue.getDpsInputs()[i],
                                          indices(emaps[i])));
        for (Operation &op : body.without_terminator())
          ib.clone(op, emap);
        Value result = emap.lookup(body.getTerminator()->getOperand(0));
        if (ifOp) {
          scf::YieldOp::create(ib, loc, result);
          result = ifOp.getResult(0);
        }
        // Adjacent columns leave as one pair store (never across a
        // chunk: the pair starts at an even column).
        pair.push_back(result);
        if (e % 2 == 0)
          continue;
        Value col0 = h.add(h.add(wn0, t2), ni * 8);
        Value stored = h.add(h.swizzleCol(row, h.div(col0, epc),
                                          stagingRowBytes, epc, rowStep),
                             h.rem(col0, epc));
        Value v = vector::FromElementsOp::create(
            eb, loc, VectorType::get({2}, outType), pair);
        // The pair starts at an even column of the staging tile.
        vector::StoreOp::create(
            eb, loc, v, staging, ValueRange{row, stored},
            /*nontemporal=*/false,
            llvm::MaybeAlign(2 * elementBytes(outType)));
      }
  gpu::BarrierOp::create(eb, loc);
  return {cTile,   staging, mSize,           nSize,   outType,
          BM,      BN,      epc,             stagingRowBytes, rowStep,
          edges};
}

/// Copy-out: 16-byte chunks handed round-robin to the threads; a chunk
/// wholly inside the output (with 16-byte aligned rows) is one vector
/// store, an edge chunk is stored element by element.
void copyOutStaging(OpBuilder &eb, const OutputStaging &o, const ThreadIds &ids,
                    int64_t numThreads, Location loc) {
  Value cTile = o.cTile, staging = o.staging, mSize = o.mSize,
        nSize = o.nSize;
  int64_t BM = o.BM, epc = o.epc,
          stagingRowBytes = o.stagingRowBytes, rowStep = o.rowStep;
  bool edges = o.edges;
  RowAlignment alignment = rowAlignment16(cTile);
  Value strideAligned = alignment == RowAlignment::ifRowStride
                            ? rowStrideIsAligned16(eb, loc, cTile)
                            : Value();
  forEachStagedChunk(
      eb, loc, ids.tid, numThreads, staging, BM, stagingRowBytes, epc,
      rowStep,
      [&](OpBuilder &ob, Value row, Value chunk, Value v) {
        IB c{ob, loc};
        Value col = c.mul(chunk, epc);
        Value rowIn = c.ult(row, mSize);
        Value whole = c.andi(rowIn, c.ult(c.add(col, epc - 1), nSize));
        auto storeElements = [&](OpBuilder &pb) {
          IB p{pb, loc};
          for (int64_t e = 0; e < epc; ++e) {
            Value in = p.andi(rowIn, p.ult(p.add(col, e), nSize));
            auto ifOp = scf::IfOp::create(pb, loc, in, false);
            OpBuilder xb = OpBuilder::atBlockBegin(ifOp.thenBlock());
            Value x =
                vector::ExtractOp::create(xb, loc, v, ArrayRef<int64_t>{e});
            memref::StoreOp::create(xb, loc, x, cTile,
                                    ValueRange{row, IB{xb, loc}.add(col, e)});
          }
        };
        // 16-byte rows: whole chunks as one vector store.
        auto storeChunks = [&](OpBuilder &sb) {
          if (!edges) {
            vector::StoreOp::create(sb, loc, v, cTile, ValueRange{row, col},
                                    /*nontemporal=*/false,
                                    llvm::MaybeAlign(16));
            return;
          }
          scf::IfOp::create(
              sb, loc, whole,
              [&](OpBuilder &tb, Location l) {
                vector::StoreOp::create(tb, l, v, cTile, ValueRange{row, col},
                                        /*nontemporal=*/false,
                                        llvm::MaybeAlign(16));
                scf::YieldOp::create(tb, l);
              },
              [&](OpBuilder &pb, Location l) {
                storeElements(pb);
                scf::YieldOp::create(pb, l);
              });
        };
        // Rows that are not 16-byte aligned: element by element.
        emitByRowAlignment(ob, loc, alignment, strideAligned, storeChunks,
                           storeElements);
      });
}

/// The accumulator buffer, the epilogue and everything reading the buffer
/// go away.
void eraseAccumulator(gpu::GPUFuncOp kernel, linalg::GenericOp epilogue) {
  Value accBuf = stripViews(epilogue.getDpsInputs()[0], kernel);
  epilogue.erase();
  // Users before their operands: erase in post order, each once.
  llvm::SetVector<Operation *> dead;
  std::function<void(Value)> collect = [&](Value v) {
    for (Operation *user : v.getUsers()) {
      if (dead.contains(user))
        continue;
      for (Value r : user->getResults())
        collect(r);
      dead.insert(user);
    }
  };
  collect(accBuf);
  for (Operation *op : dead)
    op->erase();
  if (Operation *def = accBuf.getDefiningOp())
    def->erase();
}

struct LowerToMMAPass
    : public ::fused::fused::impl::FusedLowerToMMAPassBase<LowerToMMAPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> kernels;
    for (auto f : module.getOps<func::FuncOp>())
      if (FusedDialect::PromotedAttrHelper(&getContext()).isAttrPresent(f))
        kernels.push_back(f);
    if (kernels.empty())
      return;
    gpu::GPUModuleOp gpuModule = getOrCreateKernelModule(module);
    for (func::FuncOp f : kernels)
      if (failed(lower(module, gpuModule, f)))
        return signalPassFailure();
  }

  LogicalResult lower(ModuleOp module, gpu::GPUModuleOp gpuModule,
                      func::FuncOp func);
};

/// The launch grid (x, y, z) of a GEMM kernel; with dynamic sizes, the
/// size expressions of its axes that depend on them (x: the N tiles, y:
/// the M tiles, z: the batch) over the output's dimensions.
struct BlockGrid {
  SmallVector<int64_t> size;
  ArrayAttr sizes;
};

/// Replaces the kernel's thread-block scf.forall (batch, M tiles, N tiles)
/// by the block ids (z, y, x) and returns its grid.
FailureOr<BlockGrid> inlineBlockGrid(gpu::GPUFuncOp kernel, func::FuncOp func,
                                     GemmConfigAttr cfg,
                                     IRRewriter &rewriter) {
  Location loc = func.getLoc();
  scf::ForallOp forall;
  kernel.walk([&](scf::ForallOp f) {
    if (!forall && f->getParentOfType<scf::ForallOp>() == nullptr)
      forall = f;
  });
  if (!forall || forall.getRank() != 3)
    return func.emitOpError() << "expected a 3-D thread-block scf.forall";
  auto outType = cast<MemRefType>(kernel.getArgumentTypes().back());
  ArrayRef<int64_t> outShape = outType.getShape();
  int64_t rank = outShape.size();
  ArrayRef<int64_t> batchShape = outShape.drop_back(2);
  unsigned outArg = kernel.getNumArguments() - 1;
  // (z, y, x) as the forall orders them: what each axis's size depends on.
  std::array<bool, 3> dynamic = {
      llvm::any_of(batchShape, ShapedType::isDynamic),
      ShapedType::isDynamic(outShape[rank - 2]),
      ShapedType::isDynamic(outShape[rank - 1])};
  SmallVector<int64_t> bounds;
  for (auto [i, ub] : llvm::enumerate(forall.getMixedUpperBound())) {
    std::optional<int64_t> v = getConstantIntValue(ub);
    if (!v && !dynamic[i])
      return func.emitOpError() << "thread-block grid must be static";
    bounds.push_back(v ? *v : 0);
  }
  OpBuilder gb(forall);
  Value bz = gpu::BlockIdOp::create(gb, loc, gpu::Dimension::z);
  Value by = gpu::BlockIdOp::create(gb, loc, gpu::Dimension::y);
  Value bx = gpu::BlockIdOp::create(gb, loc, gpu::Dimension::x);
  forall.getBody()->getTerminator()->erase();
  rewriter.inlineBlockBefore(forall.getBody(), forall, ValueRange{bz, by, bx});
  forall.erase();
  BlockGrid grid{{bounds[2], bounds[1], bounds[0]}, ArrayAttr()};
  if (llvm::is_contained(dynamic, true)) {
    int64_t staticBatch = 1;
    for (int64_t d : batchShape)
      if (!ShapedType::isDynamic(d))
        staticBatch *= d;
    auto tiles = [&](int64_t dim, int64_t tile) {
      return ::fused::ceilDivExpr(::fused::argDimName(outArg, dim), tile);
    };
    grid.sizes = gb.getStrArrayAttr(
        {dynamic[2] ? tiles(rank - 1, cfg.getBlockN()) : "",
         dynamic[1] ? tiles(rank - 2, cfg.getBlockM()) : "",
         dynamic[0] ? ::fused::timesDynamicSizesExpr(staticBatch, outArg,
                                                     batchShape)
                    : ""});
  }
  return grid;
}

LogicalResult LowerToMMAPass::lower(ModuleOp module, gpu::GPUModuleOp gpuModule,
                                    func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  Location loc = func.getLoc();
  auto cfg = FusedDialect::GemmConfigAttrHelper(ctx).getAttr(func);
  if (!cfg)
    return func.emitOpError() << "promoted kernel has no fused.gemm_config";
  int64_t numThreads = cfg.getNumThreads();

  // The kernel, with the function's body.
  gpu::GPUFuncOp kernel = ::fused::createKernelShell(
      loc, gpuModule, func.getSymName(), func.getFunctionType(), numThreads,
      KernelKind::gemm);
  Block &kernelEntry = kernel.getBody().front();
  IRMapping argMap;
  for (auto [from, to] :
       llvm::zip(func.getArguments(), kernelEntry.getArguments()))
    argMap.map(from, to);
  OpBuilder kb = OpBuilder::atBlockEnd(&kernelEntry);
  for (Operation &op : func.getBody().front().without_terminator())
    kb.clone(op, argMap);
  gpu::ReturnOp::create(kb, loc);

  IRRewriter rewriter(ctx);
  // Thread ids at the top.
  OpBuilder tb = OpBuilder::atBlockBegin(&kernelEntry);
  IB th{tb, loc};
  ThreadIds ids;
  ids.tid = gpu::ThreadIdOp::create(tb, loc, gpu::Dimension::x);
  ids.lane = th.rem(ids.tid, 32);
  Value warp = th.div(ids.tid, 32);
  ids.warpM = th.div(warp, cfg.getWarpsN());
  ids.warpN = th.rem(warp, cfg.getWarpsN());

  // Thread blocks.
  FailureOr<BlockGrid> grid = inlineBlockGrid(kernel, func, cfg, rewriter);
  if (failed(grid))
    return failure();

  // Shared memory: the rings become views of dynamic shared memory.
  SmallVector<memref::AllocOp> rings;
  kernel.walk([&](memref::AllocOp a) {
    if (FusedDialect::SwizzleAttrHelper(ctx).isAttrPresent(a))
      rings.push_back(a);
  });
  int64_t sharedBytes = 0;
  Value sharedBase;
  {
    OpBuilder sb = OpBuilder::atBlockBegin(&kernelEntry);
    auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    auto baseType = MemRefType::get({ShapedType::kDynamic}, sb.getI8Type(),
                                    MemRefLayoutAttrInterface(), wg);
    Value base = gpu::DynamicSharedMemoryOp::create(sb, loc, baseType);
    sharedBase = base;
    for (memref::AllocOp ring : rings) {
      auto type = ring.getType();
      int64_t bytes =
          type.getNumElements() * elementBytes(type.getElementType());
      OpBuilder rb(ring);
      Value off = arith::ConstantIndexOp::create(rb, loc, sharedBytes);
      auto view =
          memref::ViewOp::create(rb, loc, type, base, off, ValueRange{});
      // The copies and fragment reads find the swizzle on the view.
      FusedDialect::SwizzleAttrHelper(ctx).setAttr(
          view, FusedDialect::SwizzleAttrHelper(ctx).getAttr(ring));
      for (Operation *user : llvm::make_early_inc_range(ring->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      ring.replaceAllUsesWith(view.getResult());
      ring.erase();
      sharedBytes += (bytes + 127) / 128 * 128;
    }
  }

  // Asynchronous copies.
  SmallVector<CopyTileOp> copies;
  kernel.walk([&](CopyTileOp c) { copies.push_back(c); });
  for (CopyTileOp c : copies)
    if (failed(lowerCopy(c, ids, numThreads)))
      return failure();
  SmallVector<Operation *> groupOps;
  kernel.walk([&](Operation *op) {
    if (isa<AsyncCommitOp, AsyncWaitOp>(op))
      groupOps.push_back(op);
  });
  for (Operation *op : groupOps) {
    OpBuilder ob(op);
    if (isa<AsyncCommitOp>(op)) {
      NVVM::CpAsyncCommitGroupOp::create(ob, op->getLoc());
    } else {
      auto wait = cast<AsyncWaitOp>(op);
      NVVM::CpAsyncWaitGroupOp::create(ob, op->getLoc(),
                                       ob.getI32IntegerAttr(wait.getPending()));
      gpu::BarrierOp::create(ob, op->getLoc());
    }
    op->erase();
  }

  linalg::GenericOp epilogue;
  std::optional<MmaEmitter> emitter;
  FailureOr<scf::ForOp> newLoop =
      lowerContraction(func, kernel, cfg, ids, epilogue, emitter);
  if (failed(newLoop))
    return failure();

  // The epilogue on accumulator elements, staged through shared memory so
  // that the output is written with 16-byte stores.
  {
    OpBuilder eb(epilogue);
    OutputStaging staged =
        stageEpilogue(eb, kernel, epilogue, *newLoop, *emitter, cfg, ids,
                      sharedBase, sharedBytes);
    copyOutStaging(eb, staged, ids, numThreads, loc);
    eraseAccumulator(kernel, epilogue);
  }

  // Launch geometry.
  FusedDialect::LaunchAttrHelper(ctx).setAttr(
      kernel, LaunchConfigAttr::get(ctx, grid->size, {numThreads, 1, 1},
                                    sharedBytes, /*numOutputs=*/1,
                                    grid->sizes));
  FusedDialect::GemmConfigAttrHelper(ctx).setAttr(kernel, cfg);

  // Launches now name the GPU kernel.
  SymbolRefAttr newRef = kernelRef(kernel);
  StringAttr oldName = func.getSymNameAttr();
  module.walk([&](LaunchOp launch) {
    if (launch.getCalleeAttr().getRootReference() == oldName &&
        launch.getCalleeAttr().getNestedReferences().empty())
      launch.setCalleeAttr(newRef);
  });
  func.erase();
  return success();
}

} // namespace
