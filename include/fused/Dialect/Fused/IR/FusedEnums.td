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
    "normalization, transpose or rope)", [
      I32EnumAttrCase<"gemm", 0>,
      I32EnumAttrCase<"attention", 1>,
      I32EnumAttrCase<"elementwise", 2>,
      I32EnumAttrCase<"softmax", 3>,
      I32EnumAttrCase<"reduction", 4>,
      I32EnumAttrCase<"normalization", 5>,
      I32EnumAttrCase<"transpose", 6>,
      I32EnumAttrCase<"rope", 7>
    ]> {
  let cppNamespace = "::fused::fused";
  // fused.kernel holds it as an integer attribute; KernelKindAttr is the
  // dialect attribute (#fused.kernel_kind<gemm>) that kernel functions
  // carry.
  let specializedAttrClassName = "KernelKindIntAttr";
}

def Fused_TileRole : I32EnumAttr<"TileRole",
    "what a tile-level computation of a kernel function is for", [
      I32EnumAttrCase<"mma", 0>,
      I32EnumAttrCase<"epilogue", 1>
    ]> {
  let cppNamespace = "::fused::fused";
  let genSpecializedAttr = 0;
}

def Fused_Swizzle : I32EnumAttr<"Swizzle",
    "storage permutation of a shared-memory tile", [
      // 16-byte chunk c of row r stored at chunk c ^ (r % 8) (fewer for
      // short rows; see fused/Transforms/Layouts.h): conflict-free for
      // ldmatrix and 16-byte accesses of 8 consecutive rows.
      I32EnumAttrCase<"xor16", 0>,
      // The same with the mask stepping by 2 per row, c ^ (2r % 8):
      // conflict-free for 8-byte accesses of 4 consecutive rows per
      // half-warp (f32 tiles read as fragment pairs).
      I32EnumAttrCase<"xor16_pairs", 1>
    ]> {
  let cppNamespace = "::fused::fused";
  let genSpecializedAttr = 0;
}

#endif // FUSED_DIALECT_FUSED_IR_FUSEDENUMS_TD
