/// --chip=auto (the default) compiles for the CUDA device present; without
/// one, for sm_80. (On a GPU machine the chip follows the device, so this
/// test runs only where there is none.)
// UNSUPPORTED: cuda
// RUN: fused-compile --emit=ptx %s -o - | FileCheck %s
// RUN: fused-compile --emit=ptx --chip=auto %s -o - | FileCheck %s
// RUN: fused-compile --emit=ptx --chip=sm_90 %s -o - | FileCheck %s --check-prefix=SM90
// CHECK: .target sm_80
// SM90: .target sm_90a
func.func @mm(%a: tensor<32x32xf16>, %b: tensor<32x32xf16>) -> tensor<32x32xf32> {
  %c = fused.matmul %a, %b : tensor<32x32xf16>, tensor<32x32xf16> -> tensor<32x32xf32>
  return %c : tensor<32x32xf32>
}
