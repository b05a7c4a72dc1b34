// Static dimensions of 0 in GEMM and attention: the outputs are empty
// tensors and nothing is launched (the grid would have no blocks), on
// --run and from a bundle; no keys at all (Skv = 0) gives zeros.
// RUN: fused-compile --run --device=emulator --check %s | FileCheck %s
// RUN: rm -rf %t && fused-compile --emit=bundle --with-reference %s -o %t
// RUN: FileCheck %s --input-file=%t/manifest.json --check-prefix=MANIFEST
// RUN: fused-run %t --device=emulator --check | FileCheck %s

// CHECK: @no_rows result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @no_columns result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @no_batch result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @no_queries result 0: relative error 0.000e+00, 0 of 0 elements {{.*}} PASS
// CHECK: @no_keys result 0: relative error 0.000e+00, 0 of 640 elements {{.*}} PASS

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
