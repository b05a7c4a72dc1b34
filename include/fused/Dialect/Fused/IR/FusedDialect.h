//===- FusedDialect.h - the fused dialect -----------------------*- C++ -*-===//
//
// Declares the `fused` dialect: graph-level attention and tensor ops.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_H
#define FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

// The attributes come first: the dialect's attribute helpers name them.
#include "fused/Dialect/Fused/IR/FusedEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "fused/Dialect/Fused/IR/FusedAttrs.h.inc"

#include "fused/Dialect/Fused/IR/FusedDialect.h.inc"

#include "fused/Target/Target.h"

namespace fused::fused {

/// The Target of the module that holds `op`: the chip its fused.target
/// names (fused-set-target), or the default chip when it names none.
::fused::Target moduleTarget(mlir::Operation *op);

} // namespace fused::fused

#endif // FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_H
