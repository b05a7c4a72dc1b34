//===- Fuse.cpp - group fused ops into kernels ----------------------------===//
//
// The fused-fuse pass: greedy, in program order, over the top-level ops of a
// function. A group starts at the first op not yet in a kernel and grows
// forward along single-consumer elementwise links; each group becomes one
// fused.kernel.
//
//===----------------------------------------------------------------------===//

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDFUSEPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;
using namespace fused::fused;

namespace {

bool isElementwise(Operation *op) {
  return isa<ExpOp, TanhOp, SiluOp, ReluOp, NegOp, RsqrtOp, GeluOp, CastOp,
             AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp>(op);
}

KernelKind kindOf(Operation *op) {
  if (isa<MatmulOp>(op))
    return KernelKind::gemm;
  if (isa<AttentionOp>(op))
    return KernelKind::attention;
  if (isa<SoftmaxOp>(op))
    return KernelKind::softmax;
  if (isa<ReduceSumOp, ReduceMaxOp>(op))
    return KernelKind::reduction;
  if (isa<LayerNormOp, RMSNormOp>(op))
    return KernelKind::normalization;
  if (isa<TransposeOp>(op))
    return KernelKind::transpose;
  return KernelKind::elementwise;
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
  if (user->getNumResults() != 1 || shapeOf(user->getResult(0)) != shape ||
      ShapedType::isDynamicShape(shape))
    return nullptr;
  return user;
}

struct FusePass : public ::fused::fused::impl::FusedFusePassBase<FusePass> {
  using FusedFusePassBase::FusedFusePassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    for (Block &block : func.getBody()) {
      SmallVector<Operation *> candidates;
      for (Operation &op : block)
        if (isa<FusedDialect>(op.getDialect()) && !isa<KernelOp, YieldOp>(op))
          candidates.push_back(&op);
      llvm::SmallPtrSet<Operation *, 16> done;
      for (Operation *root : candidates) {
        if (done.contains(root))
          continue;
        SmallVector<Operation *> group = growGroup(root);
        for (Operation *op : group)
          done.insert(op);
        buildKernel(group);
      }
    }
  }

  /// The ops that join `root` in one kernel, in program order.
  SmallVector<Operation *> growGroup(Operation *root) {
    SmallVector<Operation *> group = {root};
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
  void buildKernel(ArrayRef<Operation *> group) {
    llvm::SmallPtrSet<Operation *, 8> members(group.begin(), group.end());
    llvm::SetVector<Value> inputs;
    for (Operation *op : group)
      for (Value operand : op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (!def || !members.contains(def))
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
                                   kindOf(group.front()), inputs.getArrayRef());
    Block *body = new Block();
    kernel.getBody().push_back(body);
    IRMapping map;
    for (Value in : inputs)
      map.map(in, body->addArgument(in.getType(), in.getLoc()));
    OpBuilder inner = OpBuilder::atBlockEnd(body);
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
  }
};

} // namespace
