//===- Elementwise.h - splat constants as kernel immediates ----*- C++ -*-===//
//
// Scalars that kernels take as immediates rather than as buffers. What each
// elementwise op computes is the op's own ElementwiseOpInterface
// (fused/Dialect/Fused/IR/FusedInterfaces.td).
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_CONVERSION_ELEMENTWISE_H
#define FUSED_CONVERSION_ELEMENTWISE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace fused {

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
