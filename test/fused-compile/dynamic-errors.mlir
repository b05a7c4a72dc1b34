/// Dynamic dimensions that code generation does not take yet, or that
/// cannot be one size, are refused with a diagnostic naming the op, by
/// --run and by --emit=bundle (which then writes nothing).
// RUN: split-file %s %t
// RUN: not fused-compile --run --device=emulator --sizes=5 %t/middle.mlir 2>&1 | FileCheck %s --check-prefix=MIDDLE
// RUN: not fused-compile --emit=bundle %t/middle.mlir -o %t/middle.bundle 2>&1 | FileCheck %s --check-prefix=MIDDLE
// RUN: not test -e %t/middle.bundle/manifest.json
// RUN: not fused-compile --run --device=emulator --sizes=5 %t/pinned.mlir 2>&1 | FileCheck %s --check-prefix=PINNED
// RUN: not fused-compile --emit=bundle %t/reshape.mlir -o %t/reshape.bundle 2>&1 | FileCheck %s --check-prefix=RESHAPE
// RUN: not test -e %t/reshape.bundle/manifest.json
// RUN: not fused-compile --run --device=emulator --sizes=5,6 %t/middle-ok.mlir 2>&1 | FileCheck %s --check-prefix=COUNT

// PINNED: error: 'fused.add' op makes a dynamic dimension (?) equal to the static size 16: write 16 for it, or make both dynamic
// MIDDLE: error: 'fused.kernel' op elementwise code generation takes dynamic sizes (?) outside the innermost dimension only, got 'tensor<4x?xf16>'
// RESHAPE: error: 'fused.reshape' op has more than one dynamic result dimension: code generation reshapes with at most one, the size of the input divided by the static dimensions
// COUNT: @rows has 1 dynamic size, got 2 (give them with --sizes=N,...)

//--- pinned.mlir
func.func @pinned(%a: tensor<?x64xf16>, %b: tensor<16x64xf16>) -> tensor<?x64xf16> {
  %y = fused.add %a, %b : tensor<?x64xf16>, tensor<16x64xf16> -> tensor<?x64xf16>
  return %y : tensor<?x64xf16>
}

//--- middle.mlir
func.func @middle(%a: tensor<4x?xf16>) -> tensor<4x?xf16> {
  %y = fused.exp %a : tensor<4x?xf16>
  return %y : tensor<4x?xf16>
}

//--- reshape.mlir
func.func @reshape(%a: tensor<?x64xf16>) -> tensor<?x?x8xf16> {
  %y = fused.exp %a : tensor<?x64xf16>
  %v = fused.reshape %y : tensor<?x64xf16> to tensor<?x?x8xf16>
  return %v : tensor<?x?x8xf16>
}

//--- middle-ok.mlir
func.func @rows(%a: tensor<?x4xf16>) -> tensor<?x4xf16> {
  %y = fused.exp %a : tensor<?x4xf16>
  return %y : tensor<?x4xf16>
}
