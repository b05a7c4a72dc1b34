//===- Elementwise.h - the elementwise ops, once for code generation -*- C++ -*-===//
//
// Which ops of the dialect are elementwise (numpy broadcasting for the
// binary ones) and the f32 scalar computation of each, shared by fusion
// (fused-fuse groups them), the GEMM epilogue (fused-tile) and the
// elementwise kernels.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_CONVERSION_ELEMENTWISE_H
#define FUSED_CONVERSION_ELEMENTWISE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

namespace fused {

/// Whether `op` is an elementwise op of the dialect.
bool isElementwiseOp(mlir::Operation *op);

/// The f32 scalar computation of elementwise `op` on its operands `args`
/// (f32 scalars); null for an op that is not elementwise. A cast returns
/// its operand: callers round every result to its element type.
mlir::Value emitElementwiseF32(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Operation *op,
                               mlir::ArrayRef<mlir::Value> args);

} // namespace fused

#endif // FUSED_CONVERSION_ELEMENTWISE_H
