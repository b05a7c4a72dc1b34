//===- KernelStructure.cpp - shared helpers of the GEMM kernel passes -----===//
//
// See KernelStructure.h.
//
//===----------------------------------------------------------------------===//

#include "fused/Conversion/KernelStructure.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

using namespace mlir;

scf::ForOp fused::fused::ensureKLoop(scf::ForallOp warps) {
  if (auto loop = dyn_cast<scf::ForOp>(warps->getParentOp()))
    return loop;
  OpBuilder b(warps);
  Location loc = warps.getLoc();
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(b, loc, c0, c1, c1);
  warps->moveBefore(loop.getBody()->getTerminator());
  return loop;
}
