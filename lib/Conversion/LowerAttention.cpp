//===- LowerAttention.cpp - attention kernels on tensor cores -------------===//
//
// The fused-lower-attention pass: every `fused.kernel` of kind attention
// becomes one `gpu.func` in `gpu.module @fused_kernels`, a FlashAttention-2
// style kernel written per thread, and the kernel op a `fused.launch` of it.
//
// Thread block (x, y, z) = (query block, query head, batch) holds BM = 64
// query rows, 16 per warp (4 warps). Q is copied once into shared memory;
// K and V tiles of BN rows stream through a two-stage cp.async ring. Per KV
// tile each warp computes S = Q Kᵀ (ldmatrix + mma.sync m16n8k16, f32
// accumulators), scales it into the log2 domain, adds the bias, masks keys
// past Skv or above the causal diagonal (only in the tiles that have such
// keys), and runs the online softmax: the
// running row maximum and sum live in registers (each row is spread over
// the four lanes of a quad, reduced with shuffles), the O accumulators are
// rescaled, and P, rounded to f16/bf16 in registers, is used directly as
// the A operand of P V (its accumulator layout is the A fragment layout).
// f32 operands take bf16 tensor cores with each element split in three
// bf16 parts (Q, K and V as they are read from shared memory, P in
// registers), six mma.sync per fragment pair, as the GEMM kernels do.
// KV tiles wholly above the causal diagonal are never visited. At the end O
// is divided by the row sum, staged through shared memory and stored in
// 16-byte chunks; the optional LSE is m + log(l).
//
//===----------------------------------------------------------------------===//

#include "GpuBuilders.h"
#include "KernelBuilders.h"
#include "fused/Conversion/AttentionStrategy.h"
#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/IR/Shapes.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include <cmath>

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDLOWERATTENTIONPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;
using namespace fused::fused;
using namespace fused::fused::gpu_builders;

namespace {

constexpr int64_t kBlockM = 64;
constexpr int64_t kWarps = 4;
constexpr int64_t kThreads = 32 * kWarps;

using Problem = ::fused::AttentionProblem;

/// f32 arithmetic at the builder's insertion point: the memory-bound
/// kernels' builders, with what the attention adds (exp2 and log2, fragment
/// elements, quad reductions).
struct FB : ::fused::kernel_builders::RB {
  FB(OpBuilder &b, Location loc) : RB{b, loc} {}
  Value exp2(Value x) { return math::Exp2Op::create(b, loc, x); }
  Value log2(Value x) { return math::Log2Op::create(b, loc, x); }
  Value ogt(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
  }
  Value extract(Value v, int64_t i, int64_t j) {
    return vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{i, j});
  }
  Value insert(Value x, Value v, int64_t i, int64_t j) {
    return vector::InsertOp::create(b, loc, x, v, ArrayRef<int64_t>{i, j});
  }
  /// A reduction over the four lanes of a quad (xor 1, then xor 2).
  Value quad(Value x, bool isMax) {
    for (int32_t offset : {1, 2}) {
      Value other = gpu::ShuffleOp::create(b, loc, x, i32(offset), i32(32),
                                           gpu::ShuffleMode::XOR)
                        .getShuffleResult();
      x = isMax ? max(x, other) : add(x, other);
    }
    return x;
  }
};

Value scmp(OpBuilder &b, Location loc, arith::CmpIPredicate p, Value x,
           Value y) {
  return arith::CmpIOp::create(b, loc, p, x, y);
}

/// Copies rows [row0, row0 + rows) of the (batch, head) slice of a global
/// [B, H, S, D] tensor into rows [dstRow0, ...) of a shared [*, D] tile, in
/// 16-byte cp.async chunks at their swizzled columns; rows at or past `S`
/// are zero-filled.
void copyRows(OpBuilder &b, Location loc, Value tid, Value src, Value batch,
              Value head, Value row0, int64_t rows, Value S, Value dst,
              Value dstRow0) {
  auto srcType = cast<MemRefType>(src.getType());
  int64_t D = srcType.getDimSize(3);
  int64_t bytes = elementBytes(srcType.getElementType());
  int64_t epc = 16 / bytes; // elements per 16-byte chunk
  int64_t chunksPerRow = D / epc, rowStep = swizzleRowStep(dst);
  forEachThreadChunk(
      b, loc, tid, rows * chunksPerRow, kThreads,
      [&](OpBuilder &ob, Value chunkId) {
        IB g{ob, loc};
        auto pos = ::fused::layout::copyChunkPosition(g, chunkId, chunksPerRow);
        Value srow = g.add(row0, pos.row);
        Value in = g.ult(srow, S);
        Value valid = g.select(in, g.c(epc), g.c(0));
        Value safeRow = g.select(in, srow, g.c(0));
        Value drow = g.add(dstRow0, pos.row);
        Value dcol = g.swizzleCol(drow, pos.chunk, D * bytes, epc, rowStep);
        emitAsyncCopy16(ob, loc, dst, ValueRange{drow, dcol}, src,
                        ValueRange{batch, head, safeRow, g.mul(pos.chunk, epc)},
                        valid, epc);
      });
}

/// The index of `coord` (the coordinates in [B, Hq, Sq, Skv]) in a bias of
/// shape `shape` that broadcasts to it (numpy rules, trailing alignment).
SmallVector<Value> biasIndices(IB &h, ArrayRef<int64_t> shape,
                               ArrayRef<Value> coord) {
  SmallVector<Value> idx;
  size_t lead = coord.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d)
    idx.push_back(shape[d] == 1 ? h.c(0) : coord[lead + d]);
  return idx;
}

/// What the pieces of an attention kernel share: the problem, the thread's
/// coordinates, the tiles' buffers and the loop's accumulators.
struct AttentionKernel {
  const Problem &p;
  Location loc;
  Value tid, lane, warp, g, t2;
  Value batch, head, kvHead, q0;
  /// The two rows this thread holds, and up to which key each sees.
  Value rows[2];
  Value limits[2];
  /// Skv - Sq, and the lengths (from the descriptors when dynamic).
  Value diag;
  Value numTiles;
  Value sQ, sK, sV; // shared
  Value gK, gV, gBias, gO, gLse; // global
  Value zeroAcc;
  int64_t numO, numS;
  gpu::AddressSpaceAttr wg;
  Value sq, skv;
};

/// S = Q K^T for this warp's 16 rows and the tile at `stageRow` of the K
/// ring: ldmatrix fragments of Q and K, mma.sync into f32 accumulators.
SmallVector<Value> computeScores(const AttentionKernel &k, OpBuilder &lb,
                                 Value stageRow) {
  const Problem &p = k.p;
  Location loc = k.loc;
  Value lane = k.lane, warp = k.warp, sQ = k.sQ, sK = k.sK;
  Value zeroAcc = k.zeroAcc;
  int64_t numS = k.numS;
  IB l{lb, loc};
  SmallVector<Value> s(numS, zeroAcc);
  Value warpTileRow = l.mul(warp, 16);
  if (p.elemType.isF32()) {
    // f32: fragments as f32 pairs along D from Q and K, split in three
    // bf16 parts, six bf16 mma.sync per pair of fragments.
    Type bf16 = lb.getBF16Type();
    for (int64_t kk = 0; kk < p.D; kk += 16) {
      SmallVector<Value> qElements;
      for (int64_t reg = 0; reg < 4; ++reg)
        llvm::append_range(
            qElements,
            loadPair(lb, loc, sQ, l.add(l.add(warpTileRow, k.g), (reg % 2) * 8),
                     l.add(k.t2, kk + (reg / 2) * 8), /*ijMajor=*/true));
      auto qParts = fragmentParts(lb, loc, qElements, {4, 2});
      for (int64_t i = 0; i < numS; ++i) {
        SmallVector<Value> kElements;
        Value key = l.add(l.add(stageRow, k.g), i * 8);
        for (int64_t reg = 0; reg < 2; ++reg)
          llvm::append_range(kElements,
                             loadPair(lb, loc, sK, key,
                                      l.add(k.t2, kk + reg * 8), true));
        auto kParts = fragmentParts(lb, loc, kElements, {2, 2});
        for (auto [pa, pb] : kSplitProducts)
          s[i] = emitMma(lb, loc, bf16, qParts[pa], kParts[pb], s[i]);
      }
    }
    return s;
  }
  for (int64_t kk = 0; kk < p.D; kk += 16) {
    auto qa = ::fused::layout::aFragmentSegment(l, lane, warpTileRow, kk,
                                                /*kMajor=*/false);
    Value aFrag =
        emitLdMatrix(lb, loc, p.elemType, sQ, qa.row,
                     l.swizzleCol(qa.row, qa.chunk, p.D * 2), false);
    for (int64_t n = 0; n < p.blockN(); n += 16) {
      auto kb = ::fused::layout::bFragmentSegment(
          l, lane, l.add(stageRow, n), kk, /*nMajor=*/true);
      Value x4 =
          emitLdMatrix(lb, loc, p.elemType, sK, kb.row,
                       l.swizzleCol(kb.row, kb.chunk, p.D * 2), false);
      auto frags = splitBFragments(lb, loc, x4);
      for (int64_t half = 0; half < 2; ++half) {
        int64_t i = n / 8 + half;
        s[i] = emitMma(lb, loc, p.elemType, aFrag, frags[half], s[i]);
      }
    }
  }
  return s;
}

/// O += P V: P (the probabilities in `s`, rounded to the operand type) is
/// the A operand, V's tile at `stageRow` the B operand via ldmatrix.trans.
void accumulatePV(const AttentionKernel &k, OpBuilder &lb,
                  ArrayRef<Value> s, SmallVector<Value> &acc,
                  Value stageRow) {
  const Problem &p = k.p;
  Location loc = k.loc;
  Value lane = k.lane, sV = k.sV;
  IB l{lb, loc};
  FB lf{lb, loc};
  auto pairType = VectorType::get({2}, p.elemType);
  auto aType = VectorType::get({4, 2}, p.elemType);
  if (p.elemType.isF32()) {
    // f32: P (in registers, already in the A fragment layout) and V's
    // fragments (single elements down V's rows) split in three bf16 parts.
    Type bf16 = lb.getBF16Type();
    for (int64_t ks = 0; ks < p.blockN() / 16; ++ks) {
      SmallVector<Value> pElements;
      for (int64_t half = 0; half < 2; ++half)
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t c = 0; c < 2; ++c)
            pElements.push_back(lf.extract(s[2 * ks + half], r, c));
      auto pParts = fragmentParts(lb, loc, pElements, {4, 2});
      for (int64_t i = 0; i < p.Dv / 8; ++i) {
        SmallVector<Value> vElements;
        Value column = l.add(k.g, i * 8);
        for (int64_t reg = 0; reg < 2; ++reg)
          llvm::append_range(
              vElements,
              loadPair(lb, loc, sV, column,
                       l.add(l.add(stageRow, k.t2), ks * 16 + reg * 8),
                       /*ijMajor=*/false));
        auto vParts = fragmentParts(lb, loc, vElements, {2, 2});
        for (auto [pa, pb] : kSplitProducts)
          acc[i] = emitMma(lb, loc, bf16, pParts[pa], vParts[pb], acc[i]);
      }
    }
    return;
  }
  for (int64_t ks = 0; ks < p.blockN() / 16; ++ks) {
    auto pack = [&](Value sv, int64_t r) {
      Value lo = arith::TruncFOp::create(lb, loc, p.elemType,
                                         lf.extract(sv, r, 0));
      Value hi = arith::TruncFOp::create(lb, loc, p.elemType,
                                         lf.extract(sv, r, 1));
      return vector::FromElementsOp::create(lb, loc, pairType,
                                            ValueRange{lo, hi})
          .getResult();
    };
    Value parts[4] = {pack(s[2 * ks], 0), pack(s[2 * ks], 1),
                      pack(s[2 * ks + 1], 0), pack(s[2 * ks + 1], 1)};
    Value aFrag = arith::ConstantOp::create(lb, loc, aType,
                                            lb.getZeroAttr(aType));
    for (int64_t i = 0; i < 4; ++i)
      aFrag = vector::InsertOp::create(lb, loc, parts[i], aFrag,
                                       ArrayRef<int64_t>{i});
    for (int64_t d = 0; d < p.Dv; d += 16) {
      auto vb = ::fused::layout::bFragmentSegment(l, lane, l.c(d), ks * 16,
                                                  /*nMajor=*/false);
      Value vrow = l.add(vb.row, stageRow);
      Value x4 =
          emitLdMatrix(lb, loc, p.elemType, sV, vrow,
                       l.swizzleCol(vrow, vb.chunk, p.Dv * 2), true);
      auto frags = splitBFragments(lb, loc, x4);
      for (int64_t half = 0; half < 2; ++half) {
        int64_t i = d / 8 + half;
        acc[i] = emitMma(lb, loc, p.elemType, aFrag, frags[half], acc[i]);
      }
    }
  }
}

/// One iteration of the loop over K/V tiles: prefetch the next tile, S =
/// Q K^T, scale, bias and mask, the online softmax, O += P V.
void buildTileStep(const AttentionKernel &k, scf::ForOp loop) {
  const Problem &p = k.p;
  Location loc = k.loc;
  Value tid = k.tid, t2 = k.t2;
  Value batch = k.batch, head = k.head, kvHead = k.kvHead, q0 = k.q0;
  const Value *rows = k.rows, *limits = k.limits;
  Value diag = k.diag;
  int64_t numO = k.numO, numS = k.numS;
  Value numTiles = k.numTiles, sK = k.sK, sV = k.sV;
  Value gK = k.gK, gV = k.gV, gBias = k.gBias;
  Type f32 = Float32Type::get(loc.getContext());
  const float log2e = 1.4426950408889634f;
  const float negInf = -std::numeric_limits<float>::infinity();
  OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
  IB l{lb, loc};
  FB lf{lb, loc};
  Value j = loop.getInductionVar();
  auto iter = loop.getRegionIterArgs();
  SmallVector<Value> acc(iter.begin(), iter.begin() + numO);
  Value m[2] = {iter[numO], iter[numO + 1]};
  Value lsum[2] = {iter[numO + 2], iter[numO + 3]};
  Value stage = l.rem(j, 2);
  Value stageRow = l.mul(stage, p.blockN());

  // Prefetch the next tile into the other stage.
  Value next = l.add(j, 1);
  auto pre = scf::IfOp::create(lb, loc, l.ult(next, numTiles), false);
  {
    OpBuilder pb = OpBuilder::atBlockBegin(pre.thenBlock());
    IB ph{pb, loc};
    Value otherRow = ph.mul(ph.sub(ph.c(1), stage), p.blockN());
    Value kv0 = ph.mul(next, p.blockN());
    copyRows(pb, loc, tid, gK, batch, kvHead, kv0, p.blockN(), k.skv, sK, otherRow);
    copyRows(pb, loc, tid, gV, batch, kvHead, kv0, p.blockN(), k.skv, sV, otherRow);
  }
  NVVM::CpAsyncCommitGroupOp::create(lb, loc);
  NVVM::CpAsyncWaitGroupOp::create(lb, loc, lb.getI32IntegerAttr(1));
  gpu::BarrierOp::create(lb, loc);

  // S = Q Kᵀ for this warp's 16 rows and the tile's BN keys.
  SmallVector<Value> s = computeScores(k, lb, stageRow);
  // Scale into the log2 domain and add the bias.
  Value kv0 = l.mul(j, p.blockN());
  Value scaleLog2 = lf.f(p.scale * log2e);
  Value ninf = lf.f(negInf);
  auto keyOf = [&](IB &ib, int64_t i, int64_t e) {
    return ib.add(ib.add(kv0, t2), i * 8 + e % 2);
  };
  for (int64_t i = 0; i < numS; ++i)
    for (int64_t e = 0; e < 4; ++e) {
      int r = e / 2;
      Value v = lf.mul(lf.extract(s[i], r, e % 2), scaleLog2);
      if (p.hasBias) {
        Value row = l.mins(rows[r], l.sub(k.sq, l.c(1)));
        Value col = l.mins(keyOf(l, i, e), l.sub(k.skv, l.c(1)));
        auto bt = cast<MemRefType>(gBias.getType());
        SmallVector<Value> coord = {batch, head, row, col};
        Value bv = memref::LoadOp::create(
            lb, loc, gBias, biasIndices(l, bt.getShape(), coord));
        if (!bv.getType().isF32())
          bv = arith::ExtFOp::create(lb, loc, f32, bv);
        v = lf.add(v, lf.mul(bv, lf.f(log2e)));
      }
      s[i] = lf.insert(v, s[i], r, e % 2);
    }

  // Mask keys past Skv and above the diagonal, in the tiles that have
  // any: the last tile when Skv is not a multiple of BN, and (causal) the
  // tiles that cross the block's diagonal. The others skip the compares.
  Value tileEnd = l.add(kv0, p.blockN());
  Value needMask = scmp(lb, loc, arith::CmpIPredicate::sgt, tileEnd, k.skv);
  if (p.causal)
    needMask = arith::OrIOp::create(
        lb, loc, needMask,
        scmp(lb, loc, arith::CmpIPredicate::sgt, tileEnd,
             l.add(l.add(q0, diag), 1)));
  auto masked = scf::IfOp::create(
      lb, loc, needMask,
      [&](OpBuilder &mb2, Location ml) {
        IB mh{mb2, ml};
        FB mf{mb2, ml};
        SmallVector<Value> out(s);
        for (int64_t i = 0; i < numS; ++i)
          for (int64_t e = 0; e < 4; ++e) {
            int r = e / 2;
            Value visible = scmp(mb2, ml, arith::CmpIPredicate::slt,
                                 keyOf(mh, i, e), limits[r]);
            Value v = mf.select(visible, mf.extract(out[i], r, e % 2),
                                mf.f(negInf));
            out[i] = mf.insert(v, out[i], r, e % 2);
          }
        scf::YieldOp::create(mb2, ml, out);
      },
      [&](OpBuilder &eb2, Location el) {
        scf::YieldOp::create(eb2, el, s);
      });
  Value rowMax[2] = {ninf, ninf};
  for (int64_t i = 0; i < numS; ++i) {
    s[i] = masked.getResult(i);
    for (int64_t e = 0; e < 4; ++e)
      rowMax[e / 2] = lf.max(rowMax[e / 2], lf.extract(s[i], e / 2, e % 2));
  }

  // Online softmax.
  Value mNew[2], mUse[2], alpha[2], rowSum[2];
  for (int r = 0; r < 2; ++r) {
    mNew[r] = lf.max(m[r], lf.quad(rowMax[r], /*isMax=*/true));
    // A row that has seen no visible key yet keeps -inf; subtract 0 then
    // so that exp2 gives 0 rather than NaN.
    mUse[r] = lf.select(lf.oeq(mNew[r], ninf), lf.f(0), mNew[r]);
    alpha[r] = lf.exp2(lf.sub(m[r], mUse[r]));
    rowSum[r] = lf.f(0);
  }
  for (int64_t i = 0; i < numS; ++i)
    for (int64_t e = 0; e < 4; ++e) {
      int r = e / 2;
      Value pv = lf.exp2(lf.sub(lf.extract(s[i], r, e % 2), mUse[r]));
      rowSum[r] = lf.add(rowSum[r], pv);
      s[i] = lf.insert(pv, s[i], r, e % 2);
    }
  Value newL[2];
  for (int r = 0; r < 2; ++r)
    newL[r] = lf.add(lf.mul(lsum[r], alpha[r]), rowSum[r]);
  for (Value &a : acc)
    for (int64_t e = 0; e < 4; ++e) {
      int r = e / 2;
      a = lf.insert(lf.mul(lf.extract(a, r, e % 2), alpha[r]), a, r, e % 2);
    }

  // O += P V: P's accumulator fragments are the A fragments of P V.
  accumulatePV(k, lb, s, acc, stageRow);
  // The stage just read is refilled by the next iteration's prefetch.
  gpu::BarrierOp::create(lb, loc);
  SmallVector<Value> yields(acc);
  yields.append({mNew[0], mNew[1], newL[0], newL[1]});
  scf::YieldOp::create(lb, loc, yields);
}

/// After the loop: normalise O and compute the LSE, stage O through shared
/// memory (the Q and K buffers, free by now) and store it in 16-byte
/// chunks.
void buildOutput(const AttentionKernel &k, OpBuilder &b, ValueRange results,
                 Value base, int64_t &sharedBytes) {
  const Problem &p = k.p;
  Location loc = k.loc;
  Value tid = k.tid, lane = k.lane, warp = k.warp, g = k.g, t2 = k.t2;
  Value batch = k.batch, head = k.head, q0 = k.q0;
  const Value *rows = k.rows;
  int64_t numO = k.numO;
  Value gO = k.gO, gLse = k.gLse;
  Type f32 = Float32Type::get(loc.getContext());
  const float negInf = -std::numeric_limits<float>::infinity();
  auto wg = k.wg;
  IB h{b, loc};
  FB f{b, loc};
  Value sq = k.sq;
  // Normalise and store.
  Value inv[2], lse[2];
  for (int r = 0; r < 2; ++r) {
    Value m = results[numO + r];
    Value lTotal = f.quad(results[numO + 2 + r], /*isMax=*/false);
    Value any = f.ogt(lTotal, f.f(0));
    inv[r] = f.select(any, f.div(f.f(1), lTotal), f.f(0));
    // lse = ln(l) + m ln 2 (m is in the log2 domain).
    Value ln2 = f.f(0.6931471805599453f);
    lse[r] = f.select(any, f.mul(f.add(m, f.log2(lTotal)), ln2),
                      f.f(negInf));
  }
  // O goes through shared memory (the Q and K buffers, free once every
  // copy has landed and every warp is past the loop) so that it leaves in
  // 16-byte chunks.
  gpu::BarrierOp::create(b, loc);
  int64_t outBytes = elementBytes(p.outType);
  int64_t stageRowBytes = p.Dv * outBytes;
  auto stageType = MemRefType::get({kBlockM, p.Dv}, p.outType,
                                   MemRefLayoutAttrInterface(), wg);
  Value sO = memref::ViewOp::create(b, loc, stageType, base, h.c(0),
                                    ValueRange{});
  sharedBytes = std::max(sharedBytes, kBlockM * stageRowBytes);
  int64_t epc = 16 / outBytes; // elements per 16-byte chunk
  int64_t rowStep = ::fused::layout::stagingRowStep(outBytes, stageRowBytes);
  auto outPair = VectorType::get({2}, p.outType);
  for (int r = 0; r < 2; ++r) {
    Value localRow = h.add(h.add(h.mul(warp, 16), g), 8 * r);
    for (int64_t i = 0; i < numO; ++i) {
      Value vals[2];
      for (int64_t c = 0; c < 2; ++c) {
        vals[c] = f.mul(f.extract(results[i], r, c), inv[r]);
        if (p.outType != f32)
          vals[c] = arith::TruncFOp::create(b, loc, p.outType, vals[c]);
      }
      Value pair =
          vector::FromElementsOp::create(b, loc, outPair, ValueRange(vals));
      Value col = h.add(t2, i * 8);
      Value stored = h.add(h.swizzleCol(localRow, h.div(col, epc),
                                        stageRowBytes, epc, rowStep),
                           h.rem(col, epc));
      // The pair starts at an even column of the staging tile.
      vector::StoreOp::create(b, loc, pair, sO, ValueRange{localRow, stored},
                              /*nontemporal=*/false,
                              llvm::MaybeAlign(2 * outBytes));
    }
    if (p.hasLse) {
      Value inside = h.andi(h.ult(rows[r], sq),
                            h.ult(h.rem(lane, 4), h.c(1)));
      auto lseIf = scf::IfOp::create(b, loc, inside, false);
      OpBuilder xb = OpBuilder::atBlockBegin(lseIf.thenBlock());
      memref::StoreOp::create(xb, loc, lse[r], gLse,
                              ValueRange{batch, head, rows[r]});
    }
  }
  gpu::BarrierOp::create(b, loc);
  forEachStagedChunk(
      b, loc, tid, kThreads, sO, kBlockM, stageRowBytes, epc, rowStep,
      [&](OpBuilder &ob, Value tileRow, Value chunk, Value v) {
        IB c{ob, loc};
        Value row = c.add(q0, tileRow);
        auto ifOp = scf::IfOp::create(ob, loc, c.ult(row, sq), false);
        OpBuilder wb = OpBuilder::atBlockBegin(ifOp.thenBlock());
        IB w{wb, loc};
        // O's rows are 16-byte aligned (checked by analyze): one 16-byte
        // store per chunk.
        vector::StoreOp::create(wb, loc, v, gO,
                                ValueRange{batch, head, row,
                                           w.mul(chunk, epc)},
                                /*nontemporal=*/false, llvm::MaybeAlign(16));
      });
}

LogicalResult buildKernel(KernelOp kernelOp, AttentionOp att,
                          gpu::GPUModuleOp gpuModule, StringRef name,
                          const Problem &p, gpu::GPUFuncOp &out) {
  MLIRContext *ctx = kernelOp.getContext();
  Location loc = att.getLoc();
  // Arguments: the kernel's inputs, then its results, as memrefs.
  gpu::GPUFuncOp kernel =
      ::fused::createKernelShell(kernelOp, gpuModule, name, kThreads);
  Block &entry = kernel.getBody().front();

  // Which kernel argument each attention operand is.
  Block &body = kernelOp.getBody().front();
  auto argOf = [&](Value v) -> Value {
    auto ba = cast<BlockArgument>(v);
    return entry.getArgument(ba.getArgNumber());
  };
  Value gQ = argOf(att.getQuery()), gK = argOf(att.getKey()),
        gV = argOf(att.getValue());
  Value gBias = p.hasBias ? argOf(att.getBias()) : Value();
  size_t numInputs = body.getNumArguments();
  Value gO = entry.getArgument(numInputs);
  Value gLse = p.hasLse ? entry.getArgument(numInputs + 1) : Value();
  // The 16-byte cp.async copies of Q, K and V and the 16-byte stores of O
  // need 16-byte aligned rows (offsets as well as strides).
  for (Value buffer : {gQ, gK, gV, gO})
    if (!hasAligned16ByteRows(buffer))
      return kernel->emitOpError()
             << "attention code generation needs buffers whose rows start "
                "on 16-byte boundaries, got "
             << buffer.getType();

  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  IB h{b, loc};
  FB f{b, loc};
  Type f32 = b.getF32Type();
  auto accType = VectorType::get({2, 2}, f32);
  const float negInf = -std::numeric_limits<float>::infinity();

  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = h.rem(tid, 32), warp = h.div(tid, 32);
  Value g = h.div(lane, 4), t2 = h.mul(h.rem(lane, 4), 2);
  Value qBlock = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value head = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value batch = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  Value kvHead = h.div(head, p.Hq / p.Hkv);
  Value q0 = h.mul(qBlock, kBlockM);
  Value warpRow0 = h.add(q0, h.mul(warp, 16));
  // The two rows this thread holds: warpRow0 + g and warpRow0 + g + 8.
  Value rows[2] = {h.add(warpRow0, g), h.add(h.add(warpRow0, g), 8)};

  // Shared memory: Q [BM][D], K [2 BN][D], V [2 BN][Dv].
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto baseType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                  MemRefLayoutAttrInterface(), wg);
  Value base = gpu::DynamicSharedMemoryOp::create(b, loc, baseType);
  int64_t offset = 0;
  // f32 tiles read as pairs along D (Q and K) take the xor16_pairs
  // swizzle (see LowerToMMA.cpp).
  int64_t bytes = elementBytes(p.elemType);
  auto view = [&](int64_t r, int64_t c, bool pairs) {
    auto type = MemRefType::get({r, c}, p.elemType,
                                MemRefLayoutAttrInterface(), wg);
    auto v = memref::ViewOp::create(b, loc, type, base, h.c(offset),
                                    ValueRange{});
    if (pairs)
      FusedDialect::SwizzleAttrHelper(ctx).setAttr(
          v, SwizzleAttr::get(ctx, Swizzle::xor16_pairs));
    offset += (r * c * bytes + 127) / 128 * 128;
    return v.getResult();
  };
  bool splitF32 = p.elemType.isF32();
  Value sQ = view(kBlockM, p.D, splitF32);
  Value sK = view(2 * p.blockN(), p.D, splitF32);
  Value sV = view(2 * p.blockN(), p.Dv, false);
  int64_t sharedBytes = offset;

  // The KV tiles this block visits: up to the causal diagonal of its last
  // row (bottom-right aligned: key j is visible from row i iff
  // j <= i + Skv - Sq).
  // With dynamic lengths, Sq and Skv come from Q's and K's descriptors.
  Value sq = ShapedType::isDynamic(p.Sq)
                 ? Value(memref::DimOp::create(b, loc, gQ, 2))
                 : h.c(p.Sq);
  Value skv = ShapedType::isDynamic(p.Skv)
                  ? Value(memref::DimOp::create(b, loc, gK, 2))
                  : h.c(p.Skv);
  Value diag = ShapedType::isDynamic(p.Sq) || ShapedType::isDynamic(p.Skv)
                   ? h.sub(skv, sq)
                   : h.c(p.Skv - p.Sq);
  Value kvEnd = skv;
  if (p.causal) {
    Value lastRow = h.mins(h.add(q0, kBlockM), sq);
    kvEnd = h.maxs(h.c(0), h.mins(skv, h.add(lastRow, diag)));
  }
  Value numTiles = h.div(h.add(kvEnd, p.blockN() - 1), p.blockN());
  // Per row: keys below `limit` are visible.
  Value limits[2];
  for (int r = 0; r < 2; ++r)
    limits[r] =
        p.causal ? h.mins(skv, h.add(h.add(rows[r], diag), 1)) : skv;

  // Prologue: Q and the first K/V tile.
  copyRows(b, loc, tid, gQ, batch, head, q0, kBlockM, sq, sQ, h.c(0));
  copyRows(b, loc, tid, gK, batch, kvHead, h.c(0), p.blockN(), skv, sK, h.c(0));
  copyRows(b, loc, tid, gV, batch, kvHead, h.c(0), p.blockN(), skv, sV, h.c(0));
  NVVM::CpAsyncCommitGroupOp::create(b, loc);

  int64_t numO = p.Dv / 8, numS = p.blockN() / 8;
  Value zeroAcc = arith::ConstantOp::create(
      b, loc, accType, DenseElementsAttr::get(accType, 0.0f));
  SmallVector<Value> inits(numO, zeroAcc);
  inits.append({f.f(negInf), f.f(negInf), f.f(0), f.f(0)});
  AttentionKernel k{p,     loc,    tid,    lane,    warp,     g,
                    t2,    batch,  head,   kvHead,  q0,       {rows[0], rows[1]},
                    {limits[0], limits[1]}, diag, numTiles, sQ, sK, sV,
                    gK,    gV,     gBias,  gO,      gLse,     zeroAcc,
                    numO,  numS,   wg,     sq,      skv};
  auto loop = scf::ForOp::create(b, loc, h.c(0), numTiles, h.c(1), inits);
  buildTileStep(k, loop);
  NVVM::CpAsyncWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0));

  buildOutput(k, b, loop.getResults(), base, sharedBytes);
  gpu::ReturnOp::create(b, loc);

  // With a dynamic Sq the grid's x axis follows from Q's length, with a
  // dynamic batch its z axis from Q's batch.
  bool dynamicSq = ShapedType::isDynamic(p.Sq);
  bool dynamicB = ShapedType::isDynamic(p.B);
  int64_t qBlocks = dynamicSq ? 0 : (p.Sq + kBlockM - 1) / kBlockM;
  unsigned qArg = cast<BlockArgument>(att.getQuery()).getArgNumber();
  ArrayAttr gridSizes;
  if (dynamicSq || dynamicB)
    gridSizes = b.getStrArrayAttr(
        {dynamicSq ? ::fused::ceilDivExpr(::fused::argDimName(qArg, 2),
                                          kBlockM)
                   : "",
         "", dynamicB ? ::fused::argDimName(qArg, 0) : ""});
  FusedDialect::LaunchAttrHelper(ctx).setAttr(
      kernel, LaunchConfigAttr::get(ctx, {qBlocks, p.Hq, dynamicB ? 0 : p.B},
                                    {kThreads, 1, 1}, sharedBytes,
                                    p.hasLse ? 2 : 1, gridSizes));
  FusedDialect::AttentionConfigAttrHelper(ctx).setAttr(
      kernel, AttentionConfigAttr::get(ctx, kBlockM, p.blockN(), kWarps));
  out = kernel;
  return success();
}

struct LowerAttentionPass
    : public ::fused::fused::impl::FusedLowerAttentionPassBase<
          LowerAttentionPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<KernelOp> kernels;
    module.walk([&](KernelOp k) {
      if (k.getKind() == KernelKind::attention)
        kernels.push_back(k);
    });
    if (kernels.empty())
      return;
    gpu::GPUModuleOp gpuModule = getOrCreateKernelModule(module);
    ::fused::Target target = moduleTarget(module);
    for (KernelOp k : kernels) {
      FailureOr<Problem> p = ::fused::analyzeAttentionKernel(k, target);
      if (failed(p))
        return signalPassFailure();
      // What this lowering builds: blocks of 64 query rows, 4 warps.
      if (p->config.getBlockM() != kBlockM || p->config.getWarps() != kWarps)
        return k.emitOpError() << "the attention lowering builds blocks of "
                               << kBlockM << " rows and " << kWarps
                               << " warps, not " << p->config,
               signalPassFailure();
      AttentionOp att = p->op;
      auto func = k->getParentOfType<func::FuncOp>();
      std::string name =
          (func ? func.getSymName().str() : std::string("kernel")) +
          "_attention";
      gpu::GPUFuncOp kernel;
      if (failed(buildKernel(k, att, gpuModule, name, *p, kernel)))
        return signalPassFailure();
      OpBuilder b(k);
      FailureOr<LaunchOp> launch =
          ::fused::createLaunchFor(b, k, kernelRef(kernel));
      if (failed(launch))
        return signalPassFailure();
      k.replaceAllUsesWith(launch->getResults());
      k.erase();
    }
  }
};

} // namespace
