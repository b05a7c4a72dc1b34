//===- FusedOps.cpp - ops of the fused dialect ----------------------------===//
//
// Verifiers and folders of the `fused` ops. Every diagnostic names the
// operand and the dimensions involved; dynamic sizes (`?`) are never
// reported as mismatches.
//
//===----------------------------------------------------------------------===//

#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cmath>

using namespace mlir;
using namespace fused::fused;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {

/// Formats a shape as `[2, ?, 64]`.
std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
  }
  return s + "]";
}

std::string formatDim(int64_t d) {
  return ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
}

/// True if the two sizes can be equal at run time.
bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

bool isComputeFloat(Type t) { return t.isF16() || t.isBF16() || t.isF32(); }

bool isFp8(Type t) { return isa<Float8E4M3FNType, Float8E5M2Type>(t); }

bool isStorageFloat(Type t) { return isComputeFloat(t) || isFp8(t); }

enum class FloatSet { Compute, Storage };

const char *describe(FloatSet set) {
  return set == FloatSet::Compute ? "f16, bf16 or f32"
                                  : "f16, bf16, f32, f8E4M3FN or f8E5M2";
}

/// Checks that `value` (named `name` in diagnostics) has an element type in
/// `set`.
LogicalResult checkElementType(Operation *op, StringRef name, Value value,
                               FloatSet set) {
  Type et = cast<RankedTensorType>(value.getType()).getElementType();
  bool ok = set == FloatSet::Compute ? isComputeFloat(et) : isStorageFloat(et);
  if (ok)
    return success();
  return op->emitOpError() << "'" << name << "' has unsupported element type "
                           << et << "; expected " << describe(set);
}

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Broadcasts two shapes with numpy rules. On failure returns the index of
/// the first incompatible dimension (counted in the result shape).
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b,
                                                int64_t *badDim = nullptr) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == 1) {
      out[i] = db;
    } else if (db == 1) {
      out[i] = da;
    } else if (ShapedType::isDynamic(da)) {
      out[i] = db;
    } else if (ShapedType::isDynamic(db) || da == db) {
      out[i] = da;
    } else {
      if (badDim)
        *badDim = i;
      return failure();
    }
  }
  return out;
}

/// Checks a data-movement op (transpose, reshape, slice): a storage float
/// input and a result of its element type.
LogicalResult verifyDataMovement(Operation *op, Value input, Value result) {
  if (failed(checkElementType(op, "input", input, FloatSet::Storage)))
    return failure();
  Type in = tensorType(input).getElementType();
  Type out = tensorType(result).getElementType();
  if (out != in)
    return op->emitOpError() << "'result' element type " << out
                             << " must equal 'input' element type " << in;
  return success();
}

/// Checks that `actual` can equal `expected` (dynamic sizes match anything).
bool shapesCompatible(ArrayRef<int64_t> actual, ArrayRef<int64_t> expected) {
  if (actual.size() != expected.size())
    return false;
  for (auto [x, y] : llvm::zip(actual, expected))
    if (!dimsCompatible(x, y))
      return false;
  return true;
}

/// Checks that `axis` is a valid (possibly negative) axis of a rank-`rank`
/// operand.
LogicalResult checkAxis(Operation *op, int64_t axis, int64_t rank) {
  if (rank == 0)
    return op->emitOpError() << "'input' must have rank >= 1, got a rank-0 "
                                "tensor";
  if (axis < -rank || axis >= rank)
    return op->emitOpError()
           << "axis " << axis << " is out of range for 'input' of rank " << rank
           << " (expected " << -rank << " <= axis < " << rank << ")";
  return success();
}

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Checks an optional per-channel parameter of a normalisation op: rank 1,
/// size equal to the last dimension of the input.
LogicalResult checkChannelParam(Operation *op, StringRef name, Value param,
                                RankedTensorType inputType) {
  if (!param)
    return success();
  if (failed(checkElementType(op, name, param, FloatSet::Compute)))
    return failure();
  auto t = tensorType(param);
  int64_t n = inputType.getShape().back();
  if (t.getRank() != 1 || !dimsCompatible(t.getDimSize(0), n))
    return op->emitOpError()
           << "'" << name << "' must have shape [" << formatDim(n)
           << "] (the last dimension of 'input' "
           << formatShape(inputType.getShape()) << "), got "
           << formatShape(t.getShape());
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

Type MatmulOp::getAccumulatorType() {
  if (auto acc = getAccType())
    return *acc;
  return Float32Type::get(getContext());
}

LogicalResult MatmulOp::verify() {
  Operation *op = getOperation();
  auto aType = tensorType(getA());
  auto bType = tensorType(getB());
  auto resType = tensorType(getResult());
  if (aType.getRank() < 2)
    return emitOpError() << "operand 'a' must have rank >= 2, got rank "
                         << aType.getRank() << " "
                         << formatShape(aType.getShape());
  if (bType.getRank() < 2)
    return emitOpError() << "operand 'b' must have rank >= 2, got rank "
                         << bType.getRank() << " "
                         << formatShape(bType.getShape());
  if (failed(checkElementType(op, "a", getA(), FloatSet::Storage)) ||
      failed(checkElementType(op, "b", getB(), FloatSet::Storage)) ||
      failed(checkElementType(op, "result", getResult(), FloatSet::Compute)))
    return failure();
  Type aEt = aType.getElementType(), bEt = bType.getElementType();
  if (aEt != bEt && !(isFp8(aEt) && isFp8(bEt)))
    return emitOpError() << "operands 'a' and 'b' must have the same element "
                            "type (or both be 8-bit floats), got "
                         << aEt << " and " << bEt;
  Type acc = getAccumulatorType();
  if (!acc.isF32() && !acc.isF16())
    return emitOpError() << "accumulator type must be f32 or f16, got " << acc;
  if (acc.isF16() && !aEt.isF16())
    return emitOpError() << "accumulator type f16 requires f16 operands, got "
                         << aEt;

  ArrayRef<int64_t> aShape = aType.getShape(), bShape = bType.getShape();
  int64_t ar = aShape.size(), br = bShape.size();
  int64_t aKDim = getTransposeA() ? ar - 2 : ar - 1;
  int64_t aMDim = getTransposeA() ? ar - 1 : ar - 2;
  int64_t bKDim = getTransposeB() ? br - 1 : br - 2;
  int64_t bNDim = getTransposeB() ? br - 2 : br - 1;
  if (!dimsCompatible(aShape[aKDim], bShape[bKDim]))
    return emitOpError() << "contraction dimension mismatch: 'a' "
                         << formatShape(aShape)
                         << " has K = " << formatDim(aShape[aKDim]) << " (dim "
                         << aKDim << ") but 'b' " << formatShape(bShape)
                         << " has K = " << formatDim(bShape[bKDim]) << " (dim "
                         << bKDim << ")";

  int64_t badDim = -1;
  auto batch =
      broadcastShapes(aShape.drop_back(2), bShape.drop_back(2), &badDim);
  if (failed(batch))
    return emitOpError() << "batch dimensions of 'a' "
                         << formatShape(aShape.drop_back(2)) << " and 'b' "
                         << formatShape(bShape.drop_back(2))
                         << " are not broadcastable";
  SmallVector<int64_t> expected = *batch;
  expected.push_back(aShape[aMDim]);
  expected.push_back(bShape[bNDim]);
  if (!shapesCompatible(resType.getShape(), expected))
    return emitOpError() << "expected result shape " << formatShape(expected)
                         << " ([batch..., M, N]), got "
                         << formatShape(resType.getShape());
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

std::optional<double> AttentionOp::getScaleValue() {
  if (auto s = getScale())
    return s->convertToDouble();
  int64_t d = tensorType(getQuery()).getDimSize(3);
  if (ShapedType::isDynamic(d) || d <= 0)
    return std::nullopt;
  return 1.0 / std::sqrt(static_cast<double>(d));
}

LogicalResult AttentionOp::verify() {
  Operation *op = getOperation();
  auto qType = tensorType(getQuery());
  auto kType = tensorType(getKey());
  auto vType = tensorType(getValue());
  auto oType = tensorType(getOutput());
  const char *layouts[] = {"[B, Hq, Sq, D]", "[B, Hkv, Skv, D]",
                           "[B, Hkv, Skv, Dv]"};
  const char *names[] = {"query", "key", "value"};
  RankedTensorType types[] = {qType, kType, vType};
  for (int i = 0; i < 3; ++i)
    if (types[i].getRank() != 4)
      return emitOpError() << "'" << names[i] << "' must have rank 4 "
                           << layouts[i] << ", got rank " << types[i].getRank()
                           << " " << formatShape(types[i].getShape());
  if (failed(checkElementType(op, "query", getQuery(), FloatSet::Compute)) ||
      failed(checkElementType(op, "key", getKey(), FloatSet::Compute)) ||
      failed(checkElementType(op, "value", getValue(), FloatSet::Compute)) ||
      failed(checkElementType(op, "output", getOutput(), FloatSet::Compute)))
    return failure();
  if (kType.getElementType() != qType.getElementType() ||
      vType.getElementType() != qType.getElementType())
    return emitOpError() << "'query', 'key' and 'value' must have one element "
                            "type, got "
                         << qType.getElementType() << ", "
                         << kType.getElementType() << " and "
                         << vType.getElementType();

  ArrayRef<int64_t> q = qType.getShape(), k = kType.getShape(),
                    v = vType.getShape();
  if (!dimsCompatible(q[0], k[0]) || !dimsCompatible(q[0], v[0]))
    return emitOpError() << "batch size mismatch: 'query' has B = "
                         << formatDim(q[0])
                         << ", 'key' has B = " << formatDim(k[0])
                         << ", 'value' has B = " << formatDim(v[0]);
  if (!dimsCompatible(k[1], v[1]))
    return emitOpError() << "'key' has Hkv = " << formatDim(k[1])
                         << " heads but 'value' has " << formatDim(v[1]);
  if (!ShapedType::isDynamic(k[1]) && k[1] <= 0)
    return emitOpError() << "'key' must have at least one head, got Hkv = "
                         << k[1];
  if (!ShapedType::isDynamic(q[1]) && !ShapedType::isDynamic(k[1]) &&
      q[1] % k[1] != 0)
    return emitOpError() << "query heads Hq = " << q[1]
                         << " must be a multiple of key/value heads Hkv = "
                         << k[1];
  if (!dimsCompatible(q[3], k[3]))
    return emitOpError() << "head dimension mismatch: 'query' has D = "
                         << formatDim(q[3])
                         << " but 'key' has D = " << formatDim(k[3]);
  if (!dimsCompatible(k[2], v[2]))
    return emitOpError() << "sequence length mismatch: 'key' has Skv = "
                         << formatDim(k[2])
                         << " but 'value' has Skv = " << formatDim(v[2]);

  SmallVector<int64_t> expectedOut = {q[0], q[1], q[2], v[3]};
  if (!shapesCompatible(oType.getShape(), expectedOut))
    return emitOpError() << "expected output shape " << formatShape(expectedOut)
                         << " ([B, Hq, Sq, Dv]), got "
                         << formatShape(oType.getShape());

  if (Value lse = getLse()) {
    auto lseType = tensorType(lse);
    SmallVector<int64_t> expectedLse = {q[0], q[1], q[2]};
    if (!shapesCompatible(lseType.getShape(), expectedLse))
      return emitOpError() << "expected 'lse' shape "
                           << formatShape(expectedLse) << " ([B, Hq, Sq]), got "
                           << formatShape(lseType.getShape());
    if (!lseType.getElementType().isF32())
      return emitOpError() << "'lse' must have element type f32, got "
                           << lseType.getElementType();
  }

  if (Value bias = getBias()) {
    if (failed(checkElementType(op, "bias", bias, FloatSet::Compute)))
      return failure();
    ArrayRef<int64_t> b = tensorType(bias).getShape();
    SmallVector<int64_t> scores = {q[0], q[1], q[2], k[2]};
    if (b.size() > 4)
      return emitOpError() << "'bias' " << formatShape(b) << " has rank "
                           << b.size()
                           << "; it must broadcast to [B, Hq, Sq, Skv] = "
                           << formatShape(scores);
    const char *dimNames[] = {"B", "Hq", "Sq", "Skv"};
    for (size_t i = 0; i < b.size(); ++i) {
      size_t si = 4 - b.size() + i;
      int64_t bd = b[i], sd = scores[si];
      if (bd != 1 && !dimsCompatible(bd, sd))
        return emitOpError()
               << "'bias' " << formatShape(b)
               << " is not broadcastable to [B, Hq, Sq, Skv] = "
               << formatShape(scores) << ": its dimension " << i << " (size "
               << bd << ") aligns with " << dimNames[si] << " = " << sd
               << " and must be 1 or " << sd;
    }
  }

  if (auto s = getScale()) {
    double sv = s->convertToDouble();
    if (!std::isfinite(sv))
      return emitOpError() << "'scale' must be finite, got " << sv;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static LogicalResult verifyUnary(Operation *op) {
  return checkElementType(op, "input", op->getOperand(0), FloatSet::Compute);
}

LogicalResult GeluOp::verify() { return verifyUnary(getOperation()); }

/// relu(relu(x)) = relu(x).
OpFoldResult ReluOp::fold(FoldAdaptor) {
  if (getInput().getDefiningOp<ReluOp>())
    return getInput();
  return {};
}

/// neg(neg(x)) = x.
OpFoldResult NegOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return {};
}

LogicalResult CastOp::verify() {
  Operation *op = getOperation();
  if (failed(checkElementType(op, "input", getInput(), FloatSet::Storage)) ||
      failed(checkElementType(op, "result", getResult(), FloatSet::Storage)))
    return failure();
  auto in = tensorType(getInput()), out = tensorType(getResult());
  if (!shapesCompatible(out.getShape(), in.getShape()))
    return emitOpError() << "'result' shape " << formatShape(out.getShape())
                         << " must equal 'input' shape "
                         << formatShape(in.getShape());
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // cast(cast(x : A -> B) : B -> A) is x when B represents every A exactly.
  if (auto inner = getInput().getDefiningOp<CastOp>()) {
    Value x = inner.getInput();
    if (x.getType() != getType())
      return {};
    auto a = cast<FloatType>(tensorType(x).getElementType());
    auto b = cast<FloatType>(tensorType(getInput()).getElementType());
    if (llvm::APFloat::isRepresentableBy(a.getFloatSemantics(),
                                         b.getFloatSemantics()))
      return x;
  }
  return {};
}

static LogicalResult verifyBinary(Operation *op) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1),
        res = op->getResult(0);
  if (failed(checkElementType(op, "lhs", lhs, FloatSet::Compute)) ||
      failed(checkElementType(op, "rhs", rhs, FloatSet::Compute)))
    return failure();
  auto l = tensorType(lhs), r = tensorType(rhs), o = tensorType(res);
  if (l.getElementType() != r.getElementType() ||
      o.getElementType() != l.getElementType())
    return op->emitOpError()
           << "'lhs', 'rhs' and 'result' must have one element type, got "
           << l.getElementType() << ", " << r.getElementType() << " and "
           << o.getElementType();
  int64_t badDim = -1;
  auto shape = broadcastShapes(l.getShape(), r.getShape(), &badDim);
  if (failed(shape))
    return op->emitOpError()
           << "'lhs' " << formatShape(l.getShape()) << " and 'rhs' "
           << formatShape(r.getShape())
           << " are not broadcastable (result dimension " << badDim << ")";
  if (!shapesCompatible(o.getShape(), *shape))
    return op->emitOpError() << "expected result shape " << formatShape(*shape)
                             << " (the broadcast of 'lhs' and 'rhs'), got "
                             << formatShape(o.getShape());
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax and reductions
//===----------------------------------------------------------------------===//

int64_t SoftmaxOp::getNormalizedAxis() {
  return normalizeAxis(getAxis(), tensorType(getInput()).getRank());
}

LogicalResult SoftmaxOp::verify() {
  if (failed(verifyUnary(getOperation())))
    return failure();
  return checkAxis(getOperation(), getAxis(), tensorType(getInput()).getRank());
}

static LogicalResult verifyReduce(Operation *op, int64_t axis, bool keepDim) {
  if (failed(verifyUnary(op)))
    return failure();
  auto in = tensorType(op->getOperand(0)), out = tensorType(op->getResult(0));
  if (failed(checkAxis(op, axis, in.getRank())))
    return failure();
  if (out.getElementType() != in.getElementType())
    return op->emitOpError()
           << "'result' element type " << out.getElementType()
           << " must equal 'input' element type " << in.getElementType();
  int64_t a = normalizeAxis(axis, in.getRank());
  SmallVector<int64_t> expected(in.getShape());
  if (keepDim)
    expected[a] = 1;
  else
    expected.erase(expected.begin() + a);
  if (!shapesCompatible(out.getShape(), expected))
    return op->emitOpError()
           << "expected result shape " << formatShape(expected)
           << " (reducing axis " << a << " of " << formatShape(in.getShape())
           << (keepDim ? " with keepdim" : "") << "), got "
           << formatShape(out.getShape());
  return success();
}

int64_t ReduceSumOp::getNormalizedAxis() {
  return normalizeAxis(getAxis(), tensorType(getInput()).getRank());
}
int64_t ReduceMaxOp::getNormalizedAxis() {
  return normalizeAxis(getAxis(), tensorType(getInput()).getRank());
}
LogicalResult ReduceSumOp::verify() {
  return verifyReduce(getOperation(), getAxis(), getKeepdim());
}
LogicalResult ReduceMaxOp::verify() {
  return verifyReduce(getOperation(), getAxis(), getKeepdim());
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

static LogicalResult verifyNorm(Operation *op, double epsilon) {
  if (failed(verifyUnary(op)))
    return failure();
  if (tensorType(op->getOperand(0)).getRank() == 0)
    return op->emitOpError() << "'input' must have rank >= 1, got a rank-0 "
                                "tensor";
  if (!(epsilon >= 0.0) || !std::isfinite(epsilon))
    return op->emitOpError()
           << "'epsilon' must be finite and >= 0, got " << epsilon;
  return success();
}

LogicalResult LayerNormOp::verify() {
  Operation *op = getOperation();
  if (failed(verifyNorm(op, getEpsilon().convertToDouble())))
    return failure();
  auto in = tensorType(getInput());
  if (failed(checkChannelParam(op, "weight", getWeight(), in)) ||
      failed(checkChannelParam(op, "bias", getBias(), in)))
    return failure();
  return success();
}

LogicalResult RMSNormOp::verify() {
  Operation *op = getOperation();
  if (failed(verifyNorm(op, getEpsilon().convertToDouble())))
    return failure();
  return checkChannelParam(op, "weight", getWeight(), tensorType(getInput()));
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::verify() {
  if (failed(checkElementType(getOperation(), "input", getInput(),
                              FloatSet::Storage)))
    return failure();
  auto in = tensorType(getInput()), out = tensorType(getResult());
  ArrayRef<int64_t> perm = getPermutation();
  int64_t rank = in.getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitOpError() << "permutation " << formatShape(perm) << " has "
                         << perm.size() << " entries but 'input' "
                         << formatShape(in.getShape()) << " has rank " << rank;
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOpError() << "permutation " << formatShape(perm)
                           << " is not a permutation of [0, " << rank << ")";
    seen[p] = true;
  }
  if (out.getElementType() != in.getElementType())
    return emitOpError() << "'result' element type " << out.getElementType()
                         << " must equal 'input' element type "
                         << in.getElementType();
  SmallVector<int64_t> expected;
  for (int64_t p : perm)
    expected.push_back(in.getDimSize(p));
  if (!shapesCompatible(out.getShape(), expected))
    return emitOpError() << "expected result shape " << formatShape(expected)
                         << " (input " << formatShape(in.getShape())
                         << " permuted by " << formatShape(perm) << "), got "
                         << formatShape(out.getShape());
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())) &&
      getInput().getType() == getType())
    return getInput();
  // transpose(transpose(x, p1), p2) = transpose(x, p1[p2[i]]).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> p1 = inner.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(p1[p]);
    Value x = inner.getInput();
    if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())) &&
        x.getType() == getType())
      return x;
    getInputMutable().assign(x);
    setPermutation(composed);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// RopeOp
//===----------------------------------------------------------------------===//

LogicalResult RopeOp::verify() {
  Operation *op = getOperation();
  if (failed(checkElementType(op, "input", getInput(), FloatSet::Compute)) ||
      failed(checkElementType(op, "cos", getCos(), FloatSet::Compute)) ||
      failed(checkElementType(op, "sin", getSin(), FloatSet::Compute)))
    return failure();
  auto x = tensorType(getInput());
  auto c = tensorType(getCos()), sn = tensorType(getSin());
  if (x.getRank() < 2)
    return emitOpError() << "'input' " << formatShape(x.getShape())
                         << " must have rank 2 or more ([..., S, D])";
  if (c.getRank() != 2 || c.getShape() != sn.getShape() ||
      c.getElementType() != sn.getElementType())
    return emitOpError() << "'cos' " << c << " and 'sin' " << sn
                         << " must be of one type [S, R/2]";
  int64_t s = x.getDimSize(x.getRank() - 2), d = x.getDimSize(x.getRank() - 1);
  if (!shapesCompatible({c.getDimSize(0)}, {s}))
    return emitOpError() << "'cos' and 'sin' have " << c.getDimSize(0)
                         << " rows but 'input' " << formatShape(x.getShape())
                         << " has " << s << " positions";
  if (!ShapedType::isDynamic(d) && !ShapedType::isDynamic(c.getDimSize(1)) &&
      (c.getDimSize(1) < 1 || 2 * c.getDimSize(1) > d))
    return emitOpError() << "'cos' and 'sin' rotate " << 2 * c.getDimSize(1)
                         << " features but 'input' rows have " << d
                         << " (need 2 <= R <= D)";
  return success();
}

int64_t RopeOp::getRotaryDim() {
  return 2 * tensorType(getCos()).getDimSize(1);
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (failed(verifyDataMovement(getOperation(), getInput(), getResult())))
    return failure();
  auto in = tensorType(getInput()), out = tensorType(getResult());
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError() << "'input' " << formatShape(in.getShape()) << " has "
                         << in.getNumElements() << " elements but 'result' "
                         << formatShape(out.getShape()) << " has "
                         << out.getNumElements();
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) = reshape(x).
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    Value x = inner.getInput();
    if (x.getType() == getType())
      return x;
    getInputMutable().assign(x);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  if (failed(verifyDataMovement(getOperation(), getInput(), getResult())))
    return failure();
  auto in = tensorType(getInput()), out = tensorType(getResult());
  ArrayRef<int64_t> offsets = getOffsets();
  if (out.getRank() != in.getRank() ||
      static_cast<int64_t>(offsets.size()) != in.getRank())
    return emitOpError() << "'input' " << formatShape(in.getShape())
                         << ", offsets " << formatShape(offsets)
                         << " and 'result' " << formatShape(out.getShape())
                         << " must have one rank";
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t size = out.getDimSize(d), dim = in.getDimSize(d);
    if (offsets[d] < 0)
      return emitOpError() << "offset " << offsets[d] << " of dimension " << d
                           << " is negative";
    if (!ShapedType::isDynamic(size) && !ShapedType::isDynamic(dim) &&
        offsets[d] + size > dim)
      return emitOpError() << "dimension " << d << ": offset " << offsets[d]
                           << " + size " << size
                           << " runs past the input's size " << dim;
  }
  return success();
}

bool SliceOp::isContiguous() {
  auto in = tensorType(getInput()), out = tensorType(getResult());
  // A dynamic dimension is whole: dynamic in both, from offset 0.
  auto whole = [&](int64_t d) {
    if (in.isDynamicDim(d) || out.isDynamicDim(d))
      return in.isDynamicDim(d) && out.isDynamicDim(d) && getOffsets()[d] == 0;
    return out.getDimSize(d) == in.getDimSize(d);
  };
  // Leading dimensions of size 1, then one dimension of any size, then
  // whole dimensions.
  int64_t rank = in.getRank(), d = 0;
  while (d < rank && !out.isDynamicDim(d) && out.getDimSize(d) == 1)
    ++d;
  if (d < rank && (in.isDynamicDim(d) || out.isDynamicDim(d)) && !whole(d))
    return false;
  for (++d; d < rank; ++d)
    if (!whole(d))
      return false;
  return true;
}

int64_t SliceOp::getLinearOffset() {
  auto in = tensorType(getInput());
  int64_t offset = 0;
  for (auto [o, dim] : llvm::zip(getOffsets(), in.getShape()))
    offset = offset * dim + o;
  return offset;
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getOffsets(), [](int64_t o) { return o == 0; }))
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

LogicalResult KernelOp::verify() {
  if (getResults().empty())
    return emitOpError() << "must produce at least one result";
  return success();
}

LogicalResult KernelOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "body has " << body.getNumArguments()
                         << " arguments but the kernel has "
                         << getInputs().size() << " inputs";
  for (auto [i, arg, input] : llvm::enumerate(body.getArguments(), getInputs()))
    if (arg.getType() != input.getType())
      return emitOpError() << "body argument #" << i << " has type "
                           << arg.getType() << " but input #" << i
                           << " has type " << input.getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError() << "body must end with fused.yield";
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "fused.yield returns " << yield.getValues().size()
                         << " values of types (" << yield.getValues().getTypes()
                         << ") but the kernel results are (" << getResultTypes()
                         << ")";
  for (Operation &op : body.without_terminator())
    if ((!isa<FusedDialect>(op.getDialect()) || isa<KernelOp>(op)) &&
        !isa<arith::ConstantOp>(op))
      return op.emitOpError() << "is not allowed in a fused.kernel body "
                                 "(only fused ops other than fused.kernel, "
                                 "and constants)";
  return success();
}

//===----------------------------------------------------------------------===//
// LaunchOp
//===----------------------------------------------------------------------===//

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *target =
      symbolTable.lookupNearestSymbolFrom(*this, getCalleeAttr());
  if (!target) {
    // After serialization the kernel's module is a binary object: only its
    // name remains to check.
    Operation *root = symbolTable.lookupNearestSymbolFrom(
        *this, getCalleeAttr().getRootReference());
    if (root && root->getName().getStringRef() == "gpu.binary")
      return success();
    return emitOpError() << "no kernel function named " << getCalleeAttr();
  }
  auto callee = dyn_cast<FunctionOpInterface>(target);
  if (!callee)
    return emitOpError() << getCalleeAttr() << " is not a function";
  // Once lowered to the LLVM dialect, arguments are expanded descriptors.
  if (callee->getName().getDialectNamespace() == "llvm")
    return success();
  auto argTypes = callee.getArgumentTypes();
  size_t expected = getInputs().size() + getResults().size();
  if (argTypes.size() != expected)
    return emitOpError() << "kernel " << getCalleeAttr() << " takes "
                         << argTypes.size() << " arguments but the launch "
                         << "passes " << getInputs().size() << " inputs and "
                         << getResults().size() << " results";
  SmallVector<Type> tensors(getInputs().getTypes());
  llvm::append_range(tensors, getResultTypes());
  for (auto [i, pair] : llvm::enumerate(llvm::zip(tensors, argTypes))) {
    auto [t, a] = pair;
    auto tensor = cast<RankedTensorType>(t);
    auto memref = dyn_cast<MemRefType>(a);
    if (!memref || memref.getShape() != tensor.getShape() ||
        memref.getElementType() != tensor.getElementType())
      return emitOpError() << "kernel argument #" << i << " has type " << a
                           << " but must be a memref of " << t;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// CopyTileOp
//===----------------------------------------------------------------------===//

LogicalResult CopyTileOp::verify() {
  auto src = cast<MemRefType>(getSource().getType());
  auto dst = cast<MemRefType>(getDest().getType());
  if (src.getRank() != 2 || dst.getRank() != 2)
    return emitOpError() << "copies 2-D tiles, got ranks " << src.getRank()
                         << " and " << dst.getRank();
  if (src.getElementType() != dst.getElementType())
    return emitOpError() << "'source' and 'dest' element types differ: "
                         << src.getElementType() << " vs "
                         << dst.getElementType();
  if (!dst.hasStaticShape())
    return emitOpError() << "'dest' must have a static shape, got " << dst;
  for (int64_t d = 0; d < 2; ++d)
    if (!src.isDynamicDim(d) && src.getDimSize(d) > dst.getDimSize(d))
      return emitOpError() << "'source' " << formatShape(src.getShape())
                           << " is larger than 'dest' "
                           << formatShape(dst.getShape());
  return success();
}

#define GET_OP_CLASSES
#include "fused/Dialect/Fused/IR/FusedOps.cpp.inc"
