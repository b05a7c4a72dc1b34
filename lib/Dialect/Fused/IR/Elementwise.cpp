//===- Elementwise.cpp - what each elementwise op computes ----------------===//
//
// The ElementwiseOpInterface of every elementwise op: its f32 computation
// as kernels emit it, next to its float64 definition as the reference
// evaluator applies it. Adding an elementwise op means adding its two
// definitions here, its ODS line and its tests; fusion, the kernels and the
// evaluator pick it up from the interface.
//
//===----------------------------------------------------------------------===//

#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace fused::fused;

#include "fused/Dialect/Fused/IR/FusedInterfaces.cpp.inc"

namespace {

constexpr double kPi = 3.14159265358979323846;

Value f32(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

/// max and min that return NaN when either operand is NaN, as
/// arith.maximumf and arith.minimumf do.
double nanMax(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  return a > b ? a : b;
}
double nanMin(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  return a < b ? a : b;
}

} // namespace

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

Value ExpOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return math::ExpOp::create(b, loc, args[0]);
}
double ExpOp::evaluate(ArrayRef<double> args) { return std::exp(args[0]); }

Value TanhOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return math::TanhOp::create(b, loc, args[0]);
}
double TanhOp::evaluate(ArrayRef<double> args) { return std::tanh(args[0]); }

// x / (1 + e^-x)
Value SiluOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, args[0]));
  return arith::DivFOp::create(b, loc, args[0],
                               arith::AddFOp::create(b, loc, f32(b, loc, 1), e));
}
double SiluOp::evaluate(ArrayRef<double> args) {
  return args[0] / (1.0 + std::exp(-args[0]));
}

// 1 / (1 + e^-x)
Value SigmoidOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, args[0]));
  return arith::DivFOp::create(b, loc, f32(b, loc, 1),
                               arith::AddFOp::create(b, loc, f32(b, loc, 1), e));
}
double SigmoidOp::evaluate(ArrayRef<double> args) {
  return 1.0 / (1.0 + std::exp(-args[0]));
}

// max(x, 0); NaN stays NaN.
Value ReluOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return arith::MaximumFOp::create(b, loc, args[0], f32(b, loc, 0));
}
double ReluOp::evaluate(ArrayRef<double> args) { return nanMax(args[0], 0.0); }

Value NegOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return arith::NegFOp::create(b, loc, args[0]);
}
double NegOp::evaluate(ArrayRef<double> args) { return -args[0]; }

Value RsqrtOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return math::RsqrtOp::create(b, loc, args[0]);
}
double RsqrtOp::evaluate(ArrayRef<double> args) {
  return 1.0 / std::sqrt(args[0]);
}

// erf:  0.5 x (1 + erf(x / sqrt 2))
// tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
Value GeluOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Value inner;
  if (getApproximate() == GeluApproximation::tanh) {
    Value x3 =
        arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, f32(b, loc, 0.044715), x3));
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, f32(b, loc, std::sqrt(2.0 / kPi)), poly));
  } else {
    inner = math::ErfOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, f32(b, loc, M_SQRT1_2)));
  }
  Value half = arith::MulFOp::create(b, loc, f32(b, loc, 0.5), x);
  return arith::MulFOp::create(
      b, loc, half, arith::AddFOp::create(b, loc, f32(b, loc, 1), inner));
}
double GeluOp::evaluate(ArrayRef<double> args) {
  double x = args[0];
  if (getApproximate() == GeluApproximation::tanh)
    return 0.5 * x *
           (1.0 + std::tanh(std::sqrt(2.0 / kPi) * (x + 0.044715 * x * x * x)));
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

// The conversion is the rounding every stored result gets; the value
// itself passes through.
Value CastOp::emitF32(OpBuilder &, Location, ValueRange args) {
  return args[0];
}
double CastOp::evaluate(ArrayRef<double> args) { return args[0]; }
bool CastOp::roundsToResultType() { return true; }

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

Value AddOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return arith::AddFOp::create(b, loc, args[0], args[1]);
}
double AddOp::evaluate(ArrayRef<double> args) { return args[0] + args[1]; }

Value SubOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return arith::SubFOp::create(b, loc, args[0], args[1]);
}
double SubOp::evaluate(ArrayRef<double> args) { return args[0] - args[1]; }

Value MulOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return arith::MulFOp::create(b, loc, args[0], args[1]);
}
double MulOp::evaluate(ArrayRef<double> args) { return args[0] * args[1]; }

Value DivOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return arith::DivFOp::create(b, loc, args[0], args[1]);
}
double DivOp::evaluate(ArrayRef<double> args) { return args[0] / args[1]; }

Value MaxOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return arith::MaximumFOp::create(b, loc, args[0], args[1]);
}
double MaxOp::evaluate(ArrayRef<double> args) {
  return nanMax(args[0], args[1]);
}

Value MinOp::emitF32(OpBuilder &b, Location loc, ValueRange args) {
  return arith::MinimumFOp::create(b, loc, args[0], args[1]);
}
double MinOp::evaluate(ArrayRef<double> args) {
  return nanMin(args[0], args[1]);
}
