//===- AttentionStrategy.cpp - FlashAttention-2-style attention kernels ---===//
//
// The attention strategy: a `fused.kernel attention` holds one
// fused.attention on f16, bf16 or f32 [B, H, S, D] tensors (the sequence
// lengths may be dynamic) with head dimensions that are multiples of 16 up
// to 256.
// fused-lower-attention lowers it to one mma.sync kernel.
//
//===----------------------------------------------------------------------===//

#include "fused/Conversion/AttentionStrategy.h"
#include "fused/Conversion/KernelStrategy.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace fused::fused;
using fused::AttentionProblem;
using fused::Target;

FailureOr<AttentionProblem> fused::analyzeAttentionKernel(KernelOp kernel,
                                                        const Target &) {
  AttentionOp att;
  Block &body = kernel.getBody().front();
  for (Operation &op : body.without_terminator()) {
    if (auto a = dyn_cast<AttentionOp>(op); a && !att)
      att = a;
    else
      return kernel.emitOpError()
             << "attention code generation handles a kernel holding one "
                "fused.attention and nothing else";
  }
  if (!att)
    return kernel.emitOpError() << "has no fused.attention";
  auto yield = body.getTerminator();
  if (yield->getNumOperands() != att->getNumResults() ||
      !llvm::equal(yield->getOperands(), att->getResults()))
    return kernel.emitOpError()
           << "must yield the attention's results, in order";
  // With nothing else in the body, the operands are the kernel's inputs.

  AttentionProblem p;
  p.op = att;
  auto q = cast<RankedTensorType>(att.getQuery().getType());
  auto k = cast<RankedTensorType>(att.getKey().getType());
  auto v = cast<RankedTensorType>(att.getValue().getType());
  auto o = cast<RankedTensorType>(att.getOutput().getType());
  // The verifier guarantees 4-D [B, H, S, D] operands with one batch.
  // Dynamic sizes: the batch (dimension 0) and the sequence lengths
  // (dimension 2; a bias's last two, and its first when it has a batch).
  for (Value v : llvm::concat<Value>(att->getOperands(), att->getResults())) {
    auto t = cast<RankedTensorType>(v.getType());
    int64_t rank = t.getRank();
    bool isBias = v == att.getBias();
    for (int64_t d = 0; d < rank; ++d) {
      bool allowed = isBias ? d >= rank - 2 || (rank == 4 && d == 0)
                            : d == 0 || d == 2;
      if (t.isDynamicDim(d) && !allowed)
        return att.emitOpError()
               << "code generation takes dynamic sizes (?) in the batch and "
                  "the sequence lengths only, so far, got "
               << v.getType();
    }
  }
  p.B = q.getDimSize(0);
  p.Hq = q.getDimSize(1);
  p.Sq = q.getDimSize(2);
  p.D = q.getDimSize(3);
  p.Hkv = k.getDimSize(1);
  p.Skv = k.getDimSize(2);
  p.Dv = v.getDimSize(3);
  p.elemType = q.getElementType();
  // The verifier makes them one type, f16, bf16 or f32: all supported.
  p.outType = o.getElementType(); // f16, bf16 or f32 (the verifier's).
  for (int64_t d : {p.D, p.Dv})
    if (d % 16 != 0 || d > 256)
      return att.emitOpError()
             << "code generation needs head dimensions that are multiples of "
                "16 up to 256, got "
             << p.D << " and " << p.Dv;
  p.causal = att.getCausal();
  p.hasBias = static_cast<bool>(att.getBias());
  p.hasLse = static_cast<bool>(att.getLse());
  p.scale = att.getScale() ? att.getScale()->convertToFloat()
                           : 1.0f / std::sqrt(static_cast<float>(p.D));
  // 64 query rows per block of 4 warps; key tiles of 64, or of 32 when a
  // head dimension above 64 would make 64-key tiles spill; f32 tiles take
  // twice the shared memory and their three-part fragments more registers:
  // key tiles of 32, or of 16 above a head dimension of 64.
  int64_t widest = std::max(p.D, p.Dv);
  int64_t blockN = widest > 64 ? 32 : 64;
  if (p.elemType.isF32())
    blockN = widest > 64 ? 16 : 32;
  p.config = AttentionConfigAttr::get(kernel.getContext(), 64, blockN, 4);
  return p;
}

namespace {

struct AttentionStrategy : fused::KernelStrategy {
  KernelKind kind() const override { return KernelKind::attention; }

  LogicalResult checkSupported(KernelOp kernel,
                               const Target &target) const override {
    return fused::analyzeAttentionKernel(kernel, target);
  }

  bool roots(Operation *op) const override { return isa<AttentionOp>(op); }

  std::optional<double> flops(Operation *op) const override {
    auto att = dyn_cast<AttentionOp>(op);
    if (!att)
      return std::nullopt;
    auto q = cast<RankedTensorType>(att.getQuery().getType());
    auto k = cast<RankedTensorType>(att.getKey().getType());
    auto v = cast<RankedTensorType>(att.getValue().getType());
    // With dynamic sizes the FLOPs depend on them: none counted.
    if (!q.hasStaticShape() || !k.hasStaticShape() || !v.hasStaticShape())
      return 0.0;
    int64_t Sq = q.getDimSize(q.getRank() - 2);
    int64_t Skv = k.getDimSize(k.getRank() - 2);
    // 2 (D + Dv) per visible query-key pair of each head.
    double pairs = 0;
    for (int64_t i = 0; i < Sq; ++i)
      pairs += att.getCausal() ? std::clamp<int64_t>(i + Skv - Sq + 1, 0, Skv)
                               : Skv;
    double heads = 1;
    for (int64_t d : q.getShape().drop_back(2))
      heads *= d;
    return 2.0 * pairs * heads * (q.getShape().back() + v.getShape().back());
  }

  bool describe(gpu::GPUFuncOp k, llvm::json::Object &desc) const override {
    auto cfg =
        FusedDialect::AttentionConfigAttrHelper(k.getContext()).getAttr(k);
    if (!cfg)
      return false;
    desc["config"] = llvm::json::Object{{"block_m", cfg.getBlockM()},
                                        {"block_n", cfg.getBlockN()},
                                        {"warps", cfg.getWarps()}};
    desc["grid_formula"] = llvm::json::Array{
        "ceil(Sq / " + std::to_string(cfg.getBlockM()) + ")", "Hq", "B"};
    return true;
  }
};

} // namespace

namespace fused {
const KernelStrategy *attentionStrategy() {
  static const AttentionStrategy s;
  return &s;
}
} // namespace fused
