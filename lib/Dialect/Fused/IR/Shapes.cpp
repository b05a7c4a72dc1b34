//===- Shapes.cpp - dynamic dimensions and the sizes they imply -----------===//

#include "fused/Dialect/Fused/IR/Shapes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <map>

using namespace mlir;

namespace fused {

namespace {

int64_t rankOf(Value v) { return cast<ShapedType>(v.getType()).getRank(); }

/// Pairs the dimensions of `a` and `b` aligned from the end (numpy
/// broadcasting): the last `count` of each, where neither side is a static
/// 1 unless both are.
void alignTrailing(Value a, Value b, int64_t count,
                   function_ref<void(Value, int64_t, Value, int64_t)> same,
                   int64_t skipA = 0, int64_t skipB = 0) {
  auto ta = cast<ShapedType>(a.getType()), tb = cast<ShapedType>(b.getType());
  for (int64_t k = 0; k < count; ++k) {
    int64_t i = ta.getRank() - 1 - skipA - k, j = tb.getRank() - 1 - skipB - k;
    if (i < 0 || j < 0)
      return;
    bool oneA = !ta.isDynamicDim(i) && ta.getDimSize(i) == 1;
    bool oneB = !tb.isDynamicDim(j) && tb.getDimSize(j) == 1;
    if (oneA != oneB)
      continue;
    same(a, i, b, j);
  }
}

void sameShape(Value a, Value b,
               function_ref<void(Value, int64_t, Value, int64_t)> same) {
  for (int64_t i = 0, e = std::min(rankOf(a), rankOf(b)); i < e; ++i)
    same(a, i, b, i);
}

} // namespace

void forEachEqualDim(
    Operation *op, function_ref<void(Value, int64_t, Value, int64_t)> same) {
  using namespace fused;
  if (isa<SoftmaxOp>(op)) {
    sameShape(op->getOperand(0), op->getResult(0), same);
    return;
  }
  // A unary op keeps its operand's shape; binary operands broadcast to the
  // result, trailing dimensions aligned.
  if (isa<ElementwiseOpInterface>(op)) {
    Value r = op->getResult(0);
    for (Value o : op->getOperands())
      alignTrailing(o, r, rankOf(o), same);
    return;
  }
  if (auto ln = dyn_cast<LayerNormOp>(op)) {
    sameShape(ln.getInput(), ln.getResult(), same);
    for (Value p : {ln.getWeight(), ln.getBias()})
      if (p)
        alignTrailing(p, ln.getInput(), 1, same);
    return;
  }
  if (auto rn = dyn_cast<RMSNormOp>(op)) {
    sameShape(rn.getInput(), rn.getResult(), same);
    if (Value w = rn.getWeight())
      alignTrailing(w, rn.getInput(), 1, same);
    return;
  }
  if (auto rope = dyn_cast<RopeOp>(op)) {
    sameShape(rope.getInput(), rope.getResult(), same);
    int64_t rank = rankOf(rope.getInput());
    for (Value t : {rope.getCos(), rope.getSin()})
      if (rankOf(t) == 2 && rank >= 2)
        same(t, 0, rope.getInput(), rank - 2);
    sameShape(rope.getCos(), rope.getSin(), same);
    return;
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    // A dynamic dimension sliced from 0 to its end is the input's.
    auto in = cast<ShapedType>(slice.getInput().getType());
    auto out = cast<ShapedType>(slice.getType());
    for (int64_t d = 0; d < in.getRank(); ++d)
      if (in.isDynamicDim(d) && out.isDynamicDim(d) &&
          slice.getOffsets()[d] == 0)
        same(slice.getInput(), d, slice.getResult(), d);
    return;
  }
  if (auto t = dyn_cast<TransposeOp>(op)) {
    for (auto [i, p] : llvm::enumerate(t.getPermutation()))
      same(t.getResult(), static_cast<int64_t>(i), t.getInput(), p);
    return;
  }
  if (isa<ReduceSumOp, ReduceMaxOp>(op)) {
    Value in = op->getOperand(0), r = op->getResult(0);
    int64_t axis = isa<ReduceSumOp>(op)
                       ? cast<ReduceSumOp>(op).getNormalizedAxis()
                       : cast<ReduceMaxOp>(op).getNormalizedAxis();
    bool keep = rankOf(in) == rankOf(r);
    for (int64_t i = 0, j = 0; i < rankOf(in); ++i) {
      if (i == axis) {
        if (keep)
          ++j;
        continue;
      }
      same(in, i, r, j++);
    }
    return;
  }
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    Value a = mm.getA(), b = mm.getB(), r = mm.getResult();
    int64_t ra = rankOf(a), rb = rankOf(b), rr = rankOf(r);
    int64_t m = mm.getTransposeA() ? ra - 1 : ra - 2;
    int64_t ka = mm.getTransposeA() ? ra - 2 : ra - 1;
    int64_t kb = mm.getTransposeB() ? rb - 1 : rb - 2;
    int64_t n = mm.getTransposeB() ? rb - 2 : rb - 1;
    same(a, m, r, rr - 2);
    same(b, n, r, rr - 1);
    same(a, ka, b, kb);
    alignTrailing(a, r, ra - 2, same, 2, 2);
    alignTrailing(b, r, rb - 2, same, 2, 2);
    return;
  }
  if (auto att = dyn_cast<AttentionOp>(op)) {
    Value q = att.getQuery(), k = att.getKey(), v = att.getValue(),
          o = att.getOutput();
    same(q, 0, o, 0);
    same(q, 1, o, 1);
    same(q, 2, o, 2);
    same(v, 3, o, 3);
    same(k, 0, q, 0);
    same(v, 0, q, 0);
    same(k, 1, v, 1);
    same(k, 2, v, 2);
    same(k, 3, q, 3);
    if (Value lse = att.getLse())
      for (int64_t i = 0; i < 3; ++i)
        same(lse, i, q, i);
    if (Value bias = att.getBias()) {
      // The bias broadcasts to [B, Hq, Sq, Skv], aligned at the end.
      Value ref[4] = {q, q, q, k};
      int64_t dim[4] = {0, 1, 2, 2};
      auto bt = cast<ShapedType>(bias.getType());
      int64_t lead = 4 - bt.getRank();
      for (int64_t i = 0; i < bt.getRank(); ++i)
        if (lead + i >= 0 && (bt.isDynamicDim(i) || bt.getDimSize(i) != 1))
          same(bias, i, ref[lead + i], dim[lead + i]);
    }
    return;
  }
  if (auto kernel = dyn_cast<KernelOp>(op)) {
    Block &body = kernel.getBody().front();
    for (auto [in, arg] : llvm::zip(kernel.getInputs(), body.getArguments()))
      sameShape(in, arg, same);
    for (auto [r, y] : llvm::zip(kernel.getResults(),
                                 body.getTerminator()->getOperands()))
      sameShape(r, y, same);
    return;
  }
}

FailureOr<SmallVector<int64_t>> kernelDimClasses(fused::KernelOp kernel) {
  // Union-find over (value, dimension) pairs; a class may be pinned to a
  // static size.
  using Key = std::pair<void *, int64_t>;
  llvm::DenseMap<Key, unsigned> node;
  SmallVector<unsigned> parent;
  SmallVector<int64_t> pinned; // -1: free
  auto key = [](Value v, int64_t d) {
    return Key{v.getAsOpaquePointer(), d};
  };
  auto nodeOf = [&](Value v, int64_t d) {
    auto [it, inserted] = node.try_emplace(key(v, d), parent.size());
    if (inserted) {
      parent.push_back(parent.size());
      auto t = cast<ShapedType>(v.getType());
      pinned.push_back(t.isDynamicDim(d) ? -1 : t.getDimSize(d));
    }
    return it->second;
  };
  auto find = [&](unsigned n) {
    while (parent[n] != n)
      n = parent[n] = parent[parent[n]];
    return n;
  };
  Operation *conflict = nullptr;
  int64_t conflictSize = 0;
  auto unite = [&](Operation *at, Value a, int64_t i, Value b, int64_t j) {
    unsigned x = find(nodeOf(a, i)), y = find(nodeOf(b, j));
    if (x == y)
      return;
    if (pinned[x] >= 0 && pinned[y] < 0)
      std::swap(x, y);
    // A dynamic dimension that must equal a static size.
    if (pinned[y] >= 0 && pinned[x] < 0 && !conflict) {
      conflict = at;
      conflictSize = pinned[y];
    }
    parent[x] = y;
  };
  Block &body = kernel.getBody().front();
  auto walkOp = [&](Operation *op) {
    forEachEqualDim(op, [&](Value a, int64_t i, Value b, int64_t j) {
      unite(op, a, i, b, j);
    });
  };
  walkOp(kernel);
  for (Operation &op : body.without_terminator())
    walkOp(&op);
  if (conflict)
    return conflict->emitOpError()
               << "makes a dynamic dimension (?) equal to the static size "
               << conflictSize << ": write " << conflictSize
               << " for it, or make both dynamic",
           failure();

  SmallVector<int64_t> classes;
  llvm::DenseMap<unsigned, int64_t> ids;
  auto addValue = [&](Value v, bool isResult, unsigned index) -> LogicalResult {
    auto t = cast<ShapedType>(v.getType());
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (!t.isDynamicDim(d)) {
        classes.push_back(-1);
        continue;
      }
      unsigned root = find(nodeOf(v, d));
      auto [it, inserted] = ids.try_emplace(root, ids.size());
      if (inserted && isResult)
        return kernel.emitOpError()
                   << "result #" << index << " has dynamic dimension " << d
                   << " whose size follows from no input's: code generation "
                      "needs each dynamic size of a result to be one of the "
                      "inputs'",
               failure();
      classes.push_back(it->second);
    }
    return success();
  };
  for (auto [i, v] : llvm::enumerate(kernel.getInputs()))
    if (failed(addValue(v, false, i)))
      return failure();
  for (auto [i, v] : llvm::enumerate(kernel.getResults()))
    if (failed(addValue(v, true, i)))
      return failure();
  return classes;
}

FailureOr<fused::LaunchOp> createLaunchFor(OpBuilder &b,
                                           fused::KernelOp kernel,
                                           SymbolRefAttr callee) {
  FailureOr<SmallVector<int64_t>> classes = kernelDimClasses(kernel);
  if (failed(classes))
    return failure();
  auto launch = fused::LaunchOp::create(b, kernel.getLoc(),
                                        kernel.getResultTypes(), callee,
                                        kernel.getInputs(), nullptr);
  if (llvm::any_of(*classes, [](int64_t c) { return c >= 0; }))
    launch.setDimClasses(*classes);
  return launch;
}

//===----------------------------------------------------------------------===//
// SizeExpr
//===----------------------------------------------------------------------===//

SizeExpr SizeExpr::constant(int64_t c) {
  SizeExpr e;
  if (c != 0)
    e.termList.push_back({c, {}});
  return e;
}

SizeExpr SizeExpr::symbol(unsigned s) {
  SizeExpr e;
  e.termList.push_back({1, {s}});
  return e;
}

void SizeExpr::normalize() {
  std::map<SmallVector<unsigned, 2>, int64_t> sum;
  for (SizeTerm &t : termList) {
    llvm::sort(t.symbols);
    sum[t.symbols] += t.coeff;
  }
  termList.clear();
  // Higher degree first, constants last.
  std::vector<SizeTerm> sorted;
  for (auto &[syms, c] : sum)
    if (c != 0)
      sorted.push_back({c, syms});
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const SizeTerm &a, const SizeTerm &b) {
                     return a.symbols.size() > b.symbols.size();
                   });
  termList.append(sorted.begin(), sorted.end());
}

SizeExpr SizeExpr::operator+(const SizeExpr &o) const {
  SizeExpr e = *this;
  e.termList.append(o.termList.begin(), o.termList.end());
  e.normalize();
  return e;
}

SizeExpr SizeExpr::operator*(const SizeExpr &o) const {
  SizeExpr e;
  for (const SizeTerm &a : termList)
    for (const SizeTerm &b : o.termList) {
      SizeTerm t{a.coeff * b.coeff, a.symbols};
      t.symbols.append(b.symbols.begin(), b.symbols.end());
      e.termList.push_back(t);
    }
  e.normalize();
  return e;
}

bool SizeExpr::operator==(const SizeExpr &o) const {
  if (termList.size() != o.termList.size())
    return false;
  for (auto [a, b] : llvm::zip(termList, o.termList))
    if (a.coeff != b.coeff || a.symbols != b.symbols)
      return false;
  return true;
}

std::optional<int64_t> SizeExpr::constantValue() const {
  if (termList.empty())
    return 0;
  if (termList.size() == 1 && termList[0].symbols.empty())
    return termList[0].coeff;
  return std::nullopt;
}

std::optional<std::pair<unsigned, int64_t>> SizeExpr::scaledSymbol() const {
  if (termList.size() == 1 && termList[0].symbols.size() == 1)
    return std::make_pair(termList[0].symbols[0], termList[0].coeff);
  return std::nullopt;
}

std::optional<SizeExpr> SizeExpr::exactDivide(int64_t c) const {
  if (c <= 0)
    return std::nullopt;
  SizeExpr e = *this;
  for (SizeTerm &t : e.termList) {
    if (t.coeff % c != 0)
      return std::nullopt;
    t.coeff /= c;
  }
  return e;
}

std::optional<int64_t> SizeExpr::evaluate(ArrayRef<int64_t> symbols) const {
  int64_t sum = 0;
  for (const SizeTerm &t : termList) {
    int64_t v = t.coeff;
    for (unsigned s : t.symbols) {
      if (s >= symbols.size() || __builtin_mul_overflow(v, symbols[s], &v))
        return std::nullopt;
    }
    if (__builtin_add_overflow(sum, v, &sum))
      return std::nullopt;
  }
  return sum;
}

std::string SizeExpr::str() const {
  if (termList.empty())
    return "0";
  std::string s;
  for (auto [i, t] : llvm::enumerate(termList)) {
    if (i)
      s += " + ";
    std::string factors;
    if (t.coeff != 1 || t.symbols.empty())
      factors = std::to_string(t.coeff);
    for (unsigned sym : t.symbols)
      factors += (factors.empty() ? "" : " * ") + ("s" + std::to_string(sym));
    s += factors;
  }
  return s;
}

} // namespace fused
