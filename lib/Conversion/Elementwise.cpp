//===- Elementwise.cpp - the elementwise ops, once for code generation ----===//

#include "fused/Conversion/Elementwise.h"

#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace fused::fused;

bool fused::isElementwiseOp(Operation *op) {
  return isa<ExpOp, TanhOp, SiluOp, ReluOp, NegOp, RsqrtOp, GeluOp, CastOp,
             AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp>(op);
}

Value fused::emitElementwiseF32(OpBuilder &b, Location loc, Operation *op,
                                ArrayRef<Value> args) {
  auto f32 = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  };
  auto tanhGelu = [&](Value x) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Value x3 =
        arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value inner = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, f32(0.044715), x3));
    Value t = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, f32(std::sqrt(2.0 / M_PI)), inner));
    Value half = arith::MulFOp::create(b, loc, f32(0.5), x);
    return arith::MulFOp::create(b, loc, half,
                                 arith::AddFOp::create(b, loc, f32(1.0), t));
  };
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, args[0]); })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, args[0]); })
      .Case([&](NegOp) { return arith::NegFOp::create(b, loc, args[0]); })
      .Case([&](RsqrtOp) { return math::RsqrtOp::create(b, loc, args[0]); })
      .Case([&](ReluOp) {
        return arith::MaximumFOp::create(b, loc, args[0], f32(0.0));
      })
      .Case([&](SiluOp) {
        Value e =
            math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, args[0]));
        return arith::DivFOp::create(
            b, loc, args[0], arith::AddFOp::create(b, loc, f32(1.0), e));
      })
      .Case([&](GeluOp g) -> Value {
        if (g.getApproximate() == GeluApproximation::tanh)
          return tanhGelu(args[0]);
        // 0.5 x (1 + erf(x / sqrt 2))
        Value e = math::ErfOp::create(
            b, loc, arith::MulFOp::create(b, loc, args[0], f32(M_SQRT1_2)));
        Value half = arith::MulFOp::create(b, loc, f32(0.5), args[0]);
        return arith::MulFOp::create(
            b, loc, half, arith::AddFOp::create(b, loc, f32(1.0), e));
      })
      .Case([&](CastOp) { return args[0]; })
      .Case([&](AddOp) {
        return arith::AddFOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](SubOp) {
        return arith::SubFOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](MulOp) {
        return arith::MulFOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](DivOp) {
        return arith::DivFOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](MaxOp) {
        return arith::MaximumFOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](MinOp) {
        return arith::MinimumFOp::create(b, loc, args[0], args[1]);
      })
      .Default([](Operation *) { return Value(); });
}

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
