//===- Passes.td - passes on the fused dialect -------------*- tablegen -*-===//
//
// Graph-level passes: they take and produce `fused` ops on tensors.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_TD
#define FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FusedFusePass : Pass<"fused-fuse", "::mlir::func::FuncOp"> {
  let summary = "group fused ops into kernels";
  let description = [{
    Wraps every `fused` op at the top level of a function into a
    `fused.kernel`, grouping ops that one kernel can compute together:

    - **GEMM + epilogue**: a `fused.matmul` and the chain of elementwise ops
      that consume it (bias add with broadcasting, scale, gelu/silu/relu/…,
      residual add, cast) become one `gemm` kernel. A link joins the chain
      when the value so far is used by that op alone and the op's result has
      the matmul's result shape (the epilogue works on the output tile; the
      other operand of a binary op may be any value broadcastable to it).
    - **Elementwise chains**: elementwise ops joined the same way, all of one
      result shape, become one `elementwise` kernel.
    - Every other op (attention, softmax, reductions, norms, transposes, and
      ops that cannot join a chain) becomes a kernel of its own.

    Pre: `fused` ops on tensors at the top level of `func.func` bodies.
    Post: no `fused` op outside a `fused.kernel`, except those nested in
    other regions, which are left alone. Values that flowed between ops of one
    kernel are no longer visible outside it. The pass is idempotent.
  }];
  let options = [
    Option<"fuseEpilogues", "fuse-epilogues", "bool", /*default=*/"true",
           "fuse elementwise consumers of a matmul into its kernel">,
    Option<"fuseElementwise", "fuse-elementwise", "bool", /*default=*/"true",
           "fuse chains of elementwise ops into one kernel">,
  ];
  let dependentDialects = ["::fused::fused::FusedDialect"];
}

#endif // FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_TD
