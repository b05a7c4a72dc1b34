//===- FusedDialect.cpp - the fused dialect -------------------------------===//
//
// Registers the ops and attributes of the `fused` dialect.
//
//===----------------------------------------------------------------------===//

#include "fused/Dialect/Fused/IR/FusedDialect.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace fused::fused;

#include "fused/Dialect/Fused/IR/FusedDialect.cpp.inc"
#include "fused/Dialect/Fused/IR/FusedEnums.cpp.inc"

void FusedDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "fused/Dialect/Fused/IR/FusedOps.cpp.inc"
      >();
}
