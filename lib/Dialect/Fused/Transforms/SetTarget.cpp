//===- SetTarget.cpp - the chip code generation targets -------------------===//

#include "fused/Dialect/Fused/IR/FusedDialect.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDSETTARGETPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;

namespace {

struct SetTargetPass
    : public ::fused::fused::impl::FusedSetTargetPassBase<SetTargetPass> {
  using FusedSetTargetPassBase::FusedSetTargetPassBase;

  void runOnOperation() override {
    if (!::fused::Target::get(chip)) {
      getOperation().emitError()
          << "fused-set-target: unknown chip '" << chip << "' (expected "
          << ::fused::Target::chipList() << ")";
      return signalPassFailure();
    }
    ::fused::fused::FusedDialect::TargetAttrHelper(&getContext())
        .setAttr(getOperation(), StringAttr::get(&getContext(), chip));
  }
};

} // namespace
