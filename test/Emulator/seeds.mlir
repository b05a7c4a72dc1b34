/// Results do not depend on the emulator's schedule: three schedule seeds
/// (block order and thread interleaving), with one and two host threads,
/// give bit-identical outputs for the same inputs, and no reports.
// RUN: fused-compile --run --device=emulator --check --seed=7 --emulator-seed=1 --emulator-threads=1 %s > %t.1
// RUN: fused-compile --run --device=emulator --check --seed=7 --emulator-seed=2 --emulator-threads=2 %s > %t.2
// RUN: fused-compile --run --device=emulator --check --seed=7 --emulator-seed=3 %s > %t.3
// RUN: cat %t.1 %t.2 %t.3 | FileCheck %s

// CHECK: @odd_bias_gelu result 0: checksum [[ODD:[0-9a-f]+]]
// CHECK: @odd_bias_gelu result 0: relative error {{.*}} PASS
// CHECK: @batch_bf16 result 0: checksum [[BATCH:[0-9a-f]+]]
// CHECK: @batch_bf16 result 0: relative error {{.*}} PASS
// CHECK: @odd_bias_gelu result 0: checksum [[ODD]]
// CHECK: @batch_bf16 result 0: checksum [[BATCH]]
// CHECK: @odd_bias_gelu result 0: checksum [[ODD]]
// CHECK: @batch_bf16 result 0: checksum [[BATCH]]

func.func @odd_bias_gelu(%a: tensor<77x200xf16>, %b: tensor<200x129xf16>, %bias: tensor<129xf32>) -> tensor<77x129xf16> {
  %c = fused.matmul %a, %b : tensor<77x200xf16>, tensor<200x129xf16> -> tensor<77x129xf32>
  %d = fused.add %c, %bias : tensor<77x129xf32>, tensor<129xf32> -> tensor<77x129xf32>
  %e = fused.gelu tanh %d : tensor<77x129xf32>
  %f = fused.cast %e : tensor<77x129xf32> to tensor<77x129xf16>
  return %f : tensor<77x129xf16>
}

func.func @batch_bf16(%a: tensor<3x100x72xbf16>, %b: tensor<72x136xbf16>) -> tensor<3x100x136xf32> {
  %c = fused.matmul %a, %b : tensor<3x100x72xbf16>, tensor<72x136xbf16> -> tensor<3x100x136xf32>
  return %c : tensor<3x100x136xf32>
}
