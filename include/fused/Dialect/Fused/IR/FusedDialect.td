//===- FusedDialect.td - the fused dialect -----------------*- tablegen -*-===//
//
// Graph-level dialect of attention and tensor ops on ranked tensors. It is
// the input level of the compiler: fusion groups its ops into kernels and the
// later levels tile, promote and lower them to tensor-core code.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_TD
#define FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_TD

include "mlir/IR/OpBase.td"

def Fused_Dialect : Dialect {
  let name = "fused";
  let cppNamespace = "::fused::fused";
  let summary = "Attention and tensor ops on ranked tensors";
  let description = [{
    The `fused` dialect holds named, value-semantic ops on ranked tensors of
    `f16`, `bf16` and `f32` (and, where an op says so, the 8-bit float types
    `f8E4M3FN` and `f8E5M2`): matrix multiplication with batch broadcasting,
    scaled dot-product attention with GQA, causal masking and an additive
    bias, elementwise ops with numpy broadcasting, softmax, reductions,
    layer and RMS normalisation, and transposes.

    Every op verifies its operand shapes and element types and names the
    operand and the dimensions involved when they do not fit. Dimensions may
    be dynamic (`?`); checks involving a dynamic size are deferred to run
    time.
  }];
  let hasConstantMaterializer = 0;
  let useDefaultAttributePrinterParser = 1;
  // What passes tell each other, on kernel functions and the ops in them.
  // Each has a helper (FusedDialect::KernelKindAttrHelper, ...) to read and
  // write it; the dialect checks the type of each where it appears.
  let discardableAttrs = (ins
    // The module: the chip code generation targets (fused-set-target).
    "::mlir::StringAttr":$target,
    // Kernel functions (func.func after fused-tile, gpu.func after the GPU
    // lowerings).
    "KernelKindAttr":$kernel_kind,
    "GemmConfigAttr":$gemm_config,
    "AttentionConfigAttr":$attention_config,
    "LaunchConfigAttr":$launch,
    "::mlir::UnitAttr":$promoted,
    // Tile-level ops and shared-memory allocations inside them.
    "TileRoleAttr":$role,
    "SwizzleAttr":$swizzle
  );
  let hasOperationAttrVerify = 1;
}

class Fused_Op<string mnemonic, list<Trait> traits = []>
    : Op<Fused_Dialect, mnemonic, traits>;

#endif // FUSED_DIALECT_FUSED_IR_FUSEDDIALECT_TD
