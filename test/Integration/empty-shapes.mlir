// Static dimensions of 0: the outputs are empty tensors and nothing is
// launched (the grid would have no blocks), on --run and from a bundle,
// for every kernel kind; no keys at all (Skv = 0) gives zeros. A reduction
// over an empty axis into a non-empty result is refused (below).
// RUN: fused-compile --run --device=emulator --check %s | FileCheck %s
// RUN: rm -rf %t && fused-compile --emit=bundle --with-reference %s -o %t
// RUN: FileCheck %s --input-file=%t/manifest.json --check-prefix=MANIFEST
// RUN: fused-run %t --device=emulator --check | FileCheck %s

// CHECK: @no_rows result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @no_columns result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @no_batch result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @no_queries result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @no_keys result 0: relative error 0.000e+00, 0 of 640 elements {{.*}} PASS
// CHECK: @softmax_no_rows result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @softmax_empty_rows result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @layernorm_no_rows result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @add_no_rows result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @max_of_no_rows result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @transpose_no_rows result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// RUN: not fused-compile --run --device=emulator %S/Inputs/empty-axis-sum.mlir 2>&1 | FileCheck %s --check-prefix=AXIS
// AXIS: error: 'fused.reduce_sum' op code generation needs a non-empty input, got 'tensor<0x64xf32>'

// MANIFEST: "grid": [
// MANIFEST-NEXT: 1,
// MANIFEST-NEXT: 0,
// MANIFEST-NEXT: 1
// MANIFEST: "name": "no_rows_gemm"

func.func @no_rows(%a: tensor<0x64xf16>, %b: tensor<64x32xf16>) -> tensor<0x32xf32> {
  %c = fused.matmul %a, %b : tensor<0x64xf16>, tensor<64x32xf16> -> tensor<0x32xf32>
  return %c : tensor<0x32xf32>
}

func.func @no_columns(%a: tensor<20x64xf32>, %b: tensor<64x0xf32>) -> tensor<20x0xf32> {
  %c = fused.matmul %a, %b : tensor<20x64xf32>, tensor<64x0xf32> -> tensor<20x0xf32>
  return %c : tensor<20x0xf32>
}

func.func @no_batch(%a: tensor<0x20x64xbf16>, %b: tensor<64x16xbf16>) -> tensor<0x20x16xf32> {
  %c = fused.matmul %a, %b : tensor<0x20x64xbf16>, tensor<64x16xbf16> -> tensor<0x20x16xf32>
  return %c : tensor<0x20x16xf32>
}

func.func @no_queries(%q: tensor<1x2x0x64xf16>, %k: tensor<1x2x10x64xf16>, %v: tensor<1x2x10x64xf16>) -> tensor<1x2x0x64xf16> {
  %o = fused.attention %q, %k, %v : tensor<1x2x0x64xf16>, tensor<1x2x10x64xf16>, tensor<1x2x10x64xf16> -> tensor<1x2x0x64xf16>
  return %o : tensor<1x2x0x64xf16>
}

func.func @no_keys(%q: tensor<1x2x5x64xf16>, %k: tensor<1x2x0x64xf16>, %v: tensor<1x2x0x64xf16>) -> tensor<1x2x5x64xf16> {
  %o = fused.attention %q, %k, %v : tensor<1x2x5x64xf16>, tensor<1x2x0x64xf16>, tensor<1x2x0x64xf16> -> tensor<1x2x5x64xf16>
  return %o : tensor<1x2x5x64xf16>
}

func.func @softmax_no_rows(%a: tensor<0x64xf16>) -> tensor<0x64xf16> {
  %c = fused.softmax %a axis = -1 : tensor<0x64xf16>
  return %c : tensor<0x64xf16>
}

func.func @softmax_empty_rows(%a: tensor<4x0xf16>) -> tensor<4x0xf16> {
  %c = fused.softmax %a axis = -1 : tensor<4x0xf16>
  return %c : tensor<4x0xf16>
}

func.func @layernorm_no_rows(%a: tensor<0x64xf32>, %g: tensor<64xf32>) -> tensor<0x64xf32> {
  %c = fused.layernorm %a weight(%g : tensor<64xf32>) : tensor<0x64xf32>
  return %c : tensor<0x64xf32>
}

func.func @add_no_rows(%a: tensor<0x64xf16>, %b: tensor<64xf16>) -> tensor<0x64xf16> {
  %c = fused.add %a, %b : tensor<0x64xf16>, tensor<64xf16> -> tensor<0x64xf16>
  return %c : tensor<0x64xf16>
}

func.func @max_of_no_rows(%a: tensor<0x64xf32>) -> tensor<0xf32> {
  %c = fused.reduce_max %a axis = 1 : tensor<0x64xf32> -> tensor<0xf32>
  return %c : tensor<0xf32>
}

func.func @transpose_no_rows(%a: tensor<0x64xf16>) -> tensor<64x0xf16> {
  %c = fused.transpose %a permutation = [1, 0] : tensor<0x64xf16> -> tensor<64x0xf16>
  return %c : tensor<64x0xf16>
}
