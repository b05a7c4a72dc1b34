/// What a compiled function cannot do with views gets a diagnostic naming
/// the op, and a non-zero exit: return a view of an argument or of part of
/// a kernel's result (the caller's output memory is written by kernels).
/// Every function's error is reported. (view-alignment.mlir: a view that
/// starts off the alignment a kernel assumes.)
// RUN: not fused-compile --emit=bundle %s -o %t.a 2>&1 | FileCheck %s
// RUN: not test -e %t.a/manifest.json
// RUN: not fused-compile --run --device=emulator %s 2>&1 | FileCheck %s --check-prefix=ARG
// CHECK: error: 'func.return' op returns a view of an argument: a compiled function's results are written by its kernels, so return a computed value (a reshape of a whole kernel result may be returned)
// CHECK: error: 'func.return' op returns a view of part of a kernel's result
// ARG: @arg_view cannot run on a device: {{.*}} error: 'func.return' op returns a view of an argument

func.func @arg_view(%x: tensor<4x10xf32>) -> tensor<40xf32> {
  %s = fused.reshape %x : tensor<4x10xf32> to tensor<40xf32>
  return %s : tensor<40xf32>
}

func.func @part_view(%x: tensor<4x8xf32>) -> tensor<2x8xf32> {
  %e = fused.exp %x : tensor<4x8xf32>
  %s = fused.slice %e offsets = [2, 0] : tensor<4x8xf32> to tensor<2x8xf32>
  return %s : tensor<2x8xf32>
}
