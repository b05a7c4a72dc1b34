//===- KernelStructure.h - shared helpers of the GEMM kernel passes -*- C++
//-*-===//
//
// Helpers that fused-promote-shared and fused-lower-to-mma both use to find
// their way around a tiled GEMM kernel function.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_CONVERSION_KERNELSTRUCTURE_H
#define FUSED_CONVERSION_KERNELSTRUCTURE_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace fused::fused {

/// Index arithmetic at a builder's insertion point, for the kernel passes
/// (and, through its `Value`/`c`/`add`/`mul`/`div`/`rem`/`xori` members, the
/// address templates of fused/Transforms/Layouts.h).
struct IndexBuilder {
  using Value = mlir::Value;
  mlir::OpBuilder &b;
  mlir::Location loc;

  IndexBuilder(mlir::OpBuilder &b, mlir::Location loc) : b(b), loc(loc) {}

  Value c(int64_t v) { return mlir::arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) {
    return mlir::arith::AddIOp::create(b, loc, x, y);
  }
  Value add(Value x, int64_t y) { return y ? add(x, c(y)) : x; }
  Value sub(Value x, Value y) {
    return mlir::arith::SubIOp::create(b, loc, x, y);
  }
  Value mul(Value x, int64_t y) {
    return mlir::arith::MulIOp::create(b, loc, x, c(y));
  }
  Value div(Value x, int64_t y) {
    return mlir::arith::DivUIOp::create(b, loc, x, c(y));
  }
  Value rem(Value x, int64_t y) {
    return mlir::arith::RemUIOp::create(b, loc, x, c(y));
  }
  Value xori(Value x, Value y) {
    return mlir::arith::XOrIOp::create(b, loc, x, y);
  }
  Value mins(Value x, Value y) {
    return mlir::arith::MinSIOp::create(b, loc, x, y);
  }
  Value maxs(Value x, Value y) {
    return mlir::arith::MaxSIOp::create(b, loc, x, y);
  }
  Value ult(Value x, Value y) {
    return mlir::arith::CmpIOp::create(b, loc, mlir::arith::CmpIPredicate::ult,
                                       x, y);
  }
  Value andi(Value x, Value y) {
    return mlir::arith::AndIOp::create(b, loc, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return mlir::arith::SelectOp::create(b, loc, cond, x, y);
  }
  /// How much of a `tile`-long stretch starting at `offset` lies below
  /// `bound`: min(tile, bound - offset), clamped at 0.
  Value clip(int64_t tile, Value bound, Value offset) {
    return maxs(c(0), mins(c(tile), sub(bound, offset)));
  }
  Value clip(int64_t tile, int64_t bound, Value offset) {
    return clip(tile, c(bound), offset);
  }
};

/// The loop over K tiles around the warps' contraction. Canonicalization
/// folds a loop of one iteration away; this puts it back (0 to 1) so that
/// every GEMM kernel has the same structure.
mlir::scf::ForOp ensureKLoop(mlir::scf::ForallOp warps);

} // namespace fused::fused

#endif // FUSED_CONVERSION_KERNELSTRUCTURE_H
