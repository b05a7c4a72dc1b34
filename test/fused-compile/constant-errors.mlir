/// A constant that is not a splat (or that a kernel other than an epilogue
/// or an elementwise chain reads) is not compiled yet: the run and the
/// bundle say so, naming the op, and exit non-zero.
// RUN: not fused-compile --run --device=emulator %s 2>&1 | FileCheck %s
// RUN: not fused-compile --emit=bundle %s -o %t.bundle 2>&1 | FileCheck %s
// RUN: not test -e %t.bundle/manifest.json
// CHECK: error: 'arith.constant' op cannot be part of a compiled function: code generation does not support it yet (it compiles gemm, attention, elementwise, softmax, reduction, normalization, transpose and rope kernels)

func.func @dense(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %c = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %y = fused.mul %x, %c : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
