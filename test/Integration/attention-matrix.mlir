/// The CI subset of the attention matrix (scripts/attention_matrix.py
/// --subset; the whole matrix is `scripts/attention_matrix.py`): every
/// sequence pair of the matrix, GQA/MQA/MHA, D = 64 and 128, causal and not,
/// f16 and bf16, batch 1 and 2, run by the emulator against the float64
/// reference with fresh random inputs (relative error <= 2e-3 for f16,
/// 1e-2 for bf16; NaN fails; any out-of-bounds access, race or
/// uninitialised read fails the launch).
// RUN: fused-compile --run --device=emulator --check --seed=0 %s | FileCheck %s

// CHECK-DAG: @b1_h4x4_s1x1_d64_full_f16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h4x4_s1x1_d64_full_f16 result 1: relative error {{.*}} PASS
func.func @b1_h4x4_s1x1_d64_full_f16(%q: tensor<1x4x1x64xf16>, %k: tensor<1x4x1x64xf16>, %v: tensor<1x4x1x64xf16>) -> (tensor<1x4x1x64xf16>, tensor<1x4x1xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<1x4x1x64xf16>, tensor<1x4x1x64xf16>, tensor<1x4x1x64xf16> -> tensor<1x4x1x64xf16>, tensor<1x4x1xf32>
  return %o, %l : tensor<1x4x1x64xf16>, tensor<1x4x1xf32>
}

// CHECK-DAG: @b1_h4x4_s113x203_d128_full_bf16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h4x4_s113x203_d128_full_bf16 result 1: relative error {{.*}} PASS
func.func @b1_h4x4_s113x203_d128_full_bf16(%q: tensor<1x4x113x128xbf16>, %k: tensor<1x4x203x128xbf16>, %v: tensor<1x4x203x128xbf16>) -> (tensor<1x4x113x128xbf16>, tensor<1x4x113xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<1x4x113x128xbf16>, tensor<1x4x203x128xbf16>, tensor<1x4x203x128xbf16> -> tensor<1x4x113x128xbf16>, tensor<1x4x113xf32>
  return %o, %l : tensor<1x4x113x128xbf16>, tensor<1x4x113xf32>
}

// CHECK-DAG: @b1_h4x4_s256x512_d64_causal_bf16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h4x4_s256x512_d64_causal_bf16 result 1: relative error {{.*}} PASS
func.func @b1_h4x4_s256x512_d64_causal_bf16(%q: tensor<1x4x256x64xbf16>, %k: tensor<1x4x512x64xbf16>, %v: tensor<1x4x512x64xbf16>) -> (tensor<1x4x256x64xbf16>, tensor<1x4x256xf32>) {
  %o, %l = fused.attention %q, %k, %v {causal} : tensor<1x4x256x64xbf16>, tensor<1x4x512x64xbf16>, tensor<1x4x512x64xbf16> -> tensor<1x4x256x64xbf16>, tensor<1x4x256xf32>
  return %o, %l : tensor<1x4x256x64xbf16>, tensor<1x4x256xf32>
}

// CHECK-DAG: @b1_h4x4_s512x256_d64_full_bf16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h4x4_s512x256_d64_full_bf16 result 1: relative error {{.*}} PASS
func.func @b1_h4x4_s512x256_d64_full_bf16(%q: tensor<1x4x512x64xbf16>, %k: tensor<1x4x256x64xbf16>, %v: tensor<1x4x256x64xbf16>) -> (tensor<1x4x512x64xbf16>, tensor<1x4x512xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<1x4x512x64xbf16>, tensor<1x4x256x64xbf16>, tensor<1x4x256x64xbf16> -> tensor<1x4x512x64xbf16>, tensor<1x4x512xf32>
  return %o, %l : tensor<1x4x512x64xbf16>, tensor<1x4x512xf32>
}

// CHECK-DAG: @b1_h8x2_s1x513_d128_causal_bf16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h8x2_s1x513_d128_causal_bf16 result 1: relative error {{.*}} PASS
func.func @b1_h8x2_s1x513_d128_causal_bf16(%q: tensor<1x8x1x128xbf16>, %k: tensor<1x2x513x128xbf16>, %v: tensor<1x2x513x128xbf16>) -> (tensor<1x8x1x128xbf16>, tensor<1x8x1xf32>) {
  %o, %l = fused.attention %q, %k, %v {causal} : tensor<1x8x1x128xbf16>, tensor<1x2x513x128xbf16>, tensor<1x2x513x128xbf16> -> tensor<1x8x1x128xbf16>, tensor<1x8x1xf32>
  return %o, %l : tensor<1x8x1x128xbf16>, tensor<1x8x1xf32>
}

// CHECK-DAG: @b1_h8x2_s128x217_d128_causal_f16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h8x2_s128x217_d128_causal_f16 result 1: relative error {{.*}} PASS
func.func @b1_h8x2_s128x217_d128_causal_f16(%q: tensor<1x8x128x128xf16>, %k: tensor<1x2x217x128xf16>, %v: tensor<1x2x217x128xf16>) -> (tensor<1x8x128x128xf16>, tensor<1x8x128xf32>) {
  %o, %l = fused.attention %q, %k, %v {causal} : tensor<1x8x128x128xf16>, tensor<1x2x217x128xf16>, tensor<1x2x217x128xf16> -> tensor<1x8x128x128xf16>, tensor<1x8x128xf32>
  return %o, %l : tensor<1x8x128x128xf16>, tensor<1x8x128xf32>
}

// CHECK-DAG: @b1_h4x1_s128x217_d64_full_bf16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h4x1_s128x217_d64_full_bf16 result 1: relative error {{.*}} PASS
func.func @b1_h4x1_s128x217_d64_full_bf16(%q: tensor<1x4x128x64xbf16>, %k: tensor<1x1x217x64xbf16>, %v: tensor<1x1x217x64xbf16>) -> (tensor<1x4x128x64xbf16>, tensor<1x4x128xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<1x4x128x64xbf16>, tensor<1x1x217x64xbf16>, tensor<1x1x217x64xbf16> -> tensor<1x4x128x64xbf16>, tensor<1x4x128xf32>
  return %o, %l : tensor<1x4x128x64xbf16>, tensor<1x4x128xf32>
}

// CHECK-DAG: @b1_h4x1_s512x256_d128_causal_f16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h4x1_s512x256_d128_causal_f16 result 1: relative error {{.*}} PASS
func.func @b1_h4x1_s512x256_d128_causal_f16(%q: tensor<1x4x512x128xf16>, %k: tensor<1x1x256x128xf16>, %v: tensor<1x1x256x128xf16>) -> (tensor<1x4x512x128xf16>, tensor<1x4x512xf32>) {
  %o, %l = fused.attention %q, %k, %v {causal} : tensor<1x4x512x128xf16>, tensor<1x1x256x128xf16>, tensor<1x1x256x128xf16> -> tensor<1x4x512x128xf16>, tensor<1x4x512xf32>
  return %o, %l : tensor<1x4x512x128xf16>, tensor<1x4x512xf32>
}

// CHECK-DAG: @b1_h4x1_s1023x1024_d64_full_f16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b1_h4x1_s1023x1024_d64_full_f16 result 1: relative error {{.*}} PASS
func.func @b1_h4x1_s1023x1024_d64_full_f16(%q: tensor<1x4x1023x64xf16>, %k: tensor<1x1x1024x64xf16>, %v: tensor<1x1x1024x64xf16>) -> (tensor<1x4x1023x64xf16>, tensor<1x4x1023xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<1x4x1023x64xf16>, tensor<1x1x1024x64xf16>, tensor<1x1x1024x64xf16> -> tensor<1x4x1023x64xf16>, tensor<1x4x1023xf32>
  return %o, %l : tensor<1x4x1023x64xf16>, tensor<1x4x1023xf32>
}

// CHECK-DAG: @b2_h8x2_s1x513_d64_full_f16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b2_h8x2_s1x513_d64_full_f16 result 1: relative error {{.*}} PASS
func.func @b2_h8x2_s1x513_d64_full_f16(%q: tensor<2x8x1x64xf16>, %k: tensor<2x2x513x64xf16>, %v: tensor<2x2x513x64xf16>) -> (tensor<2x8x1x64xf16>, tensor<2x8x1xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<2x8x1x64xf16>, tensor<2x2x513x64xf16>, tensor<2x2x513x64xf16> -> tensor<2x8x1x64xf16>, tensor<2x8x1xf32>
  return %o, %l : tensor<2x8x1x64xf16>, tensor<2x8x1xf32>
}

// CHECK-DAG: @b2_h8x2_s113x203_d64_causal_f16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b2_h8x2_s113x203_d64_causal_f16 result 1: relative error {{.*}} PASS
func.func @b2_h8x2_s113x203_d64_causal_f16(%q: tensor<2x8x113x64xf16>, %k: tensor<2x2x203x64xf16>, %v: tensor<2x2x203x64xf16>) -> (tensor<2x8x113x64xf16>, tensor<2x8x113xf32>) {
  %o, %l = fused.attention %q, %k, %v {causal} : tensor<2x8x113x64xf16>, tensor<2x2x203x64xf16>, tensor<2x2x203x64xf16> -> tensor<2x8x113x64xf16>, tensor<2x8x113xf32>
  return %o, %l : tensor<2x8x113x64xf16>, tensor<2x8x113xf32>
}

// CHECK-DAG: @b2_h4x1_s64x64_d64_causal_f16 result 0: relative error {{.*}} PASS
// CHECK-DAG: @b2_h4x1_s64x64_d64_causal_f16 result 1: relative error {{.*}} PASS
func.func @b2_h4x1_s64x64_d64_causal_f16(%q: tensor<2x4x64x64xf16>, %k: tensor<2x1x64x64xf16>, %v: tensor<2x1x64x64xf16>) -> (tensor<2x4x64x64xf16>, tensor<2x4x64xf32>) {
  %o, %l = fused.attention %q, %k, %v {causal} : tensor<2x4x64x64xf16>, tensor<2x1x64x64xf16>, tensor<2x1x64x64xf16> -> tensor<2x4x64x64xf16>, tensor<2x4x64xf32>
  return %o, %l : tensor<2x4x64x64xf16>, tensor<2x4x64xf32>
}

