/// The GPU computes exp, exp2, tanh and rsqrt with approximate instructions
/// (ex2.approx, rsqrt.approx, through libdevice) whose rounding the
/// emulator cannot know. With --emulator-math-at-error-bound every such
/// result is off by the largest error CUDA documents for it: the outputs
/// change (other checksums than correctly rounded math gives) and every
/// check still passes, so no verdict rests on how the hardware rounds them.
// RUN: fused-compile --run --device=emulator --check --seed=5 %s > %t.exact
// RUN: fused-compile --run --device=emulator --check --seed=5 --emulator-math-at-error-bound %s > %t.bound
// RUN: cat %t.exact %t.bound | FileCheck %s

// CHECK: @attention result 0: checksum [[ATT:[0-9a-f]+]]
// CHECK: @attention result 1: checksum [[LSE:[0-9a-f]+]]
// CHECK: @attention result 0: {{.*}} PASS
// CHECK: @attention result 1: {{.*}} PASS
// CHECK: @gelu_tanh result 0: checksum [[GELU:[0-9a-f]+]]
// CHECK: @gelu_tanh result 0: {{.*}} PASS
// CHECK: @softmax result 0: checksum [[SM:[0-9a-f]+]]
// CHECK: @softmax result 0: {{.*}} PASS
// CHECK: @layernorm result 0: checksum [[LN:[0-9a-f]+]]
// CHECK: @layernorm result 0: {{.*}} PASS
// CHECK: @silu result 0: checksum [[SILU:[0-9a-f]+]]
// CHECK: @silu result 0: {{.*}} PASS
// CHECK-NOT: FAIL
// CHECK: @attention result 0: checksum
// CHECK-NOT: [[ATT]]
// CHECK-SAME: {{$}}
// CHECK: @attention result 1: checksum
// CHECK-NOT: [[LSE]]
// CHECK-SAME: {{$}}
// CHECK: @attention result 0: {{.*}} PASS
// CHECK: @attention result 1: {{.*}} PASS
// CHECK: @gelu_tanh result 0: checksum
// CHECK-NOT: [[GELU]]
// CHECK-SAME: {{$}}
// CHECK: @gelu_tanh result 0: {{.*}} PASS
// CHECK: @softmax result 0: checksum
// CHECK-NOT: [[SM]]
// CHECK-SAME: {{$}}
// CHECK: @softmax result 0: {{.*}} PASS
// CHECK: @layernorm result 0: checksum
// CHECK-NOT: [[LN]]
// CHECK-SAME: {{$}}
// CHECK: @layernorm result 0: {{.*}} PASS
// CHECK: @silu result 0: checksum
// CHECK-NOT: [[SILU]]
// CHECK-SAME: {{$}}
// CHECK: @silu result 0: {{.*}} PASS

func.func @attention(%q: tensor<1x2x70x64xf16>, %k: tensor<1x2x90x64xf16>, %v: tensor<1x2x90x64xf16>) -> (tensor<1x2x70x64xf16>, tensor<1x2x70xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<1x2x70x64xf16>, tensor<1x2x90x64xf16>, tensor<1x2x90x64xf16> -> tensor<1x2x70x64xf16>, tensor<1x2x70xf32>
  return %o, %lse : tensor<1x2x70x64xf16>, tensor<1x2x70xf32>
}

func.func @gelu_tanh(%a: tensor<77x200xf16>, %b: tensor<200x129xf16>) -> tensor<77x129xf32> {
  %c = fused.matmul %a, %b : tensor<77x200xf16>, tensor<200x129xf16> -> tensor<77x129xf32>
  %e = fused.gelu tanh %c : tensor<77x129xf32>
  return %e : tensor<77x129xf32>
}

func.func @softmax(%x: tensor<37x1000xf32>) -> tensor<37x1000xf32> {
  %y = fused.softmax %x axis = -1 : tensor<37x1000xf32>
  return %y : tensor<37x1000xf32>
}

func.func @layernorm(%x: tensor<37x768xf32>) -> tensor<37x768xf32> {
  %y = fused.layernorm %x : tensor<37x768xf32>
  return %y : tensor<37x768xf32>
}

func.func @silu(%a: tensor<37x1000xf32>) -> tensor<37x1000xf32> {
  %y = fused.silu %a : tensor<37x1000xf32>
  return %y : tensor<37x1000xf32>
}
