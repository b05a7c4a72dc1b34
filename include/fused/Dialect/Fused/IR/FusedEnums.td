//===- FusedEnums.td - attributes of the fused dialect -----*- tablegen -*-===//
//
// Enumerations used by `fused` ops.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDENUMS_TD
#define FUSED_DIALECT_FUSED_IR_FUSEDENUMS_TD

include "fused/Dialect/Fused/IR/FusedDialect.td"
include "mlir/IR/EnumAttr.td"

def Fused_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "GELU approximation (erf or tanh)", [
      I32EnumAttrCase<"erf", 0>,
      I32EnumAttrCase<"tanh", 1>
    ]> {
  let cppNamespace = "::fused::fused";
}

def Fused_KernelKind : I32EnumAttr<"KernelKind",
    "kernel kind (gemm, attention, elementwise, softmax, reduction, "
    "normalization or transpose)", [
      I32EnumAttrCase<"gemm", 0>,
      I32EnumAttrCase<"attention", 1>,
      I32EnumAttrCase<"elementwise", 2>,
      I32EnumAttrCase<"softmax", 3>,
      I32EnumAttrCase<"reduction", 4>,
      I32EnumAttrCase<"normalization", 5>,
      I32EnumAttrCase<"transpose", 6>
    ]> {
  let cppNamespace = "::fused::fused";
}

#endif // FUSED_DIALECT_FUSED_IR_FUSEDENUMS_TD
