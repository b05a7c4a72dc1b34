//===- Schedule.cpp - the host schedule of a compiled function ------------===//

#include "fused/Dialect/Fused/IR/Schedule.h"

#include "llvm/ADT/DenseSet.h"

#include <functional>
#include <limits>

using namespace mlir;

namespace fused {

int64_t ScheduleBuffer::elementBytes() const {
  return std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
}

int64_t ScheduleBuffer::bytes() const {
  return type.getNumElements() * elementBytes();
}

SizeExpr ScheduleBuffer::bytesExpr() const {
  SizeExpr e = SizeExpr::constant(elementBytes());
  for (const SizeExpr &d : dims)
    e = e * d;
  return e;
}

StringRef ScheduleBuffer::originName() const {
  switch (origin) {
  case Origin::Input:
    return "input";
  case Origin::Kernel:
    return "kernel";
  case Origin::View:
    return "view";
  }
  return "";
}

SizeExpr viewByteOffset(Value v, function_ref<SizeExpr(Value, int64_t)> dim) {
  SizeExpr offset = SizeExpr::constant(0);
  while (Operation *def = v.getDefiningOp()) {
    if (auto slice = dyn_cast<fused::SliceOp>(def)) {
      // sum_i offsets[i] * prod_{j > i} dim(j), in bytes.
      Value in = slice.getInput();
      int64_t rank = cast<ShapedType>(in.getType()).getRank();
      SizeExpr stride = SizeExpr::constant(std::max<int64_t>(
          1, slice.getType().getElementTypeBitWidth() / 8));
      for (int64_t d = rank - 1; d >= 0; --d) {
        offset = offset + stride * SizeExpr::constant(slice.getOffsets()[d]);
        stride = stride * dim(in, d);
      }
    } else if (!isa<fused::ReshapeOp>(def)) {
      break;
    }
    v = def->getOperand(0);
  }
  return offset;
}

SizeExpr viewByteOffset(Value v) {
  llvm::DenseMap<std::pair<void *, int64_t>, unsigned> symbols;
  return viewByteOffset(v, [&](Value x, int64_t d) {
    auto t = cast<ShapedType>(x.getType());
    if (!t.isDynamicDim(d))
      return SizeExpr::constant(t.getDimSize(d));
    auto [it, inserted] = symbols.try_emplace(
        {x.getAsOpaquePointer(), d}, static_cast<unsigned>(symbols.size()));
    return SizeExpr::symbol(it->second);
  });
}

namespace {

/// Equal dynamic sizes of a function: a union-find over its buffers'
/// dynamic dimensions, where a class may be defined as a SizeExpr of other
/// classes (a reshape's merged dimension).
class SizeClasses {
public:
  unsigned fresh() {
    parent.push_back(parent.size());
    def.push_back(std::nullopt);
    return parent.size() - 1;
  }
  unsigned defined(SizeExpr e) {
    unsigned n = fresh();
    def[n] = std::move(e);
    return n;
  }
  unsigned find(unsigned n) {
    while (parent[n] != n)
      n = parent[n] = parent[parent[n]];
    return n;
  }
  void unite(unsigned a, unsigned b, Operation *at) {
    a = find(a);
    b = find(b);
    if (a == b)
      return;
    memo.clear();
    if (def[a] && def[b]) {
      // Both defined: they must resolve to the same size.
      checks.push_back({a, b, at});
      parent[b] = a;
      return;
    }
    // The defined one, else the older one, stays the root.
    if (def[b] || (!def[a] && b < a))
      std::swap(a, b);
    parent[b] = a;
  }

  /// The size of node `n` in the free roots (as symbols numbered by node);
  /// fails on a cycle.
  FailureOr<SizeExpr> resolve(unsigned n) {
    n = find(n);
    if (!def[n])
      return SizeExpr::symbol(n);
    if (auto it = memo.find(n); it != memo.end())
      return it->second;
    if (!inProgress.insert(n).second)
      return failure();
    SizeExpr sum = SizeExpr::constant(0);
    for (const SizeTerm &t : def[n]->terms()) {
      SizeExpr product = SizeExpr::constant(t.coeff);
      for (unsigned s : t.symbols) {
        FailureOr<SizeExpr> f = resolve(s);
        if (failed(f))
          return failure();
        product = product * *f;
      }
      sum = sum + product;
    }
    inProgress.erase(n);
    memo[n] = sum;
    return sum;
  }

  struct Check {
    unsigned a, b;
    Operation *at;
  };
  std::vector<Check> checks;

private:
  std::vector<unsigned> parent;
  std::vector<std::optional<SizeExpr>> def;
  llvm::DenseMap<unsigned, SizeExpr> memo;
  llvm::DenseSet<unsigned> inProgress;
};

/// Renames a SizeExpr over node symbols to one over the function's size
/// symbols.
SizeExpr renumber(const SizeExpr &e, llvm::DenseMap<unsigned, unsigned> &ids) {
  SizeExpr out = SizeExpr::constant(0);
  for (const SizeTerm &t : e.terms()) {
    SizeExpr p = SizeExpr::constant(t.coeff);
    for (unsigned s : t.symbols) {
      auto [it, inserted] = ids.try_emplace(s, ids.size());
      p = p * SizeExpr::symbol(it->second);
    }
    out = out + p;
  }
  return out;
}

} // namespace

namespace {

/// Reads a function's schedule op by op: its buffers, with every dynamic
/// dimension a node of the size classes, then (finish) the dimensions and
/// view offsets in the size symbols.
class ScheduleBuilder {
public:
  explicit ScheduleBuilder(func::FuncOp func) : func(func) {
    s.name = func.getSymName().str();
  }

  LogicalResult addInput(BlockArgument arg);
  LogicalResult addView(Operation *op);
  LogicalResult addLaunch(fused::LaunchOp launch);
  LogicalResult addReturn(func::ReturnOp ret);
  Schedule take() { return std::move(s); }

private:
  int64_t add(Value v, ScheduleBuffer b);
  /// A dimension's size in class nodes (unresolved).
  SizeExpr dimOf(Value v, int64_t d);
  LogicalResult addReshape(Operation *op, int64_t id);
  /// The dimensions and view offsets in the size symbols, numbered as the
  /// inputs first show them.
  LogicalResult finish();
  SizeExpr inSymbols(const SizeExpr &e,
                     llvm::DenseMap<unsigned, unsigned> &ids);

  func::FuncOp func;
  Schedule s;
  SizeClasses classes;
  /// Per buffer: each dimension's class node, or none when it is static.
  std::vector<SmallVector<std::optional<unsigned>, 4>> nodes;
};

int64_t ScheduleBuilder::add(Value v, ScheduleBuffer b) {
  b.type = cast<RankedTensorType>(v.getType());
  int64_t id = static_cast<int64_t>(s.buffers.size());
  s.ids[v] = id;
  s.buffers.push_back(b);
  nodes.emplace_back(b.type.getRank());
  return id;
}

SizeExpr ScheduleBuilder::dimOf(Value v, int64_t d) {
  int64_t id = s.ids.lookup(v);
  if (std::optional<unsigned> n = nodes[id][d])
    return SizeExpr::symbol(*n);
  return SizeExpr::constant(s.buffers[id].type.getDimSize(d));
}

LogicalResult ScheduleBuilder::addInput(BlockArgument arg) {
  if (!isa<RankedTensorType>(arg.getType()))
    return func.emitError() << "argument #" << arg.getArgNumber()
                            << " has type " << arg.getType()
                            << ": a compiled function takes ranked tensors",
           failure();
  int64_t id = add(arg, {});
  for (int64_t d = 0; d < s.buffers[id].type.getRank(); ++d)
    if (s.buffers[id].type.isDynamicDim(d))
      nodes[id][d] = classes.fresh();
  s.inputs.push_back(id);
  return success();
}

LogicalResult ScheduleBuilder::addView(Operation *op) {
  if (auto slice = dyn_cast<fused::SliceOp>(op); slice && !slice.isContiguous())
    return slice.emitOpError()
               << "is not contiguous in its input: code generation "
                  "compiles slices that are one run of the input's "
                  "elements (size 1 in the leading dimensions, whole in "
                  "the trailing ones), such as slices of the leading "
                  "dimension; transpose the sliced dimension to the "
                  "front first",
           failure();
  ScheduleBuffer b;
  b.origin = ScheduleBuffer::Origin::View;
  Value in = op->getOperand(0);
  b.base = s.storageOf(s.ids.lookup(in));
  int64_t id = add(op->getResult(0), b);
  s.buffers[id].byteOffsetExpr = viewByteOffset(
      op->getResult(0), [&](Value v, int64_t d) { return dimOf(v, d); });
  if (isa<fused::ReshapeOp>(op))
    return addReshape(op, id);
  // A contiguous slice keeps each dynamic dimension whole.
  int64_t inId = s.ids.lookup(in);
  for (int64_t d = 0; d < s.buffers[id].type.getRank(); ++d)
    if (s.buffers[id].type.isDynamicDim(d))
      nodes[id][d] = nodes[inId][d];
  return success();
}

/// A reshape: at most one dynamic result dimension, the input's size
/// divided by the static ones.
LogicalResult ScheduleBuilder::addReshape(Operation *op, int64_t id) {
  Value in = op->getOperand(0);
  auto inType = cast<RankedTensorType>(in.getType());
  auto outType = s.buffers[id].type;
  SizeExpr total = SizeExpr::constant(1);
  for (int64_t d = 0; d < inType.getRank(); ++d)
    total = total * dimOf(in, d);
  int64_t staticPart = 1, dynamicDim = -1;
  for (int64_t d = 0; d < outType.getRank(); ++d) {
    if (!outType.isDynamicDim(d)) {
      staticPart *= outType.getDimSize(d);
      continue;
    }
    if (dynamicDim >= 0)
      return op->emitOpError()
                 << "has more than one dynamic result dimension: code "
                    "generation reshapes with at most one, the size of "
                    "the input divided by the static dimensions",
             failure();
    dynamicDim = d;
  }
  if (dynamicDim < 0) {
    if (!total.constantValue())
      return op->emitOpError()
                 << "makes dynamic dimensions static: give the result a "
                    "dynamic dimension (?)",
             failure();
    return success();
  }
  std::optional<SizeExpr> size = total.exactDivide(staticPart);
  if (!size || total.constantValue())
    return op->emitOpError()
               << "has a dynamic result dimension that is not a multiple "
                  "of the input's dynamic sizes: the static dimensions' "
                  "product "
               << staticPart << " must divide the input's static part",
           failure();
  // In the classes' free sizes: a dimension that stays one of them is
  // that class (most reshapes keep the dynamic dimension as it is).
  SizeExpr resolved = SizeExpr::constant(0);
  for (const SizeTerm &t : size->terms()) {
    SizeExpr p = SizeExpr::constant(t.coeff);
    for (unsigned n : t.symbols) {
      FailureOr<SizeExpr> r = classes.resolve(n);
      if (failed(r))
        return op->emitOpError() << "has sizes defined in terms of "
                                    "themselves",
               failure();
      p = p * *r;
    }
    resolved = resolved + p;
  }
  if (auto sc = resolved.scaledSymbol(); sc && sc->second == 1)
    nodes[id][dynamicDim] = sc->first;
  else
    nodes[id][dynamicDim] = classes.defined(resolved);
  return success();
}

LogicalResult ScheduleBuilder::addLaunch(fused::LaunchOp launch) {
  ScheduleLaunch l;
  l.op = launch;
  l.kernel = launch.getCallee().getLeafReference().getValue().str();
  for (Value in : launch.getInputs())
    l.args.push_back(s.ids.lookup(in));
  l.numInputs = l.args.size();
  for (Value r : launch.getResults()) {
    ScheduleBuffer b;
    b.origin = ScheduleBuffer::Origin::Kernel;
    l.args.push_back(add(r, b));
  }
  // Dimensions of one class are one size; results take their inputs'.
  std::optional<ArrayRef<int64_t>> dimClasses = launch.getDimClasses();
  llvm::DenseMap<int64_t, unsigned> classNode;
  size_t flat = 0;
  for (int64_t id : l.args) {
    for (int64_t d = 0; d < s.buffers[id].type.getRank(); ++d, ++flat) {
      if (!s.buffers[id].type.isDynamicDim(d))
        continue;
      if (!dimClasses || flat >= dimClasses->size() ||
          (*dimClasses)[flat] < 0)
        return launch.emitOpError()
                   << "has a dynamic dimension that its dim_classes do not "
                      "place",
               failure();
      if (!nodes[id][d])
        nodes[id][d] = classes.fresh();
      auto [it, inserted] =
          classNode.try_emplace((*dimClasses)[flat], *nodes[id][d]);
      if (!inserted)
        classes.unite(it->second, *nodes[id][d], launch);
    }
  }
  s.launches.push_back(std::move(l));
  return success();
}

SizeExpr ScheduleBuilder::inSymbols(const SizeExpr &e,
                                    llvm::DenseMap<unsigned, unsigned> &ids) {
  SizeExpr out = SizeExpr::constant(0);
  for (const SizeTerm &t : e.terms()) {
    SizeExpr p = SizeExpr::constant(t.coeff);
    for (unsigned n : t.symbols)
      p = p * renumber(*classes.resolve(n), ids);
    out = out + p;
  }
  return out;
}

LogicalResult ScheduleBuilder::finish() {
  llvm::DenseMap<unsigned, unsigned> ids;
  std::vector<SmallVector<SizeExpr, 4>> resolved(s.buffers.size());
  for (auto [id, b] : llvm::enumerate(s.buffers)) {
    for (int64_t d = 0; d < b.type.getRank(); ++d) {
      if (!nodes[id][d]) {
        resolved[id].push_back(SizeExpr::constant(b.type.getDimSize(d)));
        continue;
      }
      FailureOr<SizeExpr> e = classes.resolve(*nodes[id][d]);
      if (failed(e))
        return func.emitError()
                   << "has sizes that are defined in terms of themselves",
               failure();
      resolved[id].push_back(*e);
    }
  }
  // The inputs number the symbols; nothing else may bring a new one.
  for (int64_t id : s.inputs)
    for (SizeExpr &e : resolved[id])
      e = renumber(e, ids);
  unsigned bound = ids.size();
  for (auto [id, b] : llvm::enumerate(s.buffers)) {
    if (b.origin != ScheduleBuffer::Origin::Input)
      for (SizeExpr &e : resolved[id])
        e = renumber(e, ids);
    if (ids.size() > bound)
      return func.emitError()
                 << "has a dynamic size that the sizes of its arguments do "
                    "not determine (buffer "
                 << id << " of type " << b.type << ")",
             failure();
    b.dims = resolved[id];
  }
  for (const SizeClasses::Check &c : classes.checks) {
    FailureOr<SizeExpr> a = classes.resolve(c.a), b = classes.resolve(c.b);
    if (failed(a) || failed(b) || !(renumber(*a, ids) == renumber(*b, ids)))
      return c.at->emitOpError()
                 << "needs two sizes to be equal that the compiler cannot "
                    "show equal",
             failure();
  }
  s.numSymbols = ids.size();
  for (ScheduleBuffer &b : s.buffers) {
    if (b.origin != ScheduleBuffer::Origin::View)
      continue;
    b.byteOffsetExpr = inSymbols(b.byteOffsetExpr, ids);
    b.byteOffset = b.byteOffsetExpr.constantValue().value_or(0);
  }
  return success();
}

LogicalResult ScheduleBuilder::addReturn(func::ReturnOp ret) {
  if (failed(finish()))
    return failure();
  for (Value v : ret.getOperands()) {
    int64_t id = s.ids.lookup(v);
    const ScheduleBuffer &b = s.buffers[id];
    if (b.origin == ScheduleBuffer::Origin::View &&
        (s.buffers[b.base].origin != ScheduleBuffer::Origin::Kernel ||
         !(b.byteOffsetExpr == SizeExpr::constant(0)) ||
         !(b.bytesExpr() == s.buffers[b.base].bytesExpr())))
      return ret.emitOpError()
                 << "returns a view of "
                 << (s.buffers[b.base].origin == ScheduleBuffer::Origin::Kernel
                         ? "part of a kernel's result"
                         : "an argument")
                 << ": a compiled function's results are written by its "
                    "kernels, so return a computed value (a reshape of "
                    "a whole kernel result may be returned)",
             failure();
    s.outputs.push_back(id);
  }
  return success();
}

} // namespace

FailureOr<Schedule> buildSchedule(func::FuncOp func, StringRef supported) {
  ScheduleBuilder builder(func);
  for (BlockArgument arg : func.getArguments())
    if (failed(builder.addInput(arg)))
      return failure();
  for (Operation &op : func.getBody().front()) {
    LogicalResult ok = success();
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (failed(builder.addReturn(ret)))
        return failure();
      return builder.take();
    }
    if (isa<fused::ReshapeOp, fused::SliceOp>(op))
      ok = builder.addView(&op);
    else if (auto launch = dyn_cast<fused::LaunchOp>(op))
      ok = builder.addLaunch(launch);
    else
      return op.emitOpError()
                 << "cannot be part of a compiled function: code generation "
                    "does not support it yet (it compiles "
             << supported << ")",
             failure();
    if (failed(ok))
      return failure();
  }
  return func.emitError() << "function has no return", failure();
}

ScheduleSizes Schedule::staticSizes() const {
  std::string error;
  std::vector<std::vector<int64_t>> shapes;
  for (int64_t id : inputs)
    shapes.emplace_back(buffers[id].type.getShape().begin(),
                        buffers[id].type.getShape().end());
  return *bind(shapes, error);
}

std::optional<ScheduleSizes>
Schedule::bind(const std::vector<std::vector<int64_t>> &inputShapes,
               std::string &error) const {
  ScheduleSizes z;
  z.symbols.assign(numSymbols, -1);
  if (inputShapes.size() != inputs.size()) {
    error = "expected " + std::to_string(inputs.size()) + " inputs, got " +
            std::to_string(inputShapes.size());
    return std::nullopt;
  }
  auto dimText = [&](size_t i, int64_t d) {
    return "input " + std::to_string(i) + " dimension " + std::to_string(d);
  };
  // Symbols from the dimensions that are one symbol times a constant.
  for (auto [i, id] : llvm::enumerate(inputs)) {
    const ScheduleBuffer &b = buffers[id];
    if (inputShapes[i].size() != b.dims.size()) {
      error = "input " + std::to_string(i) + " must have rank " +
              std::to_string(b.dims.size()) + ", got " +
              std::to_string(inputShapes[i].size());
      return std::nullopt;
    }
    for (auto [d, e] : llvm::enumerate(b.dims)) {
      int64_t v = inputShapes[i][d];
      if (v < 0) {
        error = dimText(i, d) + " is negative";
        return std::nullopt;
      }
      if (auto sc = e.scaledSymbol(); sc && z.symbols[sc->first] < 0) {
        if (v % sc->second != 0) {
          error = dimText(i, d) + " is " + std::to_string(v) +
                  ", which must be a multiple of " + std::to_string(sc->second) +
                  " (" + e.str() + ")";
          return std::nullopt;
        }
        z.symbols[sc->first] = v / sc->second;
      }
    }
  }
  for (auto [i, v] : llvm::enumerate(z.symbols))
    if (v < 0) {
      error = "size s" + std::to_string(i) +
              " is not the size of any input dimension";
      return std::nullopt;
    }
  // Every input dimension agrees; every buffer's shape follows.
  for (auto [id, b] : llvm::enumerate(buffers)) {
    std::vector<int64_t> shape;
    int64_t bytes = b.elementBytes();
    for (const SizeExpr &e : b.dims) {
      std::optional<int64_t> v = e.evaluate(z.symbols);
      if (!v || (*v && bytes > std::numeric_limits<int64_t>::max() / *v)) {
        error = "the sizes overflow 64 bits in buffer " + std::to_string(id);
        return std::nullopt;
      }
      shape.push_back(*v);
      bytes *= *v;
    }
    z.shapes.push_back(shape);
    z.bytes.push_back(bytes);
    z.byteOffsets.push_back(b.byteOffsetExpr.evaluate(z.symbols).value_or(0));
  }
  auto shapeText = [](ArrayRef<int64_t> shape) {
    std::string t = "[";
    for (auto [k, d] : llvm::enumerate(shape))
      t += (k ? ", " : "") + std::to_string(d);
    return t + "]";
  };
  for (auto [i, id] : llvm::enumerate(inputs)) {
    if (buffers[id].type.hasStaticShape() && z.shapes[id] != inputShapes[i]) {
      error = "input " + std::to_string(i) + " must have shape " +
              shapeText(z.shapes[id]) + ", got " + shapeText(inputShapes[i]);
      return std::nullopt;
    }
    for (auto [d, v] : llvm::enumerate(inputShapes[i]))
      if (z.shapes[id][d] != v) {
        std::string names;
        for (auto [k, sym] : llvm::enumerate(z.symbols))
          names += (k ? ", s" : "s") + std::to_string(k) + " = " +
                   std::to_string(sym);
        error = dimText(i, d) + " is " + std::to_string(v) + ", expected " +
                buffers[id].dims[d].str() + " = " +
                std::to_string(z.shapes[id][d]) + " (" + names +
                ", from the inputs' sizes)";
        return std::nullopt;
      }
  }
  return z;
}

std::optional<std::vector<std::vector<int64_t>>>
Schedule::inputShapes(const std::vector<int64_t> &symbols,
                      std::string &error) const {
  if (symbols.size() != numSymbols) {
    error = "@" + name + " has " + std::to_string(numSymbols) +
            " dynamic size" + (numSymbols == 1 ? "" : "s") + ", got " +
            std::to_string(symbols.size());
    return std::nullopt;
  }
  std::vector<std::vector<int64_t>> shapes;
  for (int64_t id : inputs) {
    std::vector<int64_t> shape;
    for (const SizeExpr &e : buffers[id].dims) {
      std::optional<int64_t> v = e.evaluate(symbols);
      if (!v || *v < 0) {
        error = "the sizes overflow 64 bits";
        return std::nullopt;
      }
      shape.push_back(*v);
    }
    shapes.push_back(shape);
  }
  return shapes;
}

} // namespace fused
