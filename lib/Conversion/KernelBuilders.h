//===- KernelBuilders.h - IR builders of the memory-bound kernels -*- C++ -*-===//
//
// Scalar f32 arithmetic and block-wide reductions (warp shuffles, then the
// warps' partials through shared memory) that the row-wise and reduction
// strategies build their kernels from.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_LIB_CONVERSION_KERNELBUILDERS_H
#define FUSED_LIB_CONVERSION_KERNELBUILDERS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

#include <limits>

namespace fused::kernel_builders {

using namespace mlir;

inline int64_t elementBytes(Type t) {
  return std::max<int64_t>(1, t.getIntOrFloatBitWidth() / 8);
}

/// Arithmetic at a builder's insertion point.
struct RB {
  OpBuilder &b;
  Location loc;
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value f(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(v)));
  }
  Value i32(int32_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  }
  Value addi(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value muli(Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, idx(y));
  }
  Value divi(Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, idx(y));
  }
  Value remi(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, idx(y));
  }
  Value ult(Value x, int64_t y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, idx(y));
  }
  Value ult(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value max(Value x, Value y) {
    return arith::MaximumFOp::create(b, loc, x, y);
  }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  /// 1 / s, or 0 where s is 0 (a softmax row that is -inf everywhere).
  Value reciprocalOrZero(Value s) {
    return select(oeq(s, f(0)), f(0), div(f(1), s));
  }
  Value rsqrt(Value x) { return math::RsqrtOp::create(b, loc, x); }
  Value oeq(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value toF32(Value x) {
    if (x.getType().isF32())
      return x;
    return arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  }
  Value fromF32(Value x, Type t) {
    if (t.isF32())
      return x;
    return arith::TruncFOp::create(b, loc, t, x);
  }
  /// f32 `x` rounded to `t` (and back to f32).
  Value roundTo(Value x, Type t) { return toF32(fromF32(x, t)); }
  /// exp(x - m), 0 where m is -inf (a row that is -inf everywhere).
  Value expShifted(Value x, Value m) {
    Value negInf = f(-std::numeric_limits<float>::infinity());
    return select(oeq(m, negInf), f(0), exp(sub(x, m)));
  }
};

/// Block-wide reductions: a warp shuffle tree, then the warps' partials
/// exchanged through shared memory (one slot array per reduction, so that
/// reductions need no barrier between them but the one that publishes).
struct BlockReduce {
  RB &r;
  Value tid;
  Value shared; // memref<slots x warps x f32, workgroup>
  int64_t warps;
  int64_t next = 0;

  Value warpReduce(Value x, bool isMax) {
    for (int32_t offset = 16; offset >= 1; offset /= 2) {
      Value other = gpu::ShuffleOp::create(r.b, r.loc, x, r.i32(offset),
                                           r.i32(32), gpu::ShuffleMode::XOR)
                        .getShuffleResult();
      x = isMax ? r.max(x, other) : r.add(x, other);
    }
    return x;
  }
  Value reduce(Value x, bool isMax) {
    x = warpReduce(x, isMax);
    if (warps == 1)
      return x;
    Value slot = r.idx(next++);
    Value lane = r.remi(tid, 32), warp = r.divi(tid, 32);
    Value isFirst = arith::CmpIOp::create(r.b, r.loc, arith::CmpIPredicate::eq,
                                          lane, r.idx(0));
    auto ifOp = scf::IfOp::create(r.b, r.loc, isFirst, false);
    {
      OpBuilder ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
      memref::StoreOp::create(ib, r.loc, x, shared, ValueRange{slot, warp});
    }
    gpu::BarrierOp::create(r.b, r.loc);
    // Every thread reads all the partials at once (the same addresses for
    // the whole warp: broadcasts), in 16-byte pieces.
    Value all = vector::LoadOp::create(
        r.b, r.loc, VectorType::get({warps}, r.b.getF32Type()), shared,
        ValueRange{slot, r.idx(0)}, /*nontemporal=*/false,
        llvm::MaybeAlign(std::min<int64_t>(16, 4 * warps)));
    Value acc =
        vector::ExtractOp::create(r.b, r.loc, all, ArrayRef<int64_t>{0});
    for (int64_t w = 1; w < warps; ++w) {
      Value v =
          vector::ExtractOp::create(r.b, r.loc, all, ArrayRef<int64_t>{w});
      acc = isMax ? r.max(acc, v) : r.add(acc, v);
    }
    return acc;
  }
};

/// The `lanes` consecutive elements at `index` of `memref`, as f32 values:
/// one element load, or one vector load with the alignment of its size (at
/// most 16 bytes), widened as a whole (elements extracted from the loaded
/// vector itself would let the backend rebuild the load from scalar ones).
inline SmallVector<Value> loadF32(RB &r, Value memref, ValueRange index,
                                  int64_t lanes) {
  Type et = cast<MemRefType>(memref.getType()).getElementType();
  if (lanes == 1)
    return {r.toF32(memref::LoadOp::create(r.b, r.loc, memref, index))};
  Value v = vector::LoadOp::create(
      r.b, r.loc, VectorType::get({lanes}, et), memref, index,
      /*nontemporal=*/false,
      llvm::MaybeAlign(std::min<int64_t>(16, lanes * elementBytes(et))));
  if (!et.isF32())
    v = arith::ExtFOp::create(
        r.b, r.loc, VectorType::get({lanes}, r.b.getF32Type()), v);
  SmallVector<Value> out;
  for (int64_t i = 0; i < lanes; ++i)
    out.push_back(
        vector::ExtractOp::create(r.b, r.loc, v, ArrayRef<int64_t>{i}));
  return out;
}

/// Stores the f32 `values` at `index` of `memref`, rounded to its element
/// type: one element store, or one vector store aligned to its size (at
/// most 16 bytes).
inline void storeF32(RB &r, ArrayRef<Value> values, Value memref,
                     ValueRange index) {
  Type et = cast<MemRefType>(memref.getType()).getElementType();
  if (values.size() == 1) {
    memref::StoreOp::create(r.b, r.loc, r.fromF32(values[0], et), memref,
                            index);
    return;
  }
  SmallVector<Value> narrow;
  for (Value v : values)
    narrow.push_back(r.fromF32(v, et));
  int64_t lanes = static_cast<int64_t>(values.size());
  Value v = vector::FromElementsOp::create(
      r.b, r.loc, VectorType::get({lanes}, et), narrow);
  vector::StoreOp::create(
      r.b, r.loc, v, memref, index, /*nontemporal=*/false,
      llvm::MaybeAlign(std::min<int64_t>(16, lanes * elementBytes(et))));
}

/// A row of `n` elements that starts `start` elements into a buffer whose
/// base is on a 16-byte boundary, split for 16-byte windows of `vector`
/// elements that start at its first 32-byte sector boundary (`sector`
/// elements): its head (the elements before that boundary, at most n),
/// its whole windows and its tail (what is left after them, fewer than
/// `vector`). The head and tail go one element per thread, each part in a
/// request of its own: thread t < headLen holds head element t, thread
/// sector + j with j < tailLen tail element tailStart + j.
struct WindowedRow {
  Value headLen, windows, tailStart, tailLen;
  /// Whether this thread holds a head or a tail element, and which tail
  /// element.
  Value headIn, tailIn, tailAt;

  WindowedRow(RB &r, Value tid, Value start, int64_t n, int64_t vector,
              int64_t sector)
      : WindowedRow(r, tid, start, Value(), n, vector, sector) {}
  /// A row of `n` elements known when the kernel runs.
  WindowedRow(RB &r, Value tid, Value start, Value n, int64_t vector,
              int64_t sector)
      : WindowedRow(r, tid, start, n, 0, vector, sector) {}

private:
  WindowedRow(RB &r, Value tid, Value start, Value dynamicN, int64_t staticN,
              int64_t vector, int64_t sector) {
    auto length = [&] { return dynamicN ? dynamicN : r.idx(staticN); };
    Value shift = r.remi(start, sector);
    Value head =
        r.remi(arith::SubIOp::create(r.b, r.loc, r.idx(sector), shift),
               sector);
    headLen = arith::MinUIOp::create(r.b, r.loc, head, length());
    windows = r.divi(arith::SubIOp::create(r.b, r.loc, length(), headLen),
                     vector);
    tailStart = r.addi(headLen, r.muli(windows, vector));
    tailLen = arith::SubIOp::create(r.b, r.loc, length(), tailStart);
    headIn = r.ult(tid, headLen);
    Value lane = arith::SubIOp::create(r.b, r.loc, tid, r.idx(sector));
    Value isTail = arith::AndIOp::create(
        r.b, r.loc,
        arith::CmpIOp::create(r.b, r.loc, arith::CmpIPredicate::uge, tid,
                              r.idx(sector)),
        r.ult(tid, r.idx(sector + vector)));
    tailIn = arith::AndIOp::create(r.b, r.loc, isTail, r.ult(lane, tailLen));
    tailAt = r.addi(tailStart, lane);
  }
};

/// A block's consecutive rows of `n` elements as one flat range: rows
/// whose length is not a whole number of sectors would share a sector with
/// the next row and request it twice; a range of `rowsPerBlock` rows is
/// copied between global and shared memory in 16-byte windows from its
/// first sector boundary (copyFlat), so that only the sectors where two
/// blocks' ranges meet are requested twice.
struct FlatRange {
  Type elemType;
  int64_t rowsPerBlock = 1, n = 1;
  /// The rows in all, or a number they are a multiple of (the static
  /// dimensions' product, with a dynamic first dimension).
  int64_t rows = 1;
  int64_t blockThreads = 256;

  int64_t sector() const { return 32 / elementBytes(elemType); }
  int64_t full() const { return 16 / elementBytes(elemType); }
  /// The bytes of a block's copy of its range in shared memory: its rows
  /// and the elements before them in their first 16-byte chunk (the copy
  /// starts there), rounded up to 16.
  int64_t bufferBytes() const {
    return ((rowsPerBlock * n + full()) * elementBytes(elemType) + 15) / 16 *
           16;
  }
  /// Whether a block's range may have a head or a tail. It has no head
  /// when every block's first row starts on a sector boundary; then no
  /// tail when its rows come in counts (the rows per block, or what the
  /// last block has left) that make whole 16-byte windows. The backend sees
  /// the same and removes the accesses, so they are not built.
  bool mayHaveEdges() const {
    auto twos = [](int64_t v) -> int64_t {
      return v == 0 ? 62 : llvm::countr_zero(static_cast<uint64_t>(v));
    };
    if (rowsPerBlock * n % sector() != 0)
      return true;
    int64_t counts = std::min<int64_t>(twos(rowsPerBlock), twos(rows));
    return counts + twos(n) < twos(full());
  }
};

/// `memref` as one dimension of all its elements.
inline Value flatView(OpBuilder &b, Location loc, Value memref) {
  auto t = cast<MemRefType>(memref.getType());
  if (t.getRank() == 1)
    return memref;
  ReassociationIndices all;
  for (int64_t d = 0; d < t.getRank(); ++d)
    all.push_back(d);
  return memref::CollapseShapeOp::create(b, loc, memref,
                                         ArrayRef<ReassociationIndices>{all});
}

/// Copies elements [start, start + length) of flat `global` to `shared`
/// (element f at f - alignedStart, a multiple of 16 bytes before start),
/// or back: 16-byte windows from the range's first sector boundary, the
/// block's threads taking consecutive ones, then its head and tail one
/// element per thread by one access, the head's on the first warp and the
/// tail's on the second, so that each is a request of its own.
inline void copyFlat(RB &r, const FlatRange &f, Value tid, Value global,
                     Value shared, Value start, Value length,
                     Value alignedStart, bool toShared) {
  int64_t full = f.full();
  WindowedRow w(r, tid, start, length, full, f.sector());
  Value lane = arith::SubIOp::create(r.b, r.loc, tid, r.idx(32));
  Value tailIn = arith::AndIOp::create(
      r.b, r.loc,
      arith::CmpIOp::create(r.b, r.loc, arith::CmpIPredicate::uge, tid,
                            r.idx(32)),
      r.ult(lane, w.tailLen));
  auto move = [&](RB &mr, Value at, int64_t lanes) {
    Value local = arith::SubIOp::create(mr.b, mr.loc, at, alignedStart);
    Value from = toShared ? global : shared, to = toShared ? shared : global;
    Value fromAt = toShared ? at : local, toAt = toShared ? local : at;
    if (lanes == 1) {
      Value v = memref::LoadOp::create(mr.b, mr.loc, from, fromAt);
      memref::StoreOp::create(mr.b, mr.loc, v, to, toAt);
      return;
    }
    auto vt = VectorType::get({lanes}, f.elemType);
    Value v = vector::LoadOp::create(mr.b, mr.loc, vt, from, fromAt,
                                     /*nontemporal=*/false,
                                     llvm::MaybeAlign(16));
    vector::StoreOp::create(mr.b, mr.loc, v, to, toAt, /*nontemporal=*/false,
                            llvm::MaybeAlign(16));
  };
  auto loop =
      scf::ForOp::create(r.b, r.loc, tid, w.windows, r.idx(f.blockThreads));
  {
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    lb.setInsertionPoint(loop.getBody()->getTerminator());
    RB lr{lb, r.loc};
    move(lr,
         lr.addi(lr.addi(start, w.headLen),
                 lr.muli(loop.getInductionVar(), full)),
         full);
  }
  if (!f.mayHaveEdges())
    return;
  auto ifOp = scf::IfOp::create(
      r.b, r.loc, arith::OrIOp::create(r.b, r.loc, w.headIn, tailIn), false);
  OpBuilder ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
  RB ir{ib, r.loc};
  move(ir,
       ir.addi(start, ir.select(w.headIn, tid, ir.addi(w.tailStart, lane))),
       1);
}

/// The indices of `flat` in a row-major space of `dims`.
/// `count` times the sizes of `memref`'s dynamic dimensions, read from its
/// descriptor: the elements (or accesses) of a kernel whose static part is
/// `count`. When `sizes` is given, it gets each dynamic dimension's size
/// (null for the static ones). The grid's side: timesDynamicSizesExpr.
inline Value timesDynamicSizes(RB &r, Value memref, int64_t count,
                               SmallVectorImpl<Value> *sizes = nullptr) {
  auto type = cast<MemRefType>(memref.getType());
  if (sizes)
    sizes->assign(type.getRank(), Value());
  Value total = r.idx(count);
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d)) {
      Value size = memref::DimOp::create(r.b, r.loc, memref, d);
      if (sizes)
        (*sizes)[d] = size;
      total = arith::MulIOp::create(r.b, r.loc, total, size);
    }
  return total;
}

/// The same with some sizes given as values: `sizes[d]` where it is set
/// (a dynamic dimension's size), else `dims[d]`.
inline SmallVector<Value> delinearize(RB &r, Value flat, ArrayRef<int64_t> dims,
                                      ArrayRef<Value> sizes) {
  SmallVector<Value> out(dims.size());
  Value rest = flat;
  for (int64_t d = static_cast<int64_t>(dims.size()) - 1; d >= 0; --d) {
    Value size = d < static_cast<int64_t>(sizes.size()) && sizes[d]
                     ? sizes[d]
                     : r.idx(dims[d]);
    out[d] = d == 0 ? rest : arith::RemUIOp::create(r.b, r.loc, rest, size);
    if (d > 0)
      rest = arith::DivUIOp::create(r.b, r.loc, rest, size);
  }
  return out;
}

inline SmallVector<Value> delinearize(RB &r, Value flat, ArrayRef<int64_t> dims) {
  SmallVector<Value> out(dims.size());
  Value rest = flat;
  for (int64_t d = static_cast<int64_t>(dims.size()) - 1; d >= 0; --d) {
    out[d] = d == 0 ? rest : r.remi(rest, dims[d]);
    if (d > 0)
      rest = r.divi(rest, dims[d]);
  }
  return out;
}

} // namespace fused::kernel_builders

#endif // FUSED_LIB_CONVERSION_KERNELBUILDERS_H
