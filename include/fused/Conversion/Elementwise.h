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

#include <optional>

namespace fused {

/// Whether `op` is an elementwise op of the dialect.
bool isElementwiseOp(mlir::Operation *op);

/// The f32 scalar computation of elementwise `op` on its operands `args`
/// (f32 scalars); null for an op that is not elementwise. A cast returns
/// its operand: callers round every result to its element type.
mlir::Value emitElementwiseF32(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Operation *op,
                               mlir::ArrayRef<mlir::Value> args);

/// The value of every element of `v` when `v` is an arith.constant splat
/// float tensor (a scale, an epsilon): kernels take it as an immediate
/// rather than as a buffer.
std::optional<double> splatConstant(mlir::Value v);

/// `v`'s f32 immediate in a kernel when `v` is a splat constant (rounded
/// to its element type first, as the tensor holds it), else null.
mlir::Value splatConstantF32(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value v);

} // namespace fused

#endif // FUSED_CONVERSION_ELEMENTWISE_H
