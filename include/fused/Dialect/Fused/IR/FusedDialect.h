//===- FusedDialect.h - the fused dialect -----------------------*- C++ -*-===//
//
// Declares the `fused` dialect: graph-level attention and tensor ops.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_H
#define FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_H

#include "mlir/IR/Dialect.h"

#include "fused/Dialect/Fused/IR/FusedDialect.h.inc"

#endif // FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_H
