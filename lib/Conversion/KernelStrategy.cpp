//===- KernelStrategy.cpp - the registry of kernel strategies -------------===//

#include "fused/Conversion/KernelStrategy.h"

using namespace mlir;

namespace fused {

KernelStrategy::~KernelStrategy() = default;

double KernelStrategy::minimumBytes(fused::KernelOp kernel) const {
  double bytes = 0;
  auto add = [&](Type t) {
    auto s = cast<ShapedType>(t);
    bytes += double(s.getNumElements()) *
             std::max<int64_t>(1, s.getElementTypeBitWidth() / 8);
  };
  for (Value v : kernel.getInputs())
    add(v.getType());
  for (Type t : kernel.getResultTypes())
    add(t);
  return bytes;
}

// Each kind's strategy, defined with it.
const KernelStrategy *gemmStrategy();
const KernelStrategy *attentionStrategy();

llvm::ArrayRef<const KernelStrategy *> kernelStrategies() {
  // The registry: one line per kernel kind.
  static const KernelStrategy *const all[] = {
      gemmStrategy(),
      attentionStrategy(),
  };
  return all;
}

const KernelStrategy *strategyFor(fused::KernelKind kind) {
  for (const KernelStrategy *s : kernelStrategies())
    if (s->kind() == kind)
      return s;
  return nullptr;
}

std::string supportedKernelKinds() {
  std::string s;
  llvm::ArrayRef<const KernelStrategy *> all = kernelStrategies();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i)
      s += i + 1 == all.size() ? " and " : ", ";
    s += all[i]->name().str();
  }
  return s + " kernels";
}

double functionFlops(func::FuncOp func) {
  double flops = 0;
  func.walk([&](Operation *op) {
    for (const KernelStrategy *s : kernelStrategies())
      if (std::optional<double> f = s->flops(op)) {
        flops += *f;
        return;
      }
  });
  return flops;
}

} // namespace fused
