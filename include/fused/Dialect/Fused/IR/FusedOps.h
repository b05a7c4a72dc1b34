//===- FusedOps.h - ops of the fused dialect --------------------*- C++ -*-===//
//
// Declares the ops and attributes of the `fused` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDOPS_H
#define FUSED_DIALECT_FUSED_IR_FUSEDOPS_H

#include "fused/Dialect/Fused/IR/FusedDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "fused/Dialect/Fused/IR/FusedInterfaces.h.inc"

#define GET_OP_CLASSES
#include "fused/Dialect/Fused/IR/FusedOps.h.inc"

#endif // FUSED_DIALECT_FUSED_IR_FUSEDOPS_H
