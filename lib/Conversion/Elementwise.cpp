//===- Elementwise.cpp - splat constants as kernel immediates -------------===//

#include "fused/Conversion/Elementwise.h"

#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

std::optional<double> fused::splatConstant(Value v) {
  auto c = v.getDefiningOp<arith::ConstantOp>();
  auto dense = c ? dyn_cast<DenseFPElementsAttr>(c.getValue()) : nullptr;
  if (!dense || !dense.isSplat())
    return std::nullopt;
  return dense.getSplatValue<APFloat>().convertToDouble();
}

Value fused::splatConstantF32(OpBuilder &b, Location loc, Value v) {
  std::optional<double> c = splatConstant(v);
  if (!c)
    return nullptr;
  // The tensor holds the value in its element type; f32 holds every f16
  // and bf16 value exactly.
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(*c)));
}
