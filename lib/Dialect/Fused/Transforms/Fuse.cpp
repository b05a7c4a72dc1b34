//===- Fuse.cpp - group fused ops into kernels ----------------------------===//
//
// The fused-fuse pass: greedy, in program order, over the top-level ops of a
// function. A group starts at the first op not yet in a kernel that a
// kernel strategy roots and grows forward along single-consumer elementwise
// links; each group becomes one fused.kernel. Views (fused.reshape,
// contiguous fused.slice) stay outside kernels. Before grouping, the unfused attention pattern becomes
// one fused.attention (see recognizeAttention).
//
//===----------------------------------------------------------------------===//

#include "fused/Conversion/Elementwise.h"
#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDFUSEPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;
using namespace fused::fused;

namespace {

bool isElementwise(Operation *op) { return isa<ElementwiseOpInterface>(op); }

/// The kind of the kernel that starts at `op`, from the strategies; none
/// for ops that stay outside kernels (views such as fused.reshape, and ops
/// code generation does not support).
std::optional<KernelKind> kindOf(Operation *op) {
  for (const ::fused::KernelStrategy *s : ::fused::kernelStrategies())
    if (s->roots(op))
      return s->kind();
  return std::nullopt;
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// The op that `value` flows into next in a chain: its single user (which
/// may use it more than once), if that user is an elementwise op in the
/// same block whose result has shape `shape`.
Operation *nextLink(Value value, ArrayRef<int64_t> shape) {
  if (value.use_empty())
    return nullptr;
  Operation *user = *value.getUsers().begin();
  for (Operation *other : value.getUsers())
    if (other != user)
      return nullptr;
  if (user->getBlock() != value.getParentBlock() || !isElementwise(user))
    return nullptr;
  // Dynamic dimensions of one shape are one size: elementwise ops make
  // their operands' and result's equal.
  if (user->getNumResults() != 1 || shapeOf(user->getResult(0)) != shape)
    return nullptr;
  return user;
}

/// The single user of `v`, or null.
Operation *soleUser(Value v) {
  return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
}

/// Recognises attention written op by op:
///   s = matmul(q, k) {transpose_b}        [B,H,Sq,D] x [B,Hk,Skv,D]
///   s = mul(s, splat constant)            optional: the scale (else 1)
///   s = add(s, bias)                      optional
///   p = softmax(s) over the last axis
///   p = cast(p) to f16/bf16               optional
///   o = matmul(p, v)                      [B,Hk,Skv,Dv]
///   o = cast(o)                           optional
/// with every intermediate used once, and replaces it with one
/// fused.attention (Hq a multiple of Hk: GQA/MQA when Hk < Hq).
bool recognizeAttention(SoftmaxOp softmax) {
  auto sType = cast<RankedTensorType>(softmax.getType());
  int64_t rank = sType.getRank();
  auto axis = static_cast<int64_t>(softmax.getAxis());
  if (rank != 4 || (axis != 3 && axis != -1))
    return false;
  SmallVector<Operation *> chain = {softmax};
  Value s = softmax.getInput();
  Value bias;
  if (auto add = s.getDefiningOp<AddOp>(); add && s.hasOneUse()) {
    bool lhsChain = add.getLhs().getDefiningOp<MulOp>() ||
                    add.getLhs().getDefiningOp<MatmulOp>();
    s = lhsChain ? add.getLhs() : add.getRhs();
    bias = lhsChain ? add.getRhs() : add.getLhs();
    chain.push_back(add);
  }
  float scale = 1.0f;
  if (auto mul = s.getDefiningOp<MulOp>(); mul && s.hasOneUse()) {
    Value other = mul.getRhs();
    s = mul.getLhs();
    if (!s.getDefiningOp<MatmulOp>())
      std::swap(s, other);
    DenseFPElementsAttr c;
    if (!matchPattern(other, m_Constant(&c)) || !c.isSplat())
      return false;
    scale = c.getSplatValue<APFloat>().convertToFloat();
    chain.push_back(mul);
  }
  auto qk = s.getDefiningOp<MatmulOp>();
  if (!qk || !s.hasOneUse() || qk.getTransposeA() || !qk.getTransposeB() ||
      qk.getType() != softmax.getInput().getType())
    return false;
  chain.push_back(qk);

  Value p = softmax.getResult();
  Operation *user = soleUser(p);
  if (auto cast = dyn_cast_or_null<CastOp>(user)) {
    p = cast.getResult();
    user = soleUser(p);
    chain.insert(chain.begin(), cast);
  }
  auto pv = dyn_cast_or_null<MatmulOp>(user);
  if (!pv || pv.getA() != p || pv.getTransposeA() || pv.getTransposeB())
    return false;
  chain.insert(chain.begin(), pv);
  Value out = pv.getResult();
  if (auto cast = dyn_cast_or_null<CastOp>(soleUser(out))) {
    out = cast.getResult();
    chain.insert(chain.begin(), cast);
  }

  Value q = qk.getA(), k = qk.getB(), v = pv.getB();
  auto qT = cast<RankedTensorType>(q.getType());
  auto kT = cast<RankedTensorType>(k.getType());
  auto vT = cast<RankedTensorType>(v.getType());
  if (qT.getRank() != 4 || kT.getRank() != 4 || vT.getRank() != 4 ||
      !qT.hasStaticShape() || !kT.hasStaticShape() || !vT.hasStaticShape())
    return false;
  int64_t hq = qT.getDimSize(1), hk = kT.getDimSize(1);
  if (kT.getDimSize(0) != qT.getDimSize(0) ||
      vT.getDimSize(0) != qT.getDimSize(0) || vT.getDimSize(1) != hk ||
      hq % hk != 0 || kT.getDimSize(3) != qT.getDimSize(3) ||
      vT.getDimSize(2) != kT.getDimSize(2) ||
      cast<RankedTensorType>(out.getType()).getShape() !=
          ArrayRef<int64_t>{qT.getDimSize(0), hq, qT.getDimSize(2),
                            vT.getDimSize(3)})
    return false;

  OpBuilder b(out.getDefiningOp());
  SmallVector<Value> operands = {q, k, v};
  if (bias)
    operands.push_back(bias);
  NamedAttrList attrs;
  attrs.set("scale", b.getF32FloatAttr(scale));
  auto att = AttentionOp::create(b, softmax.getLoc(), TypeRange{out.getType()},
                                 operands, attrs);
  out.replaceAllUsesWith(att.getOutput());
  for (Operation *op : chain)
    op->erase();
  return true;
}

struct FusePass : public ::fused::fused::impl::FusedFusePassBase<FusePass> {
  using FusedFusePassBase::FusedFusePassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<SoftmaxOp> softmaxes;
    func.walk([&](SoftmaxOp op) { softmaxes.push_back(op); });
    for (SoftmaxOp op : softmaxes)
      recognizeAttention(op);
    for (Block &block : func.getBody()) {
      SmallVector<Operation *> candidates;
      for (Operation &op : block)
        if (isa<FusedDialect>(op.getDialect()) && kindOf(&op))
          candidates.push_back(&op);
      llvm::SmallPtrSet<Operation *, 16> done;
      for (Operation *root : candidates) {
        if (done.contains(root))
          continue;
        KernelKind kind = *kindOf(root);
        SmallVector<Operation *> group = growGroup(root, kind);
        for (Operation *op : group)
          done.insert(op);
        buildKernel(group, kind);
      }
    }
  }

  /// The layernorm or rmsnorm of `add`'s sum when `add` is a residual add
  /// (two operands of the sum's shape) that is not part of a chain: the
  /// norm's kernel computes the sum too (returning it when it is used
  /// elsewhere), so the sum makes no round trip through memory.
  Operation *residualNorm(Operation *add) {
    if (!isa<AddOp>(add) || !fuseElementwise)
      return nullptr;
    Value sum = add->getResult(0);
    if (add->getOperand(0).getType() != sum.getType() ||
        add->getOperand(1).getType() != sum.getType())
      return nullptr;
    Operation *norm = nullptr;
    for (Operation *user : sum.getUsers())
      if (isa<LayerNormOp, RMSNormOp>(user) && user->getOperand(0) == sum &&
          user->getBlock() == add->getBlock() &&
          (!norm || user->isBeforeInBlock(norm)))
        norm = user;
    if (!norm)
      return nullptr;
    // The kernel replaces the norm: the sum's other users come after it,
    // and its weight and bias are there before the add.
    for (Operation *user : sum.getUsers())
      if (user != norm && (user->getBlock() != norm->getBlock() ||
                           user->isBeforeInBlock(norm)))
        return nullptr;
    for (Value param : norm->getOperands().drop_front()) {
      Operation *def = param.getDefiningOp();
      if (def && (def->getBlock() != add->getBlock() ||
                  !def->isBeforeInBlock(add)))
        return nullptr;
    }
    return norm;
  }

  /// The ops that join `root` in one kernel, in program order; `kind`
  /// (root's) becomes the norm's when a residual add joins its norm.
  SmallVector<Operation *> growGroup(Operation *root, KernelKind &kind) {
    SmallVector<Operation *> group = {root};
    if (Operation *norm = residualNorm(root)) {
      group.push_back(norm);
      kind = *kindOf(norm);
      return group;
    }
    bool grow = isa<MatmulOp>(root) ? bool(fuseEpilogues)
                                    : isElementwise(root) && fuseElementwise;
    if (!grow)
      return group;
    Value current = root->getResult(0);
    ArrayRef<int64_t> shape = shapeOf(current);
    while (Operation *next = nextLink(current, shape)) {
      group.push_back(next);
      current = next->getResult(0);
    }
    return group;
  }

  /// Replaces `group` (in program order, each op's result used only by the
  /// next op but for the last) by one fused.kernel placed where the last op
  /// was.
  void buildKernel(ArrayRef<Operation *> group, KernelKind kind) {
    llvm::SmallPtrSet<Operation *, 8> members(group.begin(), group.end());
    // Splat constants (a scale, an epsilon) of elementwise ops go into the
    // kernel, as immediates, rather than in as buffers.
    bool immediates =
        kind == KernelKind::gemm || kind == KernelKind::elementwise;
    llvm::SetVector<Value> inputs, constants;
    for (Operation *op : group)
      for (Value operand : op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (def && members.contains(def))
          continue;
        if (immediates && isElementwise(op) && ::fused::splatConstant(operand))
          constants.insert(operand);
        else
          inputs.insert(operand);
      }
    SmallVector<Value> outputs;
    for (Operation *op : group)
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              return !members.contains(user);
            }))
          outputs.push_back(result);
    // A group whose results are all unused still computes them: keep the
    // last op's results so the kernel is not empty.
    if (outputs.empty())
      llvm::append_range(outputs, group.back()->getResults());

    OpBuilder b(group.back());
    SmallVector<Type> resultTypes;
    for (Value v : outputs)
      resultTypes.push_back(v.getType());
    auto kernel = KernelOp::create(b, group.front()->getLoc(), resultTypes,
                                   kind, inputs.getArrayRef());
    Block *body = new Block();
    kernel.getBody().push_back(body);
    IRMapping map;
    for (Value in : inputs)
      map.map(in, body->addArgument(in.getType(), in.getLoc()));
    OpBuilder inner = OpBuilder::atBlockEnd(body);
    for (Value c : constants)
      inner.clone(*c.getDefiningOp(), map);
    for (Operation *op : group)
      inner.clone(*op, map);
    SmallVector<Value> yielded;
    for (Value v : outputs)
      yielded.push_back(map.lookup(v));
    YieldOp::create(inner, group.back()->getLoc(), yielded);

    for (auto [v, r] : llvm::zip(outputs, kernel.getResults()))
      v.replaceUsesWithIf(
          r, [&](OpOperand &use) { return !members.contains(use.getOwner()); });
    for (Operation *op : llvm::reverse(group))
      op->erase();
    for (Value c : constants)
      if (c.use_empty())
        c.getDefiningOp()->erase();
  }
};

} // namespace
