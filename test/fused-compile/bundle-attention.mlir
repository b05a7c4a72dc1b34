/// The manifest of an attention kernel with LSE: its two trailing
/// arguments (O and LSE) are outputs, and its kind and configuration are
/// recorded.
// RUN: rm -rf %t.bundle && fused-compile --emit=bundle %s -o %t.bundle && FileCheck %s < %t.bundle/manifest.json

// CHECK: "kernels": [
// CHECK: "index": 2,
// CHECK-NEXT: "role": "input",
// CHECK: "index": 3,
// CHECK-NEXT: "role": "output",
// CHECK: "index": 4,
// CHECK-NEXT: "role": "output",
// CHECK: "block_m": 64,
// CHECK-NEXT: "block_n": 64,
// CHECK-NEXT: "warps": 4
// CHECK: "grid": [
// CHECK-NEXT: 2,
// CHECK-NEXT: 8,
// CHECK-NEXT: 1
// CHECK: "kind": "attention",
// CHECK: "name": "att_attention"

func.func @att(%q: tensor<1x8x100x64xf16>, %k: tensor<1x2x160x64xf16>, %v: tensor<1x2x160x64xf16>) -> (tensor<1x8x100x64xf16>, tensor<1x8x100xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<1x8x100x64xf16>, tensor<1x2x160x64xf16>, tensor<1x2x160x64xf16> -> tensor<1x8x100x64xf16>, tensor<1x8x100xf32>
  return %o, %lse : tensor<1x8x100x64xf16>, tensor<1x8x100xf32>
}
