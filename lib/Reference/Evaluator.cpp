//===- Evaluator.cpp - float64 interpreter of fused functions -------------===//
//
// Walks the body of a function once, in order, and evaluates each op with
// the float64 kernels of Kernels.h. Shapes come from the input tensors, so
// functions with dynamic dimensions evaluate as long as the inputs agree
// with every static size.
//
//===----------------------------------------------------------------------===//

#include "fused/Reference/Evaluator.h"

#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <random>

using namespace mlir;
namespace fo = fused::fused;

namespace fused::ref {

std::optional<FloatKind> floatKindOf(Type type) {
  if (type.isF64())
    return FloatKind::F64;
  if (type.isF32())
    return FloatKind::F32;
  if (type.isF16())
    return FloatKind::F16;
  if (type.isBF16())
    return FloatKind::BF16;
  if (isa<Float8E4M3FNType>(type))
    return FloatKind::F8E4M3FN;
  if (isa<Float8E5M2Type>(type))
    return FloatKind::F8E5M2;
  return std::nullopt;
}

namespace {

/// Checks that `t` fits the ranked tensor type `type` (every static size
/// equal).
bool fitsType(const Tensor &t, Type type) {
  auto rt = dyn_cast<RankedTensorType>(type);
  if (!rt || rt.getRank() != t.rank())
    return false;
  for (int64_t i = 0; i < rt.getRank(); ++i)
    if (!rt.isDynamicDim(i) && rt.getDimSize(i) != t.shape[i])
      return false;
  return true;
}

std::string describeType(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

class Interpreter {
public:
  explicit Interpreter(const EvalOptions &options) : options(options) {}

  LogicalResult run(func::FuncOp func, const std::vector<Tensor> &inputs,
                    std::vector<Tensor> &results);

private:
  LogicalResult evalOp(Operation *op);
  const Tensor *lookup(Value v) {
    auto it = values.find(v);
    return it == values.end() ? nullptr : &it->second;
  }
  /// Records the result of `op` number `index`, rounding it if asked.
  LogicalResult define(Operation *op, unsigned index, Tensor t);

  const EvalOptions &options;
  llvm::DenseMap<Value, Tensor> values;
};

/// The result shape of reshaping `input` by `r`: a dynamic dimension (at
/// most one) takes what the static ones leave of the input's elements.
std::optional<std::vector<int64_t>> reshapeShape(fo::ReshapeOp r,
                                                 const Tensor &input) {
  std::vector<int64_t> shape(r.getType().getShape().begin(),
                             r.getType().getShape().end());
  int64_t known = 1, dynamicDim = -1;
  for (auto [d, n] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(n))
      known *= n;
    else if (dynamicDim >= 0)
      return std::nullopt;
    else
      dynamicDim = static_cast<int64_t>(d);
  }
  if (dynamicDim >= 0)
    shape[dynamicDim] =
        known ? static_cast<int64_t>(input.data.size()) / known : 0;
  return shape;
}

/// The result shape of slicing `input` by `sl`: a dynamic dimension runs
/// from its offset to the input's end.
std::vector<int64_t> sliceShape(fo::SliceOp sl, const Tensor &input) {
  std::vector<int64_t> shape(sl.getType().getShape().begin(),
                             sl.getType().getShape().end());
  for (auto [d, n] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(n) && d < input.shape.size())
      n = std::max<int64_t>(0, input.shape[d] - sl.getOffsets()[d]);
  return shape;
}

LogicalResult Interpreter::define(Operation *op, unsigned index, Tensor t) {
  Value v = op->getResult(index);
  if (!t.isValid())
    return op->emitOpError()
           << "reference evaluation failed on result #" << index
           << " (invalid operand shapes at run "
              "time)";
  if (!fitsType(t, v.getType()))
    return op->emitOpError() << "reference result #" << index << " has shape "
                             << formatShape(t.shape)
                             << " which does not fit its type " << v.getType();
  if (options.roundResults) {
    auto kind =
        floatKindOf(cast<RankedTensorType>(v.getType()).getElementType());
    if (kind)
      t = roundTensor(t, *kind);
  }
  values[v] = std::move(t);
  return success();
}

LogicalResult Interpreter::run(func::FuncOp func,
                               const std::vector<Tensor> &inputs,
                               std::vector<Tensor> &results) {
  if (func.isExternal())
    return func.emitError()
           << "cannot evaluate external function @" << func.getSymName();
  Block &body = func.getBody().front();
  if (inputs.size() != body.getNumArguments())
    return func.emitError() << "function @" << func.getSymName() << " takes "
                            << body.getNumArguments() << " arguments but "
                            << inputs.size() << " inputs were given";
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    if (!inputs[i].isValid() || !fitsType(inputs[i], arg.getType()))
      return func.emitError()
             << "input #" << i << " has shape " << formatShape(inputs[i].shape)
             << " which does not fit argument type " << arg.getType();
    values[arg] = inputs[i];
  }
  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      results.clear();
      for (Value v : ret.getOperands())
        results.push_back(*lookup(v));
      return success();
    }
    if (failed(evalOp(&op)))
      return failure();
  }
  return func.emitError() << "function body has no func.return";
}

/// An elementwise op by its own float64 definition: unary over the
/// operand, binary with numpy broadcasting.
Tensor evalElementwise(fo::ElementwiseOpInterface op,
                       ArrayRef<const Tensor *> operands) {
  Tensor t = operands.size() == 1
                 ? unary(*operands[0],
                         [&](double x) { return op.evaluate({x}); })
                 : binary(*operands[0], *operands[1], [&](double x, double y) {
                     return op.evaluate({x, y});
                   });
  if (!op.roundsToResultType())
    return t;
  Type elem = cast<ShapedType>(op->getResult(0).getType()).getElementType();
  return roundTensor(t, *floatKindOf(elem));
}

LogicalResult Interpreter::evalOp(Operation *op) {
  for (Value operand : op->getOperands())
    if (!lookup(operand))
      return op->emitOpError() << "operand defined outside the evaluated "
                                  "function body";
  auto in = [&](unsigned i) -> const Tensor & {
    return *lookup(op->getOperand(i));
  };
  auto optional = [&](Value v) { return v ? lookup(v) : nullptr; };

  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](fo::MatmulOp m) {
        return define(
            op, 0, matmul(in(0), in(1), m.getTransposeA(), m.getTransposeB()));
      })
      .Case([&](fo::AttentionOp a) {
        const Tensor &q = in(0);
        double scale = a.getScale() ? a.getScale()->convertToDouble()
                                    : 1.0 / std::sqrt(double(q.shape[3]));
        AttentionResult r = attention(q, in(1), in(2), optional(a.getBias()),
                                      scale, a.getCausal());
        if (failed(define(op, 0, std::move(r.out))))
          return failure();
        if (a.getLse())
          return define(op, 1, std::move(r.lse));
        return success();
      })
      .Case([&](fo::ElementwiseOpInterface e) {
        SmallVector<const Tensor *> operands;
        for (Value v : op->getOperands())
          operands.push_back(lookup(v));
        return define(op, 0, evalElementwise(e, operands));
      })
      .Case([&](fo::SoftmaxOp s) {
        return define(op, 0, softmax(in(0), s.getNormalizedAxis()));
      })
      .Case([&](fo::ReduceSumOp r) {
        return define(op, 0,
                      reduceSum(in(0), r.getNormalizedAxis(), r.getKeepdim()));
      })
      .Case([&](fo::ReduceMaxOp r) {
        return define(op, 0,
                      reduceMax(in(0), r.getNormalizedAxis(), r.getKeepdim()));
      })
      .Case([&](fo::LayerNormOp l) {
        return define(op, 0,
                      layerNorm(in(0), optional(l.getWeight()),
                                optional(l.getBias()),
                                l.getEpsilon().convertToDouble()));
      })
      .Case([&](fo::RMSNormOp r) {
        return define(op, 0,
                      rmsNorm(in(0), optional(r.getWeight()),
                              r.getEpsilon().convertToDouble()));
      })
      .Case([&](fo::TransposeOp t) {
        std::vector<int64_t> perm(t.getPermutation().begin(),
                                  t.getPermutation().end());
        return define(op, 0, transpose(in(0), perm));
      })
      .Case([&](fo::ReshapeOp r) {
        std::optional<std::vector<int64_t>> shape = reshapeShape(r, in(0));
        if (!shape)
          return r.emitOpError() << "reference evaluation reshapes to one "
                                    "dynamic dimension at most",
                 failure();
        return define(op, 0, reshape(in(0), *shape));
      })
      .Case([&](fo::SliceOp sl) {
        return define(op, 0,
                      slice(in(0),
                            std::vector<int64_t>(sl.getOffsets().begin(),
                                                 sl.getOffsets().end()),
                            sliceShape(sl, in(0))));
      })
      .Case([&](fo::RopeOp r) {
        return define(op, 0,
                      rope(in(0), in(1), in(2), r.getInterleaved()));
      })
      .Case([&](fo::KernelOp k) -> LogicalResult {
        Block &body = k.getBody().front();
        for (auto [arg, input] : llvm::zip(body.getArguments(), k.getInputs()))
          values[arg] = *lookup(input);
        for (Operation &inner : body.without_terminator())
          if (failed(evalOp(&inner)))
            return failure();
        auto yield = cast<fo::YieldOp>(body.getTerminator());
        for (auto [i, v] : llvm::enumerate(yield.getValues()))
          if (failed(define(op, i, *lookup(v))))
            return failure();
        return success();
      })
      .Case([&](arith::ConstantOp c) -> LogicalResult {
        auto dense = dyn_cast<DenseFPElementsAttr>(c.getValue());
        auto type = dyn_cast<RankedTensorType>(c.getType());
        if (!dense || !type || !type.hasStaticShape())
          return op->emitOpError()
                 << "reference evaluator supports only statically shaped "
                    "dense float tensor constants";
        std::vector<double> data;
        data.reserve(type.getNumElements());
        for (const APFloat &v : dense.getValues<APFloat>())
          data.push_back(v.convertToDouble() /* exact for <= f64 */);
        return define(op, 0,
                      Tensor(std::vector<int64_t>(type.getShape().begin(),
                                                  type.getShape().end()),
                             std::move(data)));
      })
      .Default([&](Operation *other) {
        return other->emitOpError()
               << "is not supported by the reference evaluator";
      });
}

} // namespace

LogicalResult evaluate(Operation *funcOp, const std::vector<Tensor> &inputs,
                       std::vector<Tensor> &results,
                       const EvalOptions &options) {
  auto func = dyn_cast<func::FuncOp>(funcOp);
  if (!func)
    return funcOp->emitError() << "reference evaluation needs a func.func";
  Interpreter interp(options);
  return interp.run(func, inputs, results);
}

LogicalResult makeRandomInputs(Operation *funcOp, uint64_t seed,
                               std::vector<Tensor> &inputs) {
  return makeRandomInputs(funcOp, seed, {}, inputs);
}

LogicalResult makeRandomInputs(Operation *funcOp, uint64_t seed,
                               const std::vector<std::vector<int64_t>> &shapes,
                               std::vector<Tensor> &inputs) {
  auto func = dyn_cast<func::FuncOp>(funcOp);
  if (!func)
    return funcOp->emitError() << "reference evaluation needs a func.func";
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  inputs.clear();
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto rt = dyn_cast<RankedTensorType>(type);
    std::optional<FloatKind> kind =
        rt ? floatKindOf(rt.getElementType()) : std::nullopt;
    if (!rt || !kind || (!rt.hasStaticShape() && i >= shapes.size()))
      return func.emitError()
             << "cannot make a random input for argument #" << i << " of type "
             << describeType(type)
             << ": random inputs need float tensors of static shape (for "
                "dynamic dimensions, --run, --check-host and --with-reference take "
                "--sizes)";
    std::vector<int64_t> shape(rt.getShape().begin(), rt.getShape().end());
    if (i < shapes.size())
      shape = shapes[i];
    Tensor t(shape);
    if (!fitsType(t, type))
      return func.emitError() << "input #" << i << " of shape "
                              << formatShape(shape) << " does not fit "
                              << describeType(type);
    for (double &x : t.data)
      x = roundTo(dist(rng), *kind);
    inputs.push_back(std::move(t));
  }
  return success();
}

} // namespace fused::ref
