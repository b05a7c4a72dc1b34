//===- FusedInterfaces.td - interfaces of the fused dialect -*- tablegen -*-===//
//
// What passes ask of an op without naming it. An elementwise op says here,
// once, what it computes: fusion groups every op that has the interface,
// code generation emits its f32 scalar computation, and the float64
// reference evaluator applies its float64 definition.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDINTERFACES_TD
#define FUSED_DIALECT_FUSED_IR_FUSEDINTERFACES_TD

include "mlir/IR/OpBase.td"

def Fused_ElementwiseOpInterface : OpInterface<"ElementwiseOpInterface"> {
  let cppNamespace = "::fused::fused";
  let description = [{
    An op that computes each element of its one result from the elements at
    the same index of its operands. A unary op's result has its operand's
    shape; a binary op's operands broadcast to the result with numpy rules.

    The op defines its value twice, side by side and independently: on f32
    scalars as kernels compute it (`emitF32`, arith and math ops), and on
    float64 scalars as the reference evaluator defines it (`evaluate`).
    Both ignore rounding to the result's element type: kernels round every
    result they store, the evaluator rounds where it is asked to, and an
    op whose result is rounded by definition (a cast) says so with
    `roundsToResultType`.
  }];
  let methods = [
    InterfaceMethod<[{
        The op on f32 scalars `args` (one per operand, in operand order),
        built with `b` at `loc`: the value kernels compute.
      }],
      "::mlir::Value", "emitF32",
      (ins "::mlir::OpBuilder &":$b, "::mlir::Location":$loc,
           "::mlir::ValueRange":$args)>,
    InterfaceMethod<[{
        The op on float64 scalars `args` (one per operand): the value the
        reference evaluator defines.
      }],
      "double", "evaluate", (ins "::llvm::ArrayRef<double>":$args)>,
    InterfaceMethod<[{
        Whether the result is rounded to its element type by definition,
        whatever the evaluator's rounding options say.
      }],
      "bool", "roundsToResultType", (ins), [{}], [{ return false; }]>,
  ];
}

#endif // FUSED_DIALECT_FUSED_IR_FUSEDINTERFACES_TD
